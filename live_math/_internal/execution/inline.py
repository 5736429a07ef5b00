"""Inline values: `` `{py} expr` `` in a post's prose or formulas, replaced by the value of ``expr``.

Written as inline code whose text starts with ``{py}``, so the Markdown source reads as prose and nothing that
already means something in Markdown, TeX or a post changes meaning (no post writes inline code starting with
``{py} ``; a double-backtick span shows the syntax itself). It is found in the page's Markdown before
anything parses it, so it works inside ``$…$`` and ``$$…$$`` too, where Markdown sees no inline code.

    The minimum is at `{py} x_min:.3f`.          prose: a format specification after the last ``:``
    $x_{40} = `{py} x[40]:.2e`$                   math: scientific notation becomes 1.50 \\times 10^{-3}
    `{py:fit} slope:.2f`                          the value from the page's session "fit"
    `{py measured} seconds * 1e3:.1f`             a measurement of the building machine (a timing), which
                                                  no two builds repeat: kept out of the search index and the
                                                  reproducibility check, as a ``measured="true"`` fence is

Each value is a block of its session (``sessions.py``): it runs in the session's worker right after the fence
before it (without ``:name``, the session of the nearest fence above), so it sees the variables that fence
defined, and it is cached, frozen and verified as fences are. It is not part of the state later blocks start
from: editing a value re-evaluates only it, and an expression should only read, never change, the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from live_math._internal.execution.fences import Fence
from live_math._internal.writing.source import INLINE_CODE, Source, apply_edits, mask_code

VALUE = re.compile(r"\{py(?::(?P<session>[\w.-]+))?(?P<measured> measured)?\} +(?P<content>[^`\n]+?) *")


@dataclass
class Inline:
    """One inline value: where it is, what it computes, and whether it sits in a formula."""

    start: int  # position of its opening backtick in the page's Markdown
    end: int
    column: int  # 1-based, in its line
    session: str | None  # named with `{py:name}`
    content: str  # as written: expression and optional format specification
    expression: str
    spec: str
    math: bool
    measured: bool = False


def find_inlines(markdown: str, line_of_index) -> list[Fence]:
    """The inline values of ``markdown`` (outside fenced code and HTML comments), as fences of language
    ``inline`` whose code prints the formatted value. ``line_of_index(i)`` gives the source file's line of the
    Markdown's 0-based line ``i``."""
    searchable = mask_code(markdown, inline_code=False)
    spans = [m for m in INLINE_CODE.finditer(searchable) if m["ticks"] == "`" and VALUE.fullmatch(m.group(0)[1:-1])]
    # Where the formulas are, with each value standing in as a word (as blanks, it would end a `$…$` early).
    formulas = Source(apply_edits(markdown, [(m.start(), m.end(), "0" * (m.end() - m.start())) for m in spans]))
    found = []
    for span in spans:
        match = VALUE.fullmatch(span.group(0)[1:-1])
        start = span.start()
        index = markdown.count("\n", 0, start)
        column = start - (markdown.rfind("\n", 0, start) + 1) + 1
        expression, spec = split_specification(match["content"])
        inline = Inline(
            start, span.end(), column, match["session"], match["content"], expression, spec,
            formulas.math_at(start) is not None, bool(match["measured"]),
        )  # fmt: skip
        code = (
            "print(__import__('live_math._internal.execution.values', fromlist=['show'])"
            f".show({expression}, {spec!r}, {inline.math}), end='')"
        )
        info = f"{{py{' measured' if inline.measured else ''}}} {match['content']}"
        fence = Fence(index, index, line_of_index(index), "inline", info, code, {})
        fence.options = {"session": inline.session or "", "source": "", "workdir": None, "width": None}
        fence.inline = inline
        found.append(fence)
    return found


def split_specification(content: str) -> tuple[str, str]:
    """``expr:spec`` as ``(expr, spec)``, splitting at the last colon whose left side is a whole Python
    expression (``d[1:2]`` and ``f(a=b[:3])`` keep their colons); ``(content, "")`` if there is none."""
    if _is_expression(content):
        return content.strip(), ""
    for match in reversed(list(re.finditer(":", content))):
        left = content[: match.start()]
        if _is_expression(left):
            return left.strip(), content[match.end() :]
    return content.strip(), ""  # not Python: compiling it in the worker says why, at its line


def _is_expression(text: str) -> bool:
    try:
        compile(text.strip(), "<inline value>", "eval")
    except SyntaxError:
        return False
    return bool(text.strip())
