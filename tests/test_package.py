"""The plugin as another site gets it: the wheel and sdist ``python -m build`` makes, installed into an empty
venv (not this repository's editable install), building small sites with three themes, default options, strict.

The venv's packages are pinned by requirements.lock (as constraints), so it holds what this repository tests
with; installing them needs the package index (or pip's cache). Each site has a snippet, inline and display
math, an equation reference, a citation and a slider figure; the slider's markup comes from this blog's
helpers (snippets/interactive.py), copied into the site as a site's own helpers would be.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent

PAGE = textwrap.dedent(
    r"""
    # A page with live math

    Inline math $e^{i\pi} + 1 = 0$, and a numbered display equation:

    $$
    a^2 + b^2 = c^2 \label{eq:pythagoras}
    $$

    Equation $\eqref{eq:pythagoras}$ holds in every right triangle [@euclid300elements].

    ```python exec="on"
    print(f"The sum of the first ten squares is {sum(k * k for k in range(1, 11))}.")
    ```

    ```python exec="on" html="true"
    import matplotlib
    from matplotlib.figure import Figure
    from snippets.interactive import slider_figure
    from snippets.plotting import STYLE

    def draw(power):
        with matplotlib.rc_context(STYLE):  # transparent, text in the page's colour
            fig = Figure(figsize=(3, 2))
            xs = [x / 10 for x in range(11)]
            fig.subplots().plot(xs, [x**power for x in xs])
        return fig

    print(slider_figure(
        draw, [1, 2, 3], label="power", default=2, name="power", alt=lambda p: f"The curve y = x to the {p}",
    ))
    ```
    """
)
PLAIN = "# A plain page\n\nText only: what the theme loads on every page.\n"
BIBLIOGRAPHY = "@book{euclid300elements, author = {Euclid}, title = {Elements}, year = {-300}}\n"
THEMES = ["mkdocs", "readthedocs", "material"]
REMOTE = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="((?:https?:)?//[^"]+)"')


def clean_env(**extra) -> dict:
    """The environment without what would let the venv's Python see this repository."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


def run(command: list, **options) -> subprocess.CompletedProcess:
    options.setdefault("env", clean_env())
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **options)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The venv with the built wheel installed (and Material and matplotlib for the sites), as its bin/."""
    work = tmp_path_factory.mktemp("package")
    run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(ROOT)])
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    built = sorted(p.name for p in (work / "dist").iterdir())
    assert built == [f"mkdocs_live_math-{version}-py3-none-any.whl", f"mkdocs_live_math-{version}.tar.gz"]
    run([sys.executable, "-m", "venv", str(work / "venv")])
    bin_dir = work / "venv" / "bin"
    wheel = work / "dist" / built[0]
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # The lock's versions as constraints; without their hashes, which pip would demand of the wheel too.
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = work / "constraints.txt"
    pins.write_text("\n".join(re.findall(r"^[A-Za-z0-9][\w.-]*==[^\s\\]+", lock, re.M)) + "\n", encoding="utf-8")
    run([*pip, "-c", str(pins), str(wheel), "mkdocs-material", "matplotlib"])
    show = "import live_math; print(live_math.__version__, live_math.__file__)"
    shown = run([str(bin_dir / "python"), "-c", show], cwd=work)  # not from here: `-c` puts the cwd on sys.path
    installed_version, location = shown.stdout.split()
    assert installed_version == version
    assert Path(location).is_relative_to(work / "venv"), "the sites must use the wheel, not this repository"
    return bin_dir


def make_site(folder: Path, theme: str) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (folder / "docs" / "plain.md").write_text(PLAIN, encoding="utf-8")
    (folder / "docs" / "references.bib").write_text(BIBLIOGRAPHY, encoding="utf-8")
    (folder / "snippets").mkdir()
    for name in ("__init__.py", "interactive.py", "plotting.py"):
        shutil.copy(ROOT / "snippets" / name, folder / "snippets" / name)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, where the default katex_dir looks
    (folder / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: A site with live math
            theme:
              name: {theme}
            nav: [index.md, plain.md]
            markdown_extensions:
              - pymdownx.arithmatex:
                  generic: true
              - pymdownx.superfences
            plugins:
              - markdown-exec:
                  languages: [python]
              - live-math
            """
        ),
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("theme", THEMES)
def test_a_site_with_default_options_builds_from_the_wheel(installed, tmp_path, theme):
    site = make_site(tmp_path / "site", theme)
    out = tmp_path / "out"
    env = clean_env(NO_MKDOCS_2_WARNING="1", BLOG_CACHE_DIR=str(tmp_path / "cache"))
    run([str(installed / "mkdocs"), "build", "--strict", "-d", str(out)], cwd=site, env=env)

    html = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert "The sum of the first ten squares is 385." in soup.get_text()
    assert len(soup.select(".katex")) == 2 and len(soup.select(".katex-display")) == 1  # the inline, the display
    assert "\\(" not in soup.get_text() and "$$" not in soup.get_text()
    (equation,) = soup.select("a.lm-xref")
    assert equation.get_text() == "(1)" and soup.find(id=equation["href"].lstrip("#"))
    (citation,) = soup.select("a.lm-cite")
    assert "[1]" in citation.parent.get_text() and soup.find(id=citation["href"].lstrip("#"))
    assert "Euclid" in soup.select_one("ol.lm-references").get_text()
    slider = soup.select_one(".live-slider")
    assert slider is not None and slider.select("input[type=range]") and slider.select("template")

    # The plugin's own files, published and linked with no line in mkdocs.yml.
    for path in ("assets/katex/katex.min.css", "assets/live-math/writing.css", "assets/live-math/slider.css"):
        assert re.search(rf'<link[^>]*href="(?:\./)?{re.escape(path)}"', html), path
        assert (out / path).is_file()
    for path in ("assets/live-math/cards.js", "assets/live-math/slider_figure.js"):
        assert re.search(rf'<script[^>]*src="(?:\./)?{re.escape(path)}"', html), path
        assert (out / path).is_file()

    # Notebooks only where the plugin places their link: Material.
    zips = sorted(p.name for p in out.rglob("*.zip"))
    assert zips == (["index.zip"] if theme == "material" else [])
    assert ("assets/live-math/notebook.css" in html) is (theme == "material")

    # Nothing remote beyond what the theme loads on a page with no content of the plugin's.
    plain = (out / "plain" / "index.html").read_text(encoding="utf-8")
    assert set(REMOTE.findall(html)) <= set(REMOTE.findall(plain))


def test_the_installed_package_carries_its_assets_and_declares_its_version(installed, tmp_path):
    check = (
        "import importlib.metadata as m, pathlib, live_math._internal.published as p;"
        "print(sorted(f.name for f in pathlib.Path(p.__file__).parent.iterdir() if f.suffix in ('.css', '.js')));"
        "print(m.version('mkdocs-live-math'))"
    )
    lines = run([str(installed / "python"), "-c", check], cwd=tmp_path).stdout.splitlines()
    assert lines[0] == "['cards.js', 'notebook.css', 'slider.css', 'slider_figure.js', 'writing.css']"
    assert lines[1] == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
