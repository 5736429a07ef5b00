"""The live-math plugin as MkDocs sees it: registered by entry point, configured and validated in mkdocs.yml,
and the same under ProperDocs, the maintained MkDocs 1.6 fork."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from live_math import LiveMathPlugin
from live_math._internal.math.katex import KatexRenderer, find_katex
from scripts.project_copy import ROOT, build, copy_project

POST = """---
title: Macros
date: 2026-11-20
authors: [editor]
categories: [Mathematics]
description: A post using the site's macros.
---

# Macros

The loss $\\Loss(W\\T x)$ and a norm $\\norm{x}$.
"""


def test_the_plugin_is_registered_under_its_entry_point():
    (entry,) = [e for e in metadata.entry_points(group="mkdocs.plugins") if e.name == "live-math"]
    assert entry.load() is LiveMathPlugin


def test_mkdocs_yml_configures_the_layer_as_a_plugin_and_has_no_hooks():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names = [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]
    assert "live-math" in names
    assert names.index("live-math") > names.index("markdown-exec"), "it takes over markdown-exec's fences"
    assert "hooks" not in config
    assert not (ROOT / "hooks").exists()


def project_with(tmp_path: Path, plugin_block: str, posts: dict[str, str] | None = None) -> Path:
    """A copy of the project without posts whose live-math options are ``plugin_block`` (indented YAML)."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(
        r"^  - live-math:\n(?:      .*\n|\n)*", lambda _: f"  - live-math:\n{plugin_block}\n", text, flags=re.M
    )
    assert count == 1
    config.write_text(text, encoding="utf-8")
    for name, body in (posts or {}).items():
        (project / "docs/blog/posts" / name).write_text(body, encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("      execution:\n        timout: 5", "Sub-option 'timout'"),  # a typo: strict mode makes it fatal
        ("      execution:\n        timeout: -1", "expected a number greater than 0, got -1"),
        ("      execution:\n        timeout: soon", "Expected type"),
        ("      execution:\n        snapshots: -1", "expected a whole number of at least 0, got -1"),
        ("      speed:\n        serve_poll_interval: 0", "expected a number greater than 0, got 0"),
        ("      math:\n        macros: [R]", "math"),
        ("      cache_directory: .cache", "cache_directory"),
    ],
)
def test_a_bad_option_fails_the_build_with_mkdocs_message(tmp_path, block, message):
    project = project_with(tmp_path, block)
    result = build(project, tmp_path / "site", timeout=120)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-3000:]
    assert "live-math" in result.stderr
    assert not (tmp_path / "site").exists()


def test_site_macros_from_mkdocs_yml_typeset_in_posts(tmp_path):
    block = textwrap.indent(
        "math:\n  macros:\n    \\Loss: \\mathcal{L}\n    \\T: '^{\\mathsf{T}}'\n"
        "    \\norm: '\\left\\lVert #1 \\right\\rVert'",
        "      ",
    )
    project = project_with(tmp_path, block, {"macros.md": POST})
    result = build(project, tmp_path / "site", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site/2026/11/20/macros/index.html").read_text(encoding="utf-8")
    assert '<mi mathvariant="script">L</mi>' in page  # \Loss became \mathcal{L}
    assert '<mi mathvariant="sans-serif">T</mi></msup>' in page  # W\T became W^{\mathsf{T}}
    assert '<mo fence="true">∥</mo><mi>x</mi><mo fence="true">∥</mo>' in page  # \norm{x} took its argument
    assert "katex-error" not in page


def test_without_the_macros_the_same_post_fails_naming_its_line(tmp_path):
    project = project_with(tmp_path, "      cache_dir: .cache", {"macros.md": POST})
    result = build(project, tmp_path / "site", timeout=120)
    assert result.returncode != 0
    assert "docs/blog/posts/macros.md:11: KaTeX error: KaTeX parse error: Undefined control sequence: \\Loss" in (
        result.stderr
    ), result.stderr[-3000:]


def test_macros_change_the_formula_cache_key():
    katex_js = find_katex(ROOT)
    plain, with_macros = KatexRenderer(katex_js), KatexRenderer(katex_js, {"\\R": "\\mathbb{R}"})
    assert plain.cache_tag != with_macros.cache_tag


def test_a_gdef_in_one_formula_does_not_leak_into_the_next():
    renderer = KatexRenderer(find_katex(ROOT), {"\\R": "\\mathbb{R}"})
    results = renderer.render_many([("\\gdef\\foo{x} \\foo", False), ("\\foo", False)])
    assert results[0].error is None
    assert results[1].error and "Undefined control sequence" in results[1].error


def test_properdocs_builds_the_same_pages(built_site, tmp_path):
    """ProperDocs, the maintained fork of MkDocs 1.6, runs the plugin from its entry point unchanged."""
    site = tmp_path / "properdocs-site"
    # The cache the session's build filled: the measured blocks (timings) are then the same bytes too.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(built_site.parent / "cache")}
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    generator = re.compile(rb'<meta name="generator" content="[^"]*">')
    differing = [
        name
        for name in names
        if generator.sub(b"", (site / name).read_bytes()) != generator.sub(b"", (built_site / name).read_bytes())
    ]
    assert differing == []
    assert b"ProperDocs" in (site / "index.html").read_bytes(), "the comparison must be against a ProperDocs build"


def locked_pins() -> dict[str, str]:
    """``requirements.lock``'s pins, by canonical name (lower case, runs of ``-_.`` as one ``-``)."""
    lock = (ROOT / "requirements.lock").read_text()
    pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==([^\s\\;]+)", lock, re.M)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins}


def test_the_lock_is_exactly_what_is_installed():
    """`make setup` installs the lock (pip, setuptools and wheel included); the venv must hold exactly it, so a
    package installed by hand (or missing from the lock) shows up here before it leaks into a lock."""
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    installed = {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower(): line.split("==")[1] for line in frozen}
    assert installed == locked_pins()


def test_the_lock_satisfies_every_declared_dependency():
    from packaging.requirements import Requirement

    pins = locked_pins()
    declared = metadata.requires("mkdocs-live-math")
    assert declared, "the editable install of live-math is missing: run `make setup`"
    for text in declared:
        requirement = Requirement(text.split(";")[0])
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{requirement.name} is declared in pyproject.toml but not pinned: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} vs {requirement}"


def test_setuptools_accepts_the_layout(tmp_path):
    """What `make lock` and `make setup` ask of setuptools: the package list resolves (no flat-layout refusal)."""
    command = [sys.executable, "-c", "import setuptools; setuptools.setup()", "egg_info", "--egg-base", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    sources = (tmp_path / "mkdocs_live_math.egg-info" / "SOURCES.txt").read_text().split()
    assert "live_math/_internal/plugin.py" in sources
    assert not [s for s in sources if s.startswith(("snippets/", "tests/", "scripts/", "node_modules/"))]
    entry_points = (tmp_path / "mkdocs_live_math.egg-info" / "entry_points.txt").read_text()
    assert "live-math = live_math:LiveMathPlugin" in entry_points


def test_a_config_file_given_by_a_relative_path_builds(tmp_path):
    # `mkdocs build -f mkdocs.yml` keeps the path as typed; the plugin once took its folder for the project and
    # failed with a traceback when it compared it with the (absolute) docs folder.
    project = copy_project(tmp_path / "project")
    (project / "docs/blog/posts/macros.md").write_text(POST.replace("\\Loss", "L"), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(tmp_path / "cache")}
    site = str(tmp_path / "site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", site]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site/2026/11/20/macros/index.html").read_text(encoding="utf-8")
    assert 'class="katex"' in page and "katex-error" not in page
