"""A snippet's output, converted on its own, gets ids that are unique in its page (execution/output_ids.py)."""

import re
from collections import Counter

import markdown

from live_math._internal.execution.output_ids import page_unique_ids

EXTENSIONS = ["pymdownx.highlight", "pymdownx.superfences"]
CONFIG = {"pymdownx.highlight": {"anchor_linenums": True}}
CODE = "```python\na = 1\nb = 2\n```\n"


def converted(text: str) -> str:
    """``text`` converted by a Markdown instance of its own, as markdown-exec converts a fence's output."""
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG).convert(text)


def ids_of(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_code_blocks_of_outputs_number_on_from_the_page_and_links_follow():
    page = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)
    first_output, second_output = converted(CODE), converted(CODE + "\n" + CODE)
    assert ids_of(first_output) == ids_of(converted(CODE))  # both block 0: the defect being fixed
    page_own = page.convert(CODE)  # the page's own block is 0
    html = page_own + page_unique_ids(first_output, page) + page_unique_ids(second_output, page)
    counts = ids_of(html)
    assert set(counts.values()) == {1}, counts
    blocks = sorted({int(name.split("-")[1]) for name in counts})
    assert blocks == [0, 1, 2, 3]
    hrefs = re.findall(r'href="#([^"]+)"', html)
    assert sorted(hrefs) == sorted(counts)


def test_output_without_code_blocks_or_on_a_page_without_highlight_is_unchanged():
    page = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)
    page.convert("")
    assert page_unique_ids("<p>__codelineno-0-1</p>", page) == "<p>__codelineno-0-1</p>"
    output = converted(CODE)
    assert page_unique_ids(output, markdown.Markdown()) == output


FIGURE = (
    '<svg><defs><path id="m1" d="M0 0"/><clipPath id="clip"><rect/></clipPath></defs>'
    '<g id="figure_1" clip-path="url(#clip)"><use href="#m1"/><use xlink:href="#m1"/></g></svg>'
)


def test_each_svg_gets_its_own_prefix_and_its_references_follow():
    page = markdown.Markdown()
    html = page_unique_ids(FIGURE + FIGURE, page) + page_unique_ids(FIGURE, page)
    counts = ids_of(html)
    assert set(counts.values()) == {1} and len(counts) == 9
    for number in (1, 2, 3):
        assert f'id="svg{number}-m1"' in html and f'href="#svg{number}-m1"' in html
        assert f"url(#svg{number}-clip)" in html and f'xlink:href="#svg{number}-m1"' in html


def test_a_part_another_svg_refers_to_keeps_its_id():
    shared = '<svg class="shared"><defs><g id="fig-part-0"><path id="inner"/></g></defs></svg>'
    frame = '<svg><use href="#fig-part-0"/><g id="axes_1"/></svg>'
    html = page_unique_ids(shared + frame + frame, markdown.Markdown())
    assert 'id="fig-part-0"' in html and html.count('href="#fig-part-0"') == 2
    assert 'id="svg1-inner"' in html  # an id nothing outside its SVG refers to is still scoped
    assert ids_of(html)["fig-part-0"] == 1 and max(ids_of(html).values()) == 1
