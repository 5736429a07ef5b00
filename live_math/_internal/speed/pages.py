"""Converted pages and blog excerpts kept between builds, so a warm build converts only what changed.

A page's HTML is a function of its Markdown (after every ``on_page_markdown``), its place (source path,
URL), the site's set of files (links are resolved against it), the site's Markdown extensions and their
settings, link validation, the packages that convert, and what its snippets printed. The key of an entry
is a hash of all of these but the files; the entry notes each file the conversion looked up (and what it
was: URL, exclusion), and is used only while each is the same, so a new post or a renamed one converts
again only the pages that link to it. The entry holds what ``Page.render`` leaves on the page (content, table of
contents, title, anchors, links to other pages' anchors), so MkDocs' anchor validation and the blog see
the same page as after a conversion.

What is not stored, so that a cache hit never hides anything:
- a conversion that logged at INFO or above (a broken link warning must show, and fail ``--strict``, in
  every build): such a page is converted every time;
- HTML with ids numbered by markdown-exec's count of conversions (``exec-N--``), which depends on the pages
  converted before it. The count itself is advanced on a hit by what the conversion advanced it, so later
  pages number their ids as in a build without this cache.

An excerpt on a blog listing is converted by Material with one Markdown instance per post, reused for
every listing showing it and never reset, so a conversion's result may depend on how many came before it:
the key holds that ordinal, and when a listing misses after earlier ones were served from the cache, the
skipped conversions are made first (their results discarded), as the live-math executor replays a session.
"""

from __future__ import annotations

import json
import logging
import re

from markdown_exec import MarkdownConverter
from mkdocs.structure.toc import get_toc

from live_math._internal.execution.cache import markdown_fingerprint
from live_math._internal.speed.internals import excerpt_links
from live_math._internal.speed.keys import key_of, toc_tokens, version

FORMAT = 2  # raise when an entry's layout or meaning changes (2: snippets' code blocks and SVG ids are page-unique)
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "markdown-exec", "pygments")
KINDS = ("page", "excerpt")
NUMBERED_ID = re.compile(r'id="exec-\d+--')


class _Recorder(logging.Handler):
    """Notes whether anything at INFO or above was logged under ``mkdocs`` during a conversion."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.logged = False

    def emit(self, record):
        self.logged = True


class RenderCache:
    """The page and excerpt cache of one build. ``fence_outputs(markdown)`` says what the page's snippets
    printed (a JSON-able value), or None when it cannot tell, and then the page is not cached; ``html``
    is the executor's per-build map of fence HTML for listings (or None), whose additions an entry replays."""

    def __init__(self, store, config, fence_outputs, executor_html=None, read: bool = True):
        self.store = store
        self.read = read  # False (BLOG_NO_CACHE=1): convert everything, still store the results
        self.fence_outputs = fence_outputs
        self.executor_html = executor_html
        versions = {name: version(name) for name in PACKAGES}
        validation = json.dumps(config.validation, default=str, sort_keys=True)
        self.site = key_of(
            [
                FORMAT,
                markdown_fingerprint(config.markdown_extensions, config.mdx_configs),
                validation,
                versions,
                logging.getLogger("mkdocs").getEffectiveLevel(),
            ]
        )
        self.excerpts: dict[int, list] = {}  # id(excerpt) -> [conversions so far, listings served from cache]
        self.hits = {"page": 0, "excerpt": 0}
        self.misses = {"page": 0, "excerpt": 0}

    # -- pages

    def render_page(self, original, page, config, files):
        fences = self.fence_outputs(page.markdown)
        if fences is None:
            return original(page, config, files)
        place = [page.file.src_uri, page.file.dest_uri, page.url, str(page.file.inclusion)]
        key = key_of([self.site, place, page.markdown, fences])
        stored = self._load("page", key, files)
        if stored is not None:
            links = stored["links"]
            linked = {name: files.get_file_from_path(name) for name in links or {}}
            if None not in linked.values():
                page.content = stored["content"]
                page.toc = get_toc(stored["toc"])
                page._title_from_render = stored["title"]
                page.present_anchor_ids = set(stored["anchors"])
                if links is not None:
                    page.links_to_anchors = {linked[name]: anchors for name, anchors in links.items()}
                self._replay(stored)
                self.hits["page"] += 1
                return None
        self.misses["page"] += 1
        recording = RecordingFiles(files)
        with self._watch() as watch:
            original(page, config, recording)
        links = page.links_to_anchors
        if links is not None:
            links = {file.src_uri: dict(anchors) for file, anchors in links.items()}
        entry = {
            "content": page.content,
            "toc": toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": links,
            **watch.effects(),
        }
        self._save("page", key, entry, watch, recording)
        return None

    # -- excerpts

    def render_excerpt(self, original, excerpt, page, separator):
        post = excerpt.post
        state = self.excerpts.setdefault(id(excerpt), [0, []])
        ordinal, skipped = state[0], state[1]
        state[0] += 1
        fences = self.fence_outputs(post.markdown)
        markdown = post.markdown if post._title_from_render else f"# {post.title}\n\n{post.markdown}"
        relpath = excerpt_links(excerpt)
        key = None
        if fences is not None and relpath is not None:
            place = [post.file.src_uri, post.url, page.url, str(post.file.inclusion)]
            key = key_of([self.site, "excerpt", place, separator, markdown, fences, ordinal])
            stored = self._load("excerpt", key, relpath.files)
            if stored is not None:
                excerpt.markdown = markdown
                excerpt.content = stored["content"]
                if stored["more"] is not None:
                    excerpt.more = stored["more"]
                excerpt.toc = get_toc(stored["toc"])
                self._replay(stored)
                skipped.append(page)
                self.hits["excerpt"] += 1
                return None
        self.misses["excerpt"] += 1
        if skipped:
            # Bring the excerpt's Markdown instance to where a build without the cache would have it.
            counter, more = MarkdownConverter.counter, excerpt.more
            for earlier in skipped:
                original(excerpt, earlier, separator)
            MarkdownConverter.counter, excerpt.more = counter, more
            skipped.clear()
        more = excerpt.more
        recording = RecordingFiles(relpath.files) if relpath is not None else None
        with self._watch() as watch, _swapped(relpath, recording):
            original(excerpt, page, separator)
        if key is not None and recording is not None:
            entry = {
                "content": excerpt.content,
                "more": excerpt.more if excerpt.more is not more else None,
                "toc": toc_tokens(excerpt.toc),
                **watch.effects(),
            }
            self._save("excerpt", key, entry, watch, recording)
        return None

    # -- shared

    def report(self) -> str:
        return ", ".join(
            f"{self.misses[kind]} {kind}s converted, {self.hits[kind]} from cache" for kind in ("page", "excerpt")
        )

    def _load(self, kind: str, key: str, files) -> dict | None:
        """The entry under ``key`` if every file its conversion looked up is still what it was."""
        if not self.read or files is None:
            return None
        text = self.store.get(kind, key)
        if text is None:
            return None
        try:
            stored = json.loads(text)
            lookups = stored["lookups"]
        except (ValueError, KeyError, TypeError):
            return None
        if any(_describe(files.get_file_from_path(path)) != seen for path, seen in lookups.items()):
            return None
        return stored

    def _save(self, kind: str, key: str, entry: dict, watch, recording) -> None:
        if watch.logged or recording.opaque:
            return
        if NUMBERED_ID.search(entry["content"]) or NUMBERED_ID.search(entry.get("more") or ""):
            return
        entry["lookups"] = recording.lookups
        self.store.put(kind, key, json.dumps(entry, ensure_ascii=False))

    def _replay(self, stored: dict) -> None:
        """Leave on markdown-exec and the executor what the skipped conversion would have left."""
        MarkdownConverter.counter += stored["conversions"]
        if self.executor_html is not None:
            html = self.executor_html()
            if html is not None:
                for location, fence_html in stored["fence_html"].items():
                    html.setdefault(location, fence_html)

    def _watch(self):
        return _Watch(self.executor_html() if self.executor_html else None)


