"""The notebook is built as plain dicts and written without nbformat (ipynb.py), for speed; these tests hold it to
nbformat itself: every notebook validates, and its file is, byte for byte, what ``nbformat.writes`` makes of the
same cells built by nbformat's own ``v4.new_*`` functions (what the notebooks were made with before, so the zips
of earlier builds stay valid in the cache)."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat import v4

from live_math._internal.execution.executor import OWN_OPTIONS
from live_math._internal.execution.fences import find_fences
from live_math._internal.notebook import cells
from live_math._internal.notebook.cells import Block, notebook
from live_math._internal.notebook.ipynb import code_cell, display_output, ipynb_text, new_notebook, stream_output


def _nbformat_code_cell(source, outputs=None, metadata=None):
    cell = v4.new_code_cell(source)
    if outputs:
        cell.outputs = outputs
    if metadata:
        cell.metadata.update(metadata)
    return cell


# The reference: ipynb.py's builders, made by nbformat (each validated as it is made).
NBFORMAT_BUILDERS = SimpleNamespace(
    markdown_cell=v4.new_markdown_cell,
    code_cell=_nbformat_code_cell,
    stream_output=lambda text: v4.new_output("stream", name="stdout", text=text),
    display_output=lambda data: v4.new_output("display_data", data=data),
    new_notebook=lambda cells, metadata: v4.new_notebook(cells=cells, metadata=metadata),
)


def nbformat_text(monkeypatch, *arguments) -> str:
    """``cells.notebook(*arguments)`` with nbformat's builders, written by ``nbformat.writes``."""
    with monkeypatch.context() as patch:
        patch.setattr(cells, "ipynb", NBFORMAT_BUILDERS)
        made = notebook(*arguments)
    assert isinstance(made, nbformat.NotebookNode), "the reference must really be nbformat's"
    return nbformat.writes(made)


def blocks_of(markdown: str, outputs: list[str | None]) -> list[Block]:
    fences = find_fences(markdown, markdown, OWN_OPTIONS)
    assert len(fences) == len(outputs)
    return [Block(f, out, bool(f.options.get("html"))) for f, out in zip(fences, outputs, strict=True)]


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10">\n  <path d="M 0 0 L 1 1"/>\n</svg>\n'

