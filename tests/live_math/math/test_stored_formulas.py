"""Typeset formulas in the build store (live_math/_internal/math/stored_formulas.py): a second build renders
nothing and reads no JSON file, a new formula writes one row, another KaTeX version misses everything, and a
serve session reads the store again only after another build saved."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from live_math._internal.math.katex import Typesetter, find_katex
from live_math._internal.math.stored_formulas import KIND, StoredFormulas
from live_math._internal.speed.store import Store
from scripts.project_copy import ROOT

CONFIG = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"))
PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="blog/posts/example.md"))
TWO = '<p><span class="arithmatex">\\(x^2\\)</span></p><div class="arithmatex">\\[\\int_0^1 f\\]</div>'
THREE = TWO + '<p><span class="arithmatex">\\(y\\)</span></p>'


def build(path: Path, page_html: str, typesetter: Typesetter | None = None) -> Typesetter:
    """One build against the store at ``path``: a new Typesetter (a new process) unless one is given (serve)."""
    typesetter = typesetter or Typesetter()
    store = Store(path)
    typesetter.start_build(find_katex(ROOT), {}, path.parent / "katex.json", "assets/katex", False, build_store=store)
    html = typesetter.typeset_page(page_html, PAGE, CONFIG)
    assert html.count('class="katex"') == page_html.count("arithmatex") and "\\(" not in html
    typesetter.end_build()
    store.end_build()
    store.close()
    return typesetter


def rows(path: Path) -> dict[str, str]:
    store = Store(path)
    try:
        return dict(store.items(KIND))
    finally:
        store.close()


def test_a_second_build_renders_nothing_and_a_new_formula_adds_one_row(tmp_path):
    path = tmp_path / "build.sqlite"
    (tmp_path / "katex.json").write_text("{}", encoding="utf-8")
    assert build(path, TWO).renderer.renders == 2
    assert not (tmp_path / "katex.json").exists()  # the store holds them now
    assert set(rows(path)) == {"0x^2", "1\\int_0^1 f"}
    warm = build(path, TWO)
    assert warm.renderer.renders == 0 and warm.renderer._js is None  # V8 never started
    assert build(path, THREE).renderer.renders == 1
    assert set(rows(path)) == {"0x^2", "1\\int_0^1 f", "0y"}
    build(path, '<p><span class="arithmatex">\\(y\\)</span></p>')
    assert set(rows(path)) == {"0y"}  # exactly the last build's formulas


def test_another_katex_version_misses_every_stored_formula(tmp_path):
    store = Store(tmp_path / "build.sqlite")
    StoredFormulas(store, "katex-1").save({("x", False): '<span class="katex">x</span>'}, {})
    assert StoredFormulas(store, "katex-1").load() == {("x", False): '<span class="katex">x</span>'}
    assert StoredFormulas(store, "katex-2").load() == {}
    StoredFormulas(store, "katex-2").save({("y", True): '<span class="katex">y</span>'}, {})
    assert dict(store.items(KIND)) == {"1y": '<span class="katex">y</span>'}


def test_a_serve_session_reads_the_store_again_only_after_another_build_saved(tmp_path, monkeypatch):
    path = tmp_path / "build.sqlite"
    loads = []
    real = StoredFormulas.load
    monkeypatch.setattr(StoredFormulas, "load", lambda self: loads.append(1) or real(self))
    serving = build(path, TWO)
    build(path, TWO, serving)
    build(path, THREE, serving)  # saves; this session knows what it saved
    assert len(loads) == 1
    build(path, TWO)  # another process saves
    before = len(loads)
    build(path, TWO, serving)
    assert len(loads) == before + 1


def test_a_build_without_caches_also_keeps_exactly_its_own_formulas(tmp_path):
    path = tmp_path / "build.sqlite"
    build(path, THREE)
    store = Store(path)
    typesetter = Typesetter()
    typesetter.start_build(find_katex(ROOT), {}, tmp_path / "katex.json", "assets/katex", True, build_store=store)
    typesetter.typeset_page('<p><span class="arithmatex">\\(y\\)</span></p>', PAGE, CONFIG)
    typesetter.end_build()
    store.end_build()
    store.close()
    assert typesetter.renderer.renders == 1 and set(rows(path)) == {"0y"}
