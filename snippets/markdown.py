"""Small formatters that turn results into Markdown for a snippet to print."""

from __future__ import annotations

import inspect
import textwrap


def source(obj) -> str:
    """The source code of a function, method or class, as a fenced Python code block."""
    return "```python\n" + textwrap.dedent(inspect.getsource(obj)).rstrip() + "\n```\n"


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one character per column: l, r or c (default: all right-aligned)."""
    align = align or "r" * len(header)
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def sci(x: float, digits: int = 1) -> str:
    """x in scientific notation as TeX, e.g. 3.2\\times 10^{-5} (for use inside $...$)."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa}\\times 10^{{{int(exponent)}}}"
