"""Snippet outputs converted with one reset Markdown converter (speed/output_markdown.py) come out exactly as
markdown-exec's own converter-per-output makes them."""

from __future__ import annotations

import markdown
import pytest
from markdown_exec import MarkdownConverter, markdown_config

from live_math._internal.speed import internals
from live_math._internal.speed.output_markdown import OutputConverters

EXTENSIONS = [
    "abbr", "admonition", "attr_list", "footnotes", "md_in_html", "tables", "toc", "pymdownx.arithmatex",
    "pymdownx.blocks.caption", "pymdownx.details", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.superfences", "pymdownx.tabbed",
]  # fmt: skip
SETTINGS = {
    "toc": {"permalink": True},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"anchor_linenums": True},
    "pymdownx.tabbed": {"alternate_style": True},
}

# Outputs that exercise what an extension keeps between conversions: footnote and abbreviation lists, heading
# ids and the table of contents, tab and code-line counters, the HTML stash.
OUTPUTS = [
    "Plain text with a footnote[^1].\n\n[^1]: The note.\n",
    "*[HTML]: Hyper Text Markup Language\n\nThe HTML is here.\n",
    "## A heading\n\nText under it.\n\n## A heading\n\nThe same title again.\n",
    "| a | b |\n|---|---|\n| $x^2$ | 2 |\n",
    '=== "One"\n\n    first\n\n=== "Two"\n\n    second\n',
    "```python\nprint(1)\nprint(2)\n```\n",
    '!!! note "Careful"\n\n    An admonition with `code`.\n',
    "<div markdown>\n**bold** in HTML</div>\n\nAnother footnote[^a].\n\n[^a]: Second.\n",
    "Text with no abbreviation: HTML stays as written.\n",
    "/// caption\nA table caption\n///\n",
    "Some $a+b$ math and a {: .class} attr.\n{: #para-id }\n",
]


def convert_all(converters) -> list[tuple[str, list[str]]]:
    """Each output converted as markdown-exec converts it, for a page Markdown of its own every third output."""
    results = []
    previous = internals.output_markdown_converters
    internals.output_markdown_converters = converters
    markdown_config.save(EXTENSIONS, SETTINGS)
    MarkdownConverter.counter = 0  # ids are numbered from it
    try:
        page = None
        for number, text in enumerate(OUTPUTS * 2):
            if number % 3 == 0:
                page = markdown.Markdown(extensions=EXTENSIONS, extension_configs=SETTINGS)
            converter = MarkdownConverter(page)
            html = converter.convert(text)
            # The headings markdown-exec hands the page's table of contents, filed under the output's HTML.
            reported = page.treeprocessors["markdown_exec_insert_headings"].headings.get(html, [])
            results.append((str(html), [element.get("id") for element in reported]))
    finally:
        markdown_config.reset()
        internals.output_markdown_converters = previous
    return results


@pytest.fixture(autouse=True)
def wrapped():
    internals.install()


def test_outputs_converted_by_one_reset_converter_equal_a_converter_each():
    each = convert_all(None)
    shared = OutputConverters()
    assert convert_all(shared) == each
    assert shared.made == 1 and shared.lent == len(OUTPUTS) * 2 - 1  # it did share: the comparison means something


def test_a_conversion_inside_a_conversion_gets_a_converter_of_its_own():
    shared = OutputConverters()
    internals.output_markdown_converters = shared
    markdown_config.save(EXTENSIONS, SETTINGS)
    try:
        page = markdown.Markdown(extensions=EXTENSIONS, extension_configs=SETTINGS)
        outer = MarkdownConverter(page)
        inner_results = []

        def nested(*args, **kwargs):  # what a fence inside an output does: convert again, mid-conversion
            inner_results.append(str(MarkdownConverter(page).convert("inner *text*")))
            return "<p>done</p>"

        owner, name = internals.MARKDOWN_EXEC_MIMIC
        converter = getattr(owner, name).__live_math_original__(page, [], update_toc=True)
        shared.converters[(True, id(markdown_config.exts), id(markdown_config.exts_config))] = converter
        converter.postprocessors.register(_Calling(nested), "nested", 0)
        html = outer.convert("outer text")
    finally:
        markdown_config.reset()
        internals.output_markdown_converters = None
    assert "done" in html and inner_results == ["<p>inner <em>text</em></p>"]
    assert shared.lent == 1 and shared.made == 0  # the outer one borrowed; the inner one made its own


def test_without_saved_settings_markdown_exec_copies_the_page_extensions_and_nothing_is_shared():
    shared = OutputConverters()
    internals.output_markdown_converters = shared
    try:
        page = markdown.Markdown(extensions=["footnotes"])
        for _ in range(2):
            assert "<sup" in MarkdownConverter(page).convert("a[^1]\n\n[^1]: b\n")
    finally:
        internals.output_markdown_converters = None
    assert shared.made == shared.lent == 0


class _Calling:
    def __init__(self, function):
        self.function = function

    def run(self, text):
        return self.function() if "outer" in text else text
