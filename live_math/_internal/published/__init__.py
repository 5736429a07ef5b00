"""The stylesheets and scripts the plugin's features need, published by the plugin and linked from every page.

A site lists none of them: each feature that is on adds its files to the site (``on_files``) and to
``extra_css`` / ``extra_javascript`` (``on_config``), ahead of the site's own, so a site's stylesheet
can still override them. KaTeX's stylesheet and fonts come from the npm package that renders the math
(math/katex.py publishes them); only the link to the stylesheet is added here.

    writing.css, cards.js        numbered equations, references, hover cards and sidenotes (``writing``)
    slider.css, slider_figure.js slider figures: frames drawn at build time, swapped by a range input
                                 (``execution``, whose snippets draw them)
    notebook.css                 the notebook download link under a page's title (``notebook``)
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

HERE = Path(__file__).parent
FOLDER = "assets/live-math"  # where the files land in the site
FEATURES = {
    "writing": (["writing.css"], ["cards.js"]),
    "execution": (["slider.css"], ["slider_figure.js"]),
    "notebook": (["notebook.css"], []),
}


def assets(features: list[str], katex_css: str | None) -> tuple[list[str], list[str]]:
    """The site paths of the stylesheets and scripts of ``features`` (in FEATURES' order), KaTeX's first."""
    styles = [katex_css] if katex_css else []
    scripts: list[str] = []
    for feature, (css, js) in FEATURES.items():
        if feature in features:
            styles += [f"{FOLDER}/{name}" for name in css]
            scripts += [f"{FOLDER}/{name}" for name in js]
    return styles, scripts


def link(config, styles: list[str], scripts: list[str]) -> None:
    """Put ``styles`` and ``scripts`` ahead of the site's own in ``config``, each once (a site that still lists
    one keeps its own entry, where it put it)."""
    listed_css = {str(entry) for entry in config.extra_css}
    config.extra_css[:0] = [path for path in styles if path not in listed_css]
    listed_js = {str(getattr(entry, "path", entry)) for entry in config.extra_javascript}
    config.extra_javascript[:0] = [path for path in scripts if path not in listed_js]


def publish(files, config, features: list[str]) -> None:
    """Add the package's files of ``features`` to the site's files (KaTeX's are math/katex.py's)."""
    for feature, (css, js) in FEATURES.items():
        if feature in features:
            for name in [*css, *js]:
                files.append(File.generated(config, f"{FOLDER}/{name}", abs_src_path=str(HERE / name)))