class RecordingFiles:
    """The site's Files as a conversion sees them, noting each file it looks up: a page's HTML depends on the
    set of files only through these lookups (MkDocs resolves each relative link with one). Any other use of
    the collection makes the conversion ``opaque``, and it is not stored."""

    def __init__(self, files):
        self._files = files
        self.lookups: dict[str, list | None] = {}
        self.opaque = False

    def get_file_from_path(self, path: str):
        found = self._files.get_file_from_path(path)
        self.lookups[path] = _describe(found)
        return found

    def __getattr__(self, name):
        self.opaque = True
        return getattr(self._files, name)

    def __iter__(self):
        self.opaque = True
        return iter(self._files)

    def __len__(self):
        self.opaque = True
        return len(self._files)

    def __contains__(self, item):
        self.opaque = True
        return item in self._files


def _describe(file) -> list | None:
    """What a link to ``file`` turns into: where it is published, and whether it is excluded from the site."""
    return None if file is None else [file.src_uri, file.url, str(file.inclusion)]


class _swapped:
    """Give the excerpt's link resolver the recording Files for one conversion."""

    def __init__(self, relpath, recording):
        self.relpath, self.recording = relpath, recording

    def __enter__(self):
        if self.relpath is not None:
            self.files, self.relpath.files = self.relpath.files, self.recording

    def __exit__(self, *exc):
        if self.relpath is not None:
            self.relpath.files = self.files
        return False


class _Watch:
    """Around one conversion: what it logged, how far it advanced markdown-exec's count, which fence HTML it
    gave the executor."""

    def __init__(self, html: dict | None):
        self.html = html
        self.recorder = _Recorder()
        self.logged = False

    def __enter__(self):
        self.counter = MarkdownConverter.counter
        self.before = set(self.html) if self.html is not None else set()
        logging.getLogger("mkdocs").addHandler(self.recorder)
        return self

    def __exit__(self, *exc):
        logging.getLogger("mkdocs").removeHandler(self.recorder)
        self.logged = self.recorder.logged
        return False

    def effects(self) -> dict:
        added = {k: v for k, v in (self.html or {}).items() if k not in self.before}
        return {"conversions": MarkdownConverter.counter - self.counter, "fence_html": added}


def executor_probes(executor):
    """``fence_outputs`` and ``executor_html`` for a RenderCache, read from the live-math executor's build:
    for each ``exec_location`` tag of a page's Markdown, the fence's code, cache key, output and whether it
    is a measurement. None (do not cache the page) when the executor does not know a tagged fence."""
    from live_math._internal.execution.executor import TAG

    tag = re.compile(TAG + r'="([^"]*)"')

    def fence_outputs(markdown: str):
        locations = tag.findall(markdown)
        if not locations:
            return []
        build = getattr(executor, "build", None) if executor else None
        outputs, measured = getattr(build, "outputs", None), getattr(build, "measured", None)
        if outputs is None or measured is None or any(location not in outputs for location in locations):
            return None
        return [[location, *_output_parts(outputs[location]), location in measured] for location in locations]

    def executor_html():
        build = getattr(executor, "build", None) if executor else None
        html = getattr(build, "html", None)
        return html if isinstance(html, dict) else None

    return fence_outputs, executor_html


def _output_parts(stored) -> list:
    code, key, entry = stored
    return [code, key, entry.output]
