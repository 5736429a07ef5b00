"""Page checks remembered as passed (live_math/_internal/checks/checker.py): HTML that passed is not checked
again in a later build, and a problem is found and named in every build."""

from __future__ import annotations

from types import SimpleNamespace

from live_math._internal.checks import checker as checker_module
from live_math._internal.checks import figures
from live_math._internal.checks.checker import Checker
from live_math._internal.config import ChecksConfig
from live_math._internal.speed.store import Store
from scripts.project_copy import ROOT

CONFIG = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), validation=None)


def options(**values):
    """The plugin's `checks` options, validated as mkdocs.yml's are."""
    config = ChecksConfig()
    config.load_dict({"anchors": False, **values})
    failed, _ = config.validate()
    assert not failed, failed
    return config


OPTIONS = options()
PAGE = SimpleNamespace(file=SimpleNamespace(abs_src_path=None, src_uri="blog/posts/a.md", dest_uri="a/index.html"))
CLEAN = "<p>Fine <em>text</em>.</p>"
BROKEN = "<p>Unclosed <div>here</p>"


def one_build(store, content: str, options=OPTIONS) -> list[str]:
    """Check one page's content as a build does, with a new Checker; the problems it found."""
    checker = Checker(CONFIG, options, store=store)
    checker.check_content(content, PAGE)
    store.end_build()
    return [str(problem) for problem in checker.report.problems]


def test_passed_html_is_not_checked_again_and_a_problem_is_found_every_build(tmp_path, monkeypatch):
    calls = []
    real = figures.printed_markup
    monkeypatch.setattr(figures, "printed_markup", lambda html: calls.append(html) or real(html))
    store = Store(tmp_path / "build.sqlite")

    assert one_build(store, CLEAN) == [] and len(calls) == 1
    assert one_build(store, CLEAN) == [] and len(calls) == 1  # remembered: not checked again

    first = one_build(store, BROKEN)
    assert first and "<div>" in first[0] and len(calls) == 2
    assert one_build(store, BROKEN) == first and len(calls) == 3  # never remembered: found again

    # Other options (or other checks' code) make an earlier pass mean nothing.
    assert one_build(store, CLEAN, options(front_matter=False)) == [] and len(calls) == 4


def test_without_a_store_every_page_is_checked(monkeypatch):
    calls = []
    real = figures.printed_markup
    monkeypatch.setattr(figures, "printed_markup", lambda html: calls.append(html) or real(html))
    for _ in range(2):
        Checker(CONFIG, OPTIONS).check_content(CLEAN, PAGE)
    assert len(calls) == 2
    assert checker_module.PASSED_KIND == "checks-passed"