# (title, page, outputs, references): each page exercises other cells and outputs.
PAGES = {
    "sessions, html, measured": (
        "Title",
        '# Title\n\nIntro with $x^2$.\n\n<!-- more -->\n\n```python exec="on" session="a"\nx = 1\nprint(x)\n```\n\n'
        'Between.\n\n```python exec="on" session="a"\nprint(x + 1)\n```\n\n```python exec="on" html="true"\n'
        'print("<b>bold</b>")\n```\n\n```python exec="on" session="b" measured="true"\nprint("12 ms")\n```\n',
        ["1\n", "2\n", "<b>bold</b>\n", None],
        "",
    ),
    "markdown-looking outputs, a figure, empty output, references": (
        "Outputs of every kind",
        '# Outputs\n\nA table, math and a list.\n\n```python exec="on"\n'
        'print("| a | b |\\n| - | - |\\n| 1 | 2 |")\n```\n\n'
        '```python exec="on"\nprint("The loss is $L = 3$.")\n```\n\n```python exec="on"\nprint("- one\\n- **two**")\n'
        '```\n\n```python exec="on"\nprint("## Heading\\n`code`")\n```\n\n```python exec="on" html="true"\n'
        'print(svg)\n```\n\n```python exec="on"\nx = 1\n```\n\nThe end [1].\n',
        [
            "| a | b |\n| - | - |\n| 1 | 2 |\n",
            "The loss is $L = 3$.\n",
            "- one\n- **two**\n",
            "## Heading\n`code`\n",
            SVG,
            "",
        ],
        "## References\n\n\\[1\\] D. E. Knuth, <i>Literate programming</i>.",
    ),
    "unicode, odd line breaks, no trailing newline": (
        "Ünïcödé — 漢字 ∑ 🎉",
        '# Ünïcödé\n\nÀ propos de $\\sum_i x_i$ — «guillemets», 漢字 and 🎉.\n\n```python exec="on" session="s"\n'
        'print("naïve café ∞")\n```\n\n```python exec="on" session="t"\nprint("a\\rb")\n```\n\n'
        '```python exec="on" session="u"\nprint(text)\n```\n\nLast words, without a newline at the end.',
        ["naïve café ∞\n", "progress 50%\rprogress 100%\r\n", "line\u2028separator\x0cform feed\x85next\ttab"],
        "",
    ),
    "interleaved sessions and measured blocks": (
        "Interleaved",
        '```python exec="on" session="a"\nimport time\n```\n\n```python exec="on" session="b" measured="true"\n'
        'print(time.time())\n```\n\n```python exec="on" session="a"\nprint(1)\n```\n\n'
        '```python exec="on" session="b" measured="true"\nprint(2)\n```\n',
        [None, None, "1\n", None],
        "",
    ),
    "blocks of their own, every one reset": (
        "Apart",
        'One.\n\n```python exec="on"\nprint(1)\n```\n\n```python exec="on"\nprint(2)\n```\n\n```python exec="on"\n'
        "print(3)\n```\n",
        ["1\n", "2\n", "3\n"],
        "",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_the_notebook_is_valid_and_written_as_nbformat_writes_it(name, monkeypatch):
    title, page, outputs, references = PAGES[name]
    arguments = (title, "Made from the post [T](http://x/t/).", page, blocks_of(page, outputs), references)
    made = notebook(*arguments)
    nbformat.validate(copy.deepcopy(made))  # a copy: validate may normalize what it is given
    text = ipynb_text(made)
    assert text == nbformat_text(monkeypatch, *arguments)
    assert made == notebook(*arguments), "writing left the notebook as it was"
    assert nbformat.reads(text, as_version=4) == nbformat.from_dict(made)  # and reads back to the same cells


def test_the_pages_cover_every_kind_of_cell_and_output(monkeypatch):
    """The byte comparison above means something only if the pages make every cell and output ``cells`` makes."""
    sources, outputs = [], []
    for title, page, printed, references in PAGES.values():
        made = notebook(title, "I.", page, blocks_of(page, printed), references)
        sources += [cell["source"] for cell in made["cells"]]
        outputs += [output for cell in made["cells"] for output in cell.get("outputs", [])]
    assert any(source.startswith("%%printed_html") for source in sources)
    assert any(source.startswith("%%printed_markdown") for source in sources)
    assert any(source.startswith("%reset -f") for source in sources)
    assert any(source.startswith("## References") for source in sources)
    assert {output["output_type"] for output in outputs} == {"stream", "display_data"}
    assert {mime for output in outputs for mime in output.get("data", {})} == {
        "text/html",
        "text/markdown",
        "text/plain",
    }


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
texts = st.text(st.sampled_from('aé漢🎉 $|*`#-\t\\"') | st.sampled_from(LINE_BREAKS), max_size=40)


@settings(max_examples=150, deadline=None)
@given(source=texts, printed=texts, shown=texts, mime=st.sampled_from(["text/html", "text/markdown", "image/svg+xml"]))
def test_any_text_is_written_as_nbformat_writes_it(source, printed, shown, mime):
    outputs = [stream_output(printed), display_output({mime: shown, "text/plain": printed})]
    made = new_notebook([code_cell(source, outputs, {"live_math": {"line": 3, "measured": False}})], {"k": source})
    made["cells"][0]["id"] = "cell-1"
    reference = v4.new_notebook(
        cells=[
            v4.new_code_cell(
                source,
                id="cell-1",
                outputs=[
                    v4.new_output("stream", name="stdout", text=printed),
                    v4.new_output("display_data", data={mime: shown, "text/plain": printed}),
                ],
                metadata={"live_math": {"line": 3, "measured": False}},
            )
        ],
        metadata={"k": source},
    )
    assert ipynb_text(made) == nbformat.writes(reference)
