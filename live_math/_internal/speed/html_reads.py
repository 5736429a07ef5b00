"""What Material reads back out of each page's HTML, kept by the HTML it read.

Two of Material's plugins parse every page's converted HTML in every build with Python's ``html.parser``:
the search plugin, to cut the page into the sections of the search index, and the blog plugin, to count a
post's words for its reading time. Each is a function of the HTML and a few page fields, so the result is
stored under a hash of exactly those, and a later build with the same inputs takes the result instead of
parsing (about a sixth of a warm build of a hundred posts).

SEARCH_INDEX_ADD and BLOG_READTIME in ``internals`` are where this reaches in.
"""

from __future__ import annotations

import json

from live_math._internal.speed.keys import key_of, toc_tokens, version

KINDS = ("search", "readtime")
FORMAT = 1  # raise when what is stored changes meaning


class HtmlReads:
    """The search-section and reading-time cache of one build."""

    def __init__(self, store, read: bool = True):
        self.store = store
        self.read = read
        self.material = version("mkdocs-material")
        self.hits = self.misses = 0

    def search_entries(self, original, index, page) -> None:
        """Add ``page``'s sections to the search ``index``, as ``original`` (the unwrapped method) would."""
        toc = toc_tokens(page.toc)
        meta = {name: page.meta.get(name) for name in ("search", "tags", "title")}
        key = key_of([FORMAT, self.material, _jieba(), page.content, toc, page.url, page.title, meta])
        stored = self.store.get("search", key) if self.read else None
        if stored is not None:
            index.entries.extend(json.loads(stored))
            self.hits += 1
            return
        self.misses += 1
        before = len(index.entries)
        original(index, page)
        self.store.put("search", key, json.dumps(index.entries[before:], ensure_ascii=False))

    def readtime(self, original, html: str, words_per_minute: int) -> int:
        """Minutes to read ``html``, as ``original`` (Material's ``readtime``) counts them."""
        key = key_of([FORMAT, self.material, html, words_per_minute])
        stored = self.store.get("readtime", key) if self.read else None
        if stored is not None:
            self.hits += 1
            return int(stored)
        self.misses += 1
        minutes = original(html, words_per_minute)
        self.store.put("readtime", key, str(minutes))
        return minutes

    def report(self) -> str:
        return f"{self.misses} search/read-time parses, {self.hits} from cache"


def _jieba() -> bool:
    """Whether the search plugin segments Chinese text (it does when jieba imports)."""
    from material.plugins.search import plugin as search_plugin

    return getattr(search_plugin, "jieba", None) is not None
