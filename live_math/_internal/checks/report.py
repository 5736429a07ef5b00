"""What the checks found in one build, said as ``path:line: what is wrong`` with the fix on the next line.

Checks add problems to one :class:`Report` as the build goes; the plugin raises it at the end of a stage
(sources before anything runs, everything else at the end of the build), so a writer sees every problem
of a build at once rather than one per attempt. The time spent inside the checks is counted, so that
``make bench`` can show what they cost (``BLOG_CHECK_STATS=path`` writes it as JSON after each build).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Problem:
    where: str  # "docs/blog/posts/x.md:12", or the path alone when no line can be named
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" + (f"\n    {self.fix}" if self.fix else "")


def shorten(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: a huge formula is not echoed whole."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Report:
    """Problems of one build, in the order found, each listed once (a post's excerpt is on several pages)."""

    def __init__(self, help: str = ""):
        self.help = help  # where the writer reads about these problems (checks.help)
        self.problems: dict[Problem, None] = {}
        self.seconds: dict[str, float] = defaultdict(float)
        self.added = 0  # every problem added, repeats included: whether one check found anything

    def add(self, where: str, what: str, fix: str = "") -> None:
        self.added += 1
        self.problems.setdefault(Problem(where, what, fix), None)

    @contextmanager
    def timing(self, check: str):
        """Count the time spent in the block against ``check``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[check] += time.perf_counter() - start

    def raise_problems(self) -> None:
        """Raise one PluginError listing every problem found so far, if there is any."""
        if not self.problems:
            return
        files = {p.where.split(":", 1)[0] for p in self.problems}
        listing = "\n".join(str(p) for p in self.problems)
        self.problems = {}
        raise PluginError(
            f"{len(files)} file(s) need fixing before the site can be published:\n{listing}"
            + (f"\nSee {self.help}." if self.help else "")
        )

    def write_stats(self, path: str) -> None:
        """``{"seconds": total, "checks": {check: seconds}}``: what the checks cost this build."""
        stats = {"seconds": sum(self.seconds.values()), "checks": dict(sorted(self.seconds.items()))}
        Path(path).write_text(json.dumps(stats, indent=1), encoding="utf-8")
