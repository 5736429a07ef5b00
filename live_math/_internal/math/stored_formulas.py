"""Typeset formulas kept in the build cache's SQLite store, when there is one (``speed.enabled``).

The JSON file of ``katex.py`` is read whole at the start of every build: 18 MB and a sixth of a second for a
300-post blog, about as much as a warm build spends on all its pages' templates. Here each formula is a row,
read in one query, and a build that typeset something new writes only the rows that changed.
"""

from __future__ import annotations

import uuid

KIND = "formula"  # key: "1" or "0" (display mode) followed by the TeX; value: KaTeX's HTML
META = "formula-meta"  # "version": the renderer's cache_tag the rows belong to; "generation": changes with every save


class StoredFormulas:
    """The FormulaCache interface (load, save, stamp) on a :class:`~live_math._internal.speed.store.Store`."""

    def __init__(self, store, version: str):
        self.store = store
        self.version = version

    def load(self) -> dict[tuple[str, bool], str]:
        """The stored ``(tex, display) -> html`` entries of this version; empty for another version."""
        if self.store.get(META, "version") != self.version:
            return {}
        return {(key[1:], key[0] == "1"): html for key, html in self.store.items(KIND)}

    def save(self, rendered: dict[tuple[str, bool], str], previous: dict[tuple[str, bool], str] | None) -> None:
        """Make the stored formulas ``rendered``, writing only what differs from ``previous`` (what this build
        loaded; None when it loaded nothing, as a build without caches, and then the rows are read first)."""
        if self.store.get(META, "version") != self.version:
            self.store.delete_kind(KIND)
            previous = {}
        elif previous is None:
            previous = self.load()
        gone = [_key(formula) for formula in previous if formula not in rendered]
        self.store.delete(KIND, gone)
        for formula, html in rendered.items():
            if previous.get(formula) != html:
                self.store.put(KIND, _key(formula), html)
        self.store.put(META, "version", self.version)
        self.store.put(META, "generation", uuid.uuid4().hex)

    def stamp(self) -> str | None:
        """Changes whenever any build saves: a `mkdocs serve` session holding the formulas reads them again only
        if another build (a `make build` beside it) saved since."""
        return self.store.get(META, "generation")


def _key(formula: tuple[str, bool]) -> str:
    tex, display = formula
    return ("1" if display else "0") + tex
