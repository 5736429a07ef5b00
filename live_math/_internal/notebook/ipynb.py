"""A Jupyter notebook (nbformat 4.5) as plain dicts, and its ``.ipynb`` text, without nbformat.

nbformat's constructors validate every cell against the JSON schema and its ``writes`` deep-copies and
validates the whole notebook again: for a build that makes one notebook per page, that cost more than
everything else the notebooks need. The cells made here are the ones nbformat's ``v4.new_*`` functions make,
and ``ipynb_text`` writes what ``nbformat.writes`` writes for them, byte for byte (cached zips stay valid);
tests/live_math/notebook checks both against nbformat itself.
"""

from __future__ import annotations

import json
from typing import Any

Notebook = dict[str, Any]
Cell = dict[str, Any]
Output = dict[str, Any]

# The version nbformat 5.9 to 5.11 writes; said here, so a new nbformat cannot change the notebooks' bytes.
NBFORMAT, NBFORMAT_MINOR = 4, 5
# Which mimebundle values nbformat stores as lists of lines (rwbase._split_mimebundle): text/* and these.
SPLIT_MIMES = {"application/javascript", "image/svg+xml"}


# A cell's "id" is given by its notebook (cells.py numbers them, so two builds write the same bytes).


def markdown_cell(source: str) -> Cell:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


def code_cell(source: str, outputs: list[Output] | None = None, metadata: dict | None = None) -> Cell:
    return {
        "cell_type": "code",
        "metadata": metadata or {},
        "execution_count": None,
        "source": source,
        "outputs": outputs or [],
    }


def stream_output(text: str) -> Output:
    """What a cell printed to stdout."""
    return {"output_type": "stream", "name": "stdout", "text": text}


def display_output(data: dict[str, str]) -> Output:
    """A rich output (HTML, Markdown), ``data`` by mimetype."""
    return {"output_type": "display_data", "metadata": {}, "data": data}


def new_notebook(cells: list[Cell], metadata: dict) -> Notebook:
    return {"nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR, "metadata": metadata, "cells": cells}


def ipynb_text(notebook: Notebook) -> str:
    """The notebook's file as ``nbformat.writes`` makes it: multi-line strings as lists of lines, keys sorted,
    one space of indent, non-ASCII characters as themselves. ``notebook`` is left as it was."""
    on_disk = {**notebook, "cells": [_split_cell(cell) for cell in notebook["cells"]]}
    return json.dumps(on_disk, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False)


def _split_cell(cell: Cell) -> Cell:
    # nbformat.v4.rwbase.split_lines, on copies of what it changes (nbformat deep-copies the notebook first).
    split = {**cell, "source": _lines(cell["source"])}
    if cell["cell_type"] == "code":
        split["outputs"] = [_split_output(output) for output in cell["outputs"]]
    return split


def _split_output(output: Output) -> Output:
    if output["output_type"] in {"execute_result", "display_data"} and "data" in output:
        data = {mime: _lines(value) if _split_mime(mime, value) else value for mime, value in output["data"].items()}
        return {**output, "data": data}
    if output["output_type"] == "stream" and isinstance(output["text"], str):
        return {**output, "text": _lines(output["text"])}
    return output


def _split_mime(mime: str, value: Any) -> bool:
    return isinstance(value, str) and (mime.startswith("text/") or mime in SPLIT_MIMES)


def _lines(text: str) -> list[str]:
    # str.splitlines, as nbformat does: it also breaks at \r, \x0b, \x0c, \x1c-\x1e, \x85, \u2028 and \u2029.
    return text.splitlines(True)
