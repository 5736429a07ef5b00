"""The formula cache: a cached formula is not typeset again, and a bad or foreign cache is never used."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from live_math._internal.math.katex import FormulaCache, KatexRenderer, Typesetter, find_katex

ROOT = Path(__file__).resolve().parents[3]
FORMULAS = [(r"\frac{\partial L}{\partial \theta}", False), (r"\sum_{i=1}^n x_i^2", True)]


@pytest.fixture(scope="module")
def katex_js() -> Path:
    return find_katex(ROOT)


def render_and_save(katex_js: Path, cache: FormulaCache) -> list[str]:
    renderer = KatexRenderer(katex_js)
    html = [r.html for r in renderer.render_many(FORMULAS)]
    cache.save(renderer.rendered(renderer.requested))
    return html


def test_cached_formulas_are_not_rendered_again_and_v8_never_starts(katex_js, tmp_path):
    cache = FormulaCache(tmp_path / "katex.json", KatexRenderer(katex_js).version)
    first = render_and_save(katex_js, cache)

    renderer = KatexRenderer(katex_js)
    renderer.remember(cache.load())
    second = [r.html for r in renderer.render_many(FORMULAS)]

    assert renderer.renders == 0
    assert renderer._js is None, "a fully cached build must not start V8"
    assert second == first


def test_a_new_formula_renders_and_only_it(katex_js, tmp_path):
    cache = FormulaCache(tmp_path / "katex.json", KatexRenderer(katex_js).version)
    render_and_save(katex_js, cache)

    renderer = KatexRenderer(katex_js)
    renderer.remember(cache.load())
    renderer.render_many([*FORMULAS, (r"e^{i\pi} + 1 = 0", False)])

    assert renderer.renders == 1


def test_corrupt_file_is_ignored_and_formulas_render_again(katex_js, tmp_path):
    cache = FormulaCache(tmp_path / "katex.json", KatexRenderer(katex_js).version)
    expected = render_and_save(katex_js, cache)
    text = cache.path.read_text(encoding="utf-8")
    cache.path.write_text(text[: len(text) // 2], encoding="utf-8")  # a write cut off halfway

    assert cache.load() == {}
    renderer = KatexRenderer(katex_js)
    renderer.remember(cache.load())
    assert [r.html for r in renderer.render_many(FORMULAS)] == expected
    assert renderer.renders == len(FORMULAS)


def test_malformed_entry_is_ignored_and_the_others_kept(katex_js, tmp_path):
    cache = FormulaCache(tmp_path / "katex.json", KatexRenderer(katex_js).version)
    expected = render_and_save(katex_js, cache)
    stored = json.loads(cache.path.read_text(encoding="utf-8"))
    stored["formulas"][0][2] = "<b>not KaTeX</b>"
    stored["formulas"].append(["x", "inline", 3])
    cache.path.write_text(json.dumps(stored), encoding="utf-8")

    renderer = KatexRenderer(katex_js)
    renderer.remember(cache.load())
    assert len(cache.load()) == len(FORMULAS) - 1
    assert [r.html for r in renderer.render_many(FORMULAS)] == expected
    assert renderer.renders == 1


def test_another_katex_version_misses(katex_js, tmp_path):
    version = KatexRenderer(katex_js).version
    render_and_save(katex_js, FormulaCache(tmp_path / "katex.json", version))

    assert FormulaCache(tmp_path / "katex.json", version).load() != {}
    assert FormulaCache(tmp_path / "katex.json", version + "-other").load() == {}


def test_save_leaves_no_temporary_file(katex_js, tmp_path):
    cache = FormulaCache(tmp_path / "cache" / "katex.json", KatexRenderer(katex_js).version)
    render_and_save(katex_js, cache)
    assert [p.name for p in cache.path.parent.iterdir()] == ["katex.json"]


def test_changed_render_options_miss(katex_js, tmp_path, monkeypatch):
    from live_math._internal.math import katex as katex_math

    before = KatexRenderer(katex_js).cache_tag
    monkeypatch.setattr(katex_math, "RENDER_BATCH_JS", katex_math.RENDER_BATCH_JS.replace("throwOnError", "strict"))
    after = KatexRenderer(katex_js).cache_tag

    assert before != after
    render_and_save(katex_js, FormulaCache(tmp_path / "katex.json", before))
    assert FormulaCache(tmp_path / "katex.json", after).load() == {}


# --- a build's life: load the cache at the start, save this build's formulas at the end ----------------


def build_once(cache_file: Path, page_html: str, fresh: bool = False) -> KatexRenderer:
    """Typeset one page the way a new `mkdocs build` process does: a new Typesetter, cache loaded, then saved."""
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="blog/posts/example.md"))
    typesetter = Typesetter()
    typesetter.start_build(find_katex(ROOT), {}, cache_file, "assets/katex", fresh=fresh)
    typesetter.typeset_page(page_html, page, config)
    typesetter.end_build()
    return typesetter.renderer


PAGE = '<p><span class="arithmatex">\\(x^2\\)</span> and</p><div class="arithmatex">\\[\\int_0^1 f\\]</div>'


def test_second_build_renders_nothing_and_a_fresh_build_renders_all(tmp_path):
    cache_file = tmp_path / "katex.json"
    assert build_once(cache_file, PAGE).renders == 2
    assert cache_file.is_file()
    warm = build_once(cache_file, PAGE)
    assert warm.renders == 0 and warm._js is None

    assert build_once(cache_file, PAGE, fresh=True).renders == 2


def test_cache_keeps_only_the_last_builds_formulas(tmp_path):
    cache_file = tmp_path / "katex.json"
    build_once(cache_file, PAGE)
    build_once(cache_file, '<p><span class="arithmatex">\\(y\\)</span></p>')

    tag = KatexRenderer(find_katex(ROOT)).cache_tag
    assert set(FormulaCache(cache_file, tag).load()) == {("y", False)}


def test_serve_rebuilds_read_the_file_again_only_when_another_build_wrote_it(tmp_path, monkeypatch):
    # One Typesetter across rebuilds, as under `mkdocs serve`: the formulas it holds are the file's, so it does
    # not read the file again, unless the file changed under it (a `make build` beside the server).
    cache_file = tmp_path / "katex.json"
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), docs_dir=str(ROOT / "docs"))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="blog/posts/example.md"))
    loads = []
    real_load = FormulaCache.load
    monkeypatch.setattr(FormulaCache, "load", lambda self: loads.append(1) or real_load(self))
    typesetter = Typesetter()

    def rebuild(page_html: str) -> None:
        typesetter.start_build(find_katex(ROOT), {}, cache_file, "assets/katex", fresh=False)
        typesetter.typeset_page(page_html, page, config)
        typesetter.end_build()

    rebuild(PAGE)
    rebuild(PAGE)
    rebuild('<p><span class="arithmatex">\\(y\\)</span></p>')  # writes the file; this process knows what it wrote
    rebuild(PAGE)
    assert len(loads) == 1 and typesetter.renderer.renders == 3  # x^2 and the integral, y, then nothing new
    build_once(cache_file, '<p><span class="arithmatex">\\(z\\)</span></p>')  # another process rewrites it
    before = len(loads)
    rebuild(PAGE)
    assert len(loads) == before + 1
    tag = typesetter.renderer.cache_tag
    assert set(FormulaCache(cache_file, tag).load()) == {("x^2", False), ("\\int_0^1 f", True)}
