"""Markdown tables whose cells hold math with ``|`` (``$|x_k - x^*|$``), and tables that were never made.

Python-Markdown's ``tables`` extension splits a row at every ``|`` outside code, math included, so a cell
``$|x|$`` broke the row and no ``<table>`` was made. This extension (the plugin adds it to the site's
``markdown_extensions``, so that posts, excerpts and printed snippet output all get it) hides each ``|``
inside ``$…$`` on the lines of a table behind a private-use character before the table is read, and puts
it back once the page is HTML, before KaTeX sees the formula: the TeX KaTeX gets is the TeX as written.

:func:`unmade_tables` finds what still was not made into a table: a ``|---|`` line in a page's text.
"""

from __future__ import annotations

import html
import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

NAME = "live_math._internal.writing.tables"  # what the plugin adds to markdown_extensions
HIDDEN_PIPE = "\ue000"  # a private-use character: no text means it
DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)(?:\\.|[^\\$\n])+?(?<!\s)\$")
CODE_SPAN = re.compile(r"(`+).+?\1")
CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


def is_delimiter_row(line: str) -> bool:
    """Whether ``line`` is a table's ``| --- | :-: |`` line (at least one ``|``, so not a rule)."""
    return "|" in line and "-" in line and bool(DELIMITER_ROW.match(line))


def hide_math_pipes(line: str) -> str:
    """``line`` with each ``|`` inside inline math (outside code spans) replaced by HIDDEN_PIPE."""
    code = [span.span() for span in CODE_SPAN.finditer(line)]

    def hide(match: re.Match) -> str:
        if any(start <= match.start() < end for start, end in code):
            return match.group(0)
        return re.sub(r"(?<!\\)\|", HIDDEN_PIPE, match.group(0))

    return INLINE_MATH.sub(hide, line)


def hide_table_math_pipes(lines: list[str]) -> list[str]:
    """The lines of every table (header, delimiter row, rows up to a blank line) with their math's ``|`` hidden."""
    out = list(lines)
    for index, line in enumerate(lines):
        if index == 0 or not is_delimiter_row(line) or "|" not in lines[index - 1]:
            continue
        out[index - 1] = hide_math_pipes(lines[index - 1])
        row = index + 1
        while row < len(lines) and lines[row].strip():
            out[row] = hide_math_pipes(lines[row])
            row += 1
    return out


class _HidePipes(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return hide_table_math_pipes(lines) if any("|" in line for line in lines) else lines


class _RestorePipes(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(HIDDEN_PIPE, "|")


class MathInTables(Extension):
    """See the module's docstring."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # After fenced code (25) and raw HTML blocks (20) are stashed, so neither is touched; before the tables.
        md.preprocessors.register(_HidePipes(md), "live_math_hide_math_pipes", 15)
        # Last, after stashed HTML (snippet output included) is put back into the page.
        md.postprocessors.register(_RestorePipes(md), "live_math_restore_math_pipes", 0)


def makeExtension(**kwargs) -> MathInTables:  # noqa: N802 - the name Python-Markdown looks for
    """The extension, as Python-Markdown loads it by its module's name."""
    return MathInTables(**kwargs)


def unmade_tables(page_html: str) -> list[str]:
    """The ``|---|`` lines of the page's text (code left out): each a Markdown table that was not made into a
    ``<table>``, as the writer or a snippet wrote it."""
    text = CODE.sub("", page_html)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", line)).strip()
        for line in text.splitlines()
        if is_delimiter_row(html.unescape(re.sub(r"<[^>]+>", "", line)))
    ]
