"""Check the HTML the build publishes: tags that are opened and never closed, and anything loaded from elsewhere.

An unclosed ``<div>`` in a post (or in a snippet's ``html="true"`` output) swallows the rest of the page,
and, through the excerpt, the home page. A ``<script src="https://…">`` breaks the site's promise that no
request leaves it. Both checks are cheap on the common case: a count of tags (in C) decides whether a page
needs the exact, slower walk with html.parser, and only pages that mention another host are looked at closely.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip
# Elements whose end tag HTML lets a writer leave out; Markdown never does, hand-written HTML may.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "colgroup"}
TAG_NAME = re.compile(r"</?[A-Za-z][\w:-]*")
COMMENT_OR_RAW = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.S | re.I)


def tag_counts_balance(html: str) -> bool:
    """True if every element that is opened is closed as often (the fast test; nesting is not looked at)."""
    if "<!--" in html or "<script" in html or "<style" in html:
        html = COMMENT_OR_RAW.sub("", html)
    counts = Counter(TAG_NAME.findall(html))  # "<div" and "</div" alike; a regex in C does the scanning
    end = html.find("/>")
    while end >= 0:  # a self-closed element (SVG's <path … />) opens nothing
        start = html.rfind("<", 0, end)
        if name := TAG_NAME.match(html, start):
            counts[name[0]] -= 1
        end = html.find("/>", end + 2)
    balance = Counter()
    for token, n in counts.items():
        balance[token.lstrip("</").lower()] += -n if token[1] == "/" else n
    return all(n == 0 for name, n in balance.items() if name not in VOID and name not in OPTIONAL_END)


class _Balance(HTMLParser):
    """Walks the HTML keeping the open elements; records each end tag that does not match and what is left open."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int, str]] = []  # (name, line, start tag as written)
        self.problems: list[tuple[int, str, str]] = []  # (line, start tag, what is wrong)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0], self.get_starttag_text()))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        names = [name for name, _, _ in self.open]
        if tag not in names:
            if tag not in OPTIONAL_END:
                self.problems.append((self.getpos()[0], f"</{tag}>", f"</{tag}> closes an element that is not open"))
            return
        while self.open:
            name, line, text = self.open.pop()
            if name == tag:
                return
            if name not in OPTIONAL_END:
                self.problems.append((line, text, f"{text} is not closed before </{tag}>"))


def unbalanced_tags(html: str) -> list[tuple[int, str, str]]:
    """``(line in html, tag as written, what is wrong)`` for each element not closed where it should be."""
    if tag_counts_balance(html):
        return []
    parser = _Balance()
    parser.feed(html)
    parser.close()
    left = [(line, text, f"{text} is never closed") for name, line, text in parser.open if name not in OPTIONAL_END]
    return parser.problems + left


# --- resources from other hosts --------------------------------------------------------------------------

REMOTE = r"""(?:https?:)?//"""
# What may stand before a URL that names another host: an attribute's "=", a quote, url( or a srcset comma.
BEFORE_URL = re.compile(r"""(?:[=("',]|\s|@import)\s*["']?\s*(?:https?:)?$""", re.I)
ATTRIBUTE = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
CSS_REMOTE = re.compile(rf"""(?:url\(\s*["']?\s*|@import\s+(?:url\(\s*)?["']?\s*)({REMOTE}[^"')\s;]+)""", re.I)
# Attributes that make a browser fetch what they name.
FETCHING = {
    "script": {"src"},
    "img": {"src", "srcset"},
    "source": {"src", "srcset"},
    "iframe": {"src"},
    "frame": {"src"},
    "video": {"src", "poster"},
    "audio": {"src"},
    "track": {"src"},
    "embed": {"src"},
    "object": {"data"},
    "input": {"src"},
    "image": {"href", "xlink:href"},  # SVG
    "use": {"href", "xlink:href"},  # SVG
    "feimage": {"href", "xlink:href"},  # SVG
}
# Link relations a browser does not fetch: they name a page, they do not load one.
NOT_FETCHED = {"canonical", "alternate", "next", "prev", "author", "license", "me", "help", "bookmark", "search"}


def _is_remote(url: str) -> bool:
    return bool(re.match(REMOTE, url.strip(), re.I))


def _tag_around(html: str, position: int) -> str | None:
    """The start tag ``position`` lies in, or None if it lies in text."""
    start = html.rfind("<", 0, position)
    if start < 0 or html.rfind(">", start, position) >= 0:
        return None
    end = html.find(">", position)
    return html[start : end + 1] if end >= 0 else None


def remote_resources(html: str) -> list[tuple[int, str]]:
    """``(line, what)`` for each element or style on the page that would load something from another host."""
    found: dict[tuple[int, str], None] = {}
    at = html.find("//")
    while at >= 0:  # "//" is rare enough on a page that finding it in C and looking around in Python is cheap
        position = at
        at = html.find("//", at + 2)
        if not BEFORE_URL.search(html, max(0, position - 20), position):
            continue
        tag = _tag_around(html, position)
        if tag is None:
            # Text, unless it is inside a <style> element.
            opened = html.rfind("<style", 0, position)
            if opened >= 0 and html.rfind("</style", opened, position) < 0:
                for url in CSS_REMOTE.findall(html[max(0, position - 30) : position + 300]):
                    found[(html.count("\n", 0, position) + 1, f"a <style> rule loads {url}")] = None
            continue
        for what in _fetches(tag):
            found[(html.count("\n", 0, position) + 1, what)] = None
    return list(found)


@functools.lru_cache(maxsize=4096)  # a template's tags are the same on every page
def _fetches(tag: str) -> list[str]:
    """What the start tag ``tag`` makes a browser fetch from another host."""
    name_match = re.match(r"<([A-Za-z][\w:-]*)", tag)
    if not name_match:
        return []
    name = name_match[1].lower()
    attributes = {
        m[1].lower(): (m[2] if m[2] is not None else m[3] if m[3] is not None else m[4] or "")
        for m in ATTRIBUTE.finditer(tag, name_match.end())
    }
    wanted = set(FETCHING.get(name, set()))
    if name == "link" and not set(attributes.get("rel", "").lower().split()) <= NOT_FETCHED:
        wanted.add("href")
    found = []
    for attribute in sorted(wanted & attributes.keys()):
        value = attributes[attribute]
        urls = [part.split()[0] for part in value.split(",") if part.split()] if attribute == "srcset" else [value]
        found += [f'<{name} {attribute}="{url}"> loads it from another host' for url in urls if _is_remote(url)]
    for url in CSS_REMOTE.findall(attributes.get("style", "")):
        found.append(f"the style of a <{name}> loads {url}")
    return found


def remote_in_css(css: str) -> list[tuple[int, str]]:
    """``(line, url)`` for each ``url(…)`` or ``@import`` of a stylesheet that names another host."""
    return [(css.count("\n", 0, m.start()) + 1, m[1]) for m in CSS_REMOTE.finditer(css)]
