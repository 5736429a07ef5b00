"""A `|` inside `$…$` in a table row is math, not a cell border; a table that was not made is found."""

from __future__ import annotations

import markdown

from live_math._internal.writing import tables

EXTENSIONS = ["pymdownx.superfences", "tables", "pymdownx.arithmatex", tables.NAME]


def convert(text: str) -> str:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"pymdownx.arithmatex": {"generic": True}})
    return md.convert(text)


def test_math_pipes_stay_in_their_cell_and_reach_the_page_as_written():
    page = convert("| $k$ | $|x_k - \\sqrt{3/2}|$ |\n| --- | --- |\n| 1 | $\\left|y\\right|$ |\n")
    assert page.count("<th>") == 2 and page.count("<td>") == 2
    assert r"\(|x_k - \sqrt{3/2}|\)" in page and r"\(\left|y\right|\)" in page
    assert tables.HIDDEN_PIPE not in page


def test_code_spans_escaped_pipes_and_prose_are_left_as_they_are():
    lines = ["| `$a|b$` | $\\|v\\|$ |", "|---|---|", "| x | y |"]
    assert tables.hide_table_math_pipes(lines) == lines
    prose = ["Not a table: $|x|$ and a | b."]
    assert tables.hide_table_math_pipes(prose) == prose
    fenced = convert('```python\nprint("| $|x|$ |")\nprint("|---|")\n```\n')
    assert tables.HIDDEN_PIPE not in fenced and "| $|x|$ |" in fenced


def test_a_table_that_was_not_made_is_found_by_its_delimiter_row():
    assert tables.unmade_tables(convert("Text\n| a | b |\n|---|---|\n| 1 | 2 |\n")) == ["|---|---|"]
    assert tables.unmade_tables(convert("Text\n\n| a | b |\n| :-- | --: |\n| 1 | 2 |\n")) == []
    assert tables.unmade_tables(convert("A rule:\n\n---\n\nand `|---|` in code.\n")) == []
