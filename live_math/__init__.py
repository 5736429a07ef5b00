"""Live math: a MkDocs plugin that runs a post's Python snippets at build time, typesets its math with KaTeX
at build time, and checks posts before they are published.

Enable it in ``mkdocs.yml`` (after ``markdown-exec``)::

    plugins:
      - markdown-exec
      - live-math

The parts live in ``live_math/_internal/``: ``execution/`` (where snippets run), ``math/`` (where math is
typeset), ``checks/`` (where posts are checked), ``plugin.py`` (MkDocs events), ``config.py`` (options).
"""

__all__ = ["LiveMathConfig", "LiveMathPlugin", "__version__"]
DISTRIBUTION = "mkdocs-live-math"  # the name to pip install; its version is set in pyproject.toml alone


def __getattr__(name: str):
    # Imported on first use, so that the snippet workers (live_math._internal.execution.zygote) start
    # without importing MkDocs.
    if name == "LiveMathConfig":
        from live_math._internal.config import LiveMathConfig

        return LiveMathConfig
    if name == "__version__":
        from importlib.metadata import version

        return version(DISTRIBUTION)
    if name == "LiveMathPlugin":
        from live_math._internal.plugin import LiveMathPlugin

        return LiveMathPlugin
    raise AttributeError(f"module 'live_math' has no attribute {name!r}")
