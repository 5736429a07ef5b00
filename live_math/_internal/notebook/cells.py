"""A post's Markdown and its executable fences as Jupyter notebook cells, in page order.

Prose between fences becomes Markdown cells (``$…$`` math works in Jupyter as written); each executable
fence becomes a code cell carrying the output the build showed on the page. A notebook has one namespace
where the page gives each session its own, so a ``%reset -f`` cell marks each place a fresh namespace begins.
Blocks printed as HTML on the page (``html="true"``) run under a ``%%printed_html`` cell magic, defined in
the first cell, that shows what they print as rendered HTML instead of markup; blocks whose printed text is
Markdown (a table, math, emphasis, a list), which the page shows rendered, run under ``%%printed_markdown``.
The prose comes from ``prose.py``, which replaces the site's own syntax with what the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from live_math._internal.execution.fences import Fence
from live_math._internal.notebook import ipynb

EXCERPT_MARKER = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.MULTILINE)

SETUP = """\
# Setup for this notebook. On the page, blocks marked html="true" print HTML (plots as SVG); the
# %%printed_html magic runs such a cell and shows what it printed as HTML instead of markup.
from IPython.core.magic import register_cell_magic


@register_cell_magic
def printed_html(line, cell):
    # Imports inside: %reset -f empties the namespace this function's globals are.
    import contextlib
    import io

    from IPython.display import HTML, display

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(cell, "<cell>", "exec"), get_ipython().user_ns)
    display(HTML(printed.getvalue()))


@register_cell_magic
def printed_markdown(line, cell):
    # The same for a block whose printed text is Markdown: shown rendered, as on the page.
    import contextlib
    import io

    from IPython.display import Markdown, display

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(cell, "<cell>", "exec"), get_ipython().user_ns)
    display(Markdown(printed.getvalue()))"""

# Printed text the page renders as more than paragraphs: a table row, math, emphasis, code, a heading, a list.
MARKDOWN_OUTPUT = re.compile(r"^\|.*\|[ \t]*$|\$[^$\n]+\$|\*\*|`|^#{1,6} |^[ \t]*(?:[-*+]|\d+\.) ", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """An executable fence and what the build printed for it (None for a measurement, which no run repeats)."""

    fence: Fence
    output: str | None
    html: bool


def notebook(title: str, intro: str, markdown: str, blocks: list[Block], references: str = "") -> ipynb.Notebook:
    """The notebook of a page: ``markdown`` as the page's Markdown (front matter removed, made readable by
    ``prose.py``), ``blocks`` its executable fences in order with their outputs, ``references`` the last cell."""
    cells = [ipynb.markdown_cell(f"# {title}\n\n{intro}"), ipynb.code_cell(SETUP)]
    lines = markdown.split("\n")
    interleaved = _sessions_interleave([b.fence for b in blocks])
    previous_session = None
    position = 0
    for block in blocks:
        prose = _prose(lines[position : block.fence.index])
        if prose:
            cells.append(ipynb.markdown_cell(prose))
        session = _session_of(block.fence)
        if previous_session is not None and session != previous_session and not interleaved:
            name = block.fence.options.get("session")
            what = f'the session "{name}"' if name else "a block of its own"
            note = f"# A fresh namespace begins here: on the page, {what} runs apart."
            cells.append(ipynb.code_cell(f"%reset -f\n{note}"))
        previous_session = session
        cells.append(_code_cell(block))
        position = block.fence.end + 1
    prose = _prose(lines[position:])
    if prose:
        cells.append(ipynb.markdown_cell(prose))
    if references:
        cells.append(ipynb.markdown_cell(references))
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"cell-{number}"  # stable ids, so two builds write the same bytes
    return ipynb.new_notebook(
        cells,
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )


def _code_cell(block: Block) -> ipynb.Cell:
    markdown = not block.html and block.output is not None and bool(MARKDOWN_OUTPUT.search(block.output))
    magic = "%%printed_html\n" if block.html else "%%printed_markdown\n" if markdown else ""
    outputs = []
    if block.output:
        if block.html:
            outputs = [ipynb.display_output({"text/html": block.output})]
        elif markdown:
            data = {"text/markdown": block.output, "text/plain": "<IPython.core.display.Markdown object>"}
            outputs = [ipynb.display_output(data)]
        else:
            outputs = [ipynb.stream_output(block.output)]
    metadata = {"live_math": {"line": block.fence.line, "measured": block.output is None}}
    return ipynb.code_cell(magic + block.fence.code, outputs, metadata)


def _prose(lines: list[str]) -> str:
    return EXCERPT_MARKER.sub("", "\n".join(lines)).strip("\n").strip()


def _session_of(fence: Fence) -> str:
    return fence.options.get("session") or f"#block-{fence.line}"


def _sessions_interleave(fences: list[Fence]) -> bool:
    """Whether a session goes on after another began (then no reset can give each its own namespace)."""
    seen, current = set(), None
    for fence in fences:
        session = _session_of(fence)
        if session != current:
            if session in seen:
                return True
            seen.add(session)
            current = session
    return False
