"""Search sections and reading times kept by the HTML they were read from (live_math/_internal/speed/html_reads.py):
the same inputs give what Material itself computes, different ones are computed again."""

from __future__ import annotations

from types import SimpleNamespace

from material.plugins.blog.readtime import readtime
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.toc import get_toc

from live_math._internal.speed.html_reads import HtmlReads
from live_math._internal.speed.store import Store

CONTENT = '<h1 id="a">A title</h1><p>Some words here.</p><h2 id="b">Second</h2><p>More <em>words</em>.</p>'


def page(content=CONTENT, tags=("x",)):
    second = {"level": 2, "id": "b", "name": "Second", "children": []}
    toc = get_toc([{"level": 1, "id": "a", "name": "A title", "children": [second]}])
    return SimpleNamespace(content=content, toc=toc, url="post/", title="A title", meta={"tags": list(tags)})


def entries_of(reads, target) -> list[dict]:
    """The search entries of ``target``: through ``reads``, or (None) by Material alone."""
    add = SearchIndex.add_entry_from_context
    add = getattr(add, "__live_math_original__", add)  # another test may have installed the wrapper
    index = SearchIndex()
    if reads is None:
        add(index, target)
    else:
        reads.search_entries(add, index, target)
    return index.entries


def test_search_sections_from_the_cache_equal_materials_own(tmp_path):
    store = Store(tmp_path / "build.sqlite")
    reads = HtmlReads(store)
    expected = entries_of(None, page())
    assert len(expected) == 2 and expected[1]["location"] == "post/#b"
    assert entries_of(reads, page()) == expected and reads.misses == 1
    assert entries_of(reads, page()) == expected and reads.hits == 1
    # Different HTML or different tags: read again, and right.
    changed = page(CONTENT.replace("Second", "Other"))
    assert entries_of(reads, changed) == entries_of(None, changed) and reads.misses == 2
    retagged = page(tags=("y",))
    assert entries_of(reads, retagged)[0]["tags"] == ["y"] and reads.misses == 3


def test_reading_time_from_the_cache_equals_materials_own(tmp_path):
    reads = HtmlReads(Store(tmp_path / "build.sqlite"))
    long = "<p>" + "word " * 1000 + "</p>"
    minutes = readtime(long, 265)
    assert reads.readtime(readtime, long, 265) == minutes and reads.misses == 1
    assert reads.readtime(readtime, long, 265) == minutes and reads.hits == 1
    slower = readtime(long, 100)
    assert slower > minutes and reads.readtime(readtime, long, 100) == slower and reads.misses == 2
