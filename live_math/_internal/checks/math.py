"""Check the math of a finished page: TeX that KaTeX would not render, and TeX left untypeset.

KaTeX trusts nothing but ``\\href`` to an anchor of the same page (``\\href{#eq:loss}{(1)}``, what an equation
reference inside a formula becomes): ``\\href`` elsewhere, ``\\url``, ``\\htmlId``, … parse without an error
and come out as red text, so they are refused here by name. Math that arithmatex did not recognise (``$$`` without a
blank line around it, a ``\\(`` in a snippet's HTML) reaches the page as raw TeX; it is found on the
finished page, outside code, and traced back to its source line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Commands KaTeX renders only when trusted; the site does not trust (a formula could link or style anything),
# except \href to a place on the same page, which equation references inside a formula become.
TRUST_BLOCKED = re.compile(r"\\(href(?!\s*\{#)|url|htmlId|htmlClass|htmlStyle|htmlData|includegraphics)(?![A-Za-z])")
RAW_MATH = re.compile(r"\$\$|\\[(\[]")
# Where TeX-looking text is code or TeX source, not leftover math.
NOT_PROSE = {"pre", "code", "script", "style", "annotation", "textarea", "kbd", "samp"}


def blocked_command(tex: str) -> str | None:
    """The first command of ``tex`` that KaTeX refuses to render without ``trust``, e.g. ``\\href``."""
    match = TRUST_BLOCKED.search(tex)
    return "\\" + match[1] if match else None


class _Prose(HTMLParser):
    """Collects text outside code and outside math elements (typeset, or already reported by KaTeX)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.found: list[tuple[str, str]] = []  # (delimiter, the text it is in)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or tag in NOT_PROSE or "arithmatex" in classes or "katex" in classes:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag in self.skipping:  # an end tag the HTML left out: unwind to it
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data):
        if not self.skipping:
            self.found += [(m[0], data) for m in RAW_MATH.finditer(data)]


def untypeset_math(html: str) -> list[tuple[str, str]]:
    """``(delimiter, text around it)`` for each ``$$``, ``\\(`` or ``\\[`` left as text outside code, in a
    page whose formulas are not typeset yet (still arithmatex's ``<span class="arithmatex">\\(…\\)</span>``)."""
    # Cheap and nearly always conclusive: every \( and \[ opens an arithmatex element, and there is no $$.
    # Only a page where that fails (raw math, or TeX shown in code) is walked with html.parser.
    if (
        "$$" not in html
        and html.count("\\(") == html.count('<span class="arithmatex">\\(')
        and html.count("\\[") == html.count('<div class="arithmatex">\\[')
    ):
        return []
    parser = _Prose()
    parser.feed(html)
    parser.close()
    return parser.found


def source_line(text: str, delimiter: str, markdown: str) -> int | None:
    """The line of ``markdown`` holding ``delimiter`` next to the words around it in ``text``."""
    at = text.find(delimiter)
    after = text[at + len(delimiter) :].strip().split("\n")[0][:30].strip()
    before = text[:at].strip().split("\n")[-1][-30:].strip()
    lines = markdown.split("\n")
    for number, line in enumerate(lines, start=1):
        if delimiter in line:
            nearby = "\n".join(lines[max(0, number - 2) : number + 1])
            if (after and after in nearby) or (before and before in nearby):
                return number
    return None
