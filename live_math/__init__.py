"""Live math: a MkDocs plugin that runs a post's Python snippets at build time, typesets its math with KaTeX
at build time, and checks posts before they are published.

Enable it in ``mkdocs.yml`` (after ``markdown-exec``)::

    plugins:
      - markdown-exec
      - live-math

The parts live in ``live_math/_internal/``: ``execution/`` (where snippets run), ``math/`` (where math is
typeset), ``checks/`` (where posts are checked), ``plugin.py`` (MkDocs events), ``config.py`` (options).
"""

from live_math._internal.config import LiveMathConfig
from live_math._internal.plugin import LiveMathPlugin

__all__ = ["LiveMathConfig", "LiveMathPlugin"]
