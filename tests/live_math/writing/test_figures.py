"""References to figures and tables numbered by pymdownx.blocks.caption."""

from __future__ import annotations

import markdown
import pytest

from live_math._internal.writing.figures import FigureError, link_figures

POST = """\
![a plot](plot.svg)

/// figure-caption | #fig-plot
A plot.
///

| a | b |
| - | - |
| 1 | 2 |

/// table-caption | #tab-ab
Two numbers.
///

![another](other.svg)

/// figure-caption | #fig-other
Another plot.
///

[](#fig-other) follows [](#fig-plot); [](#tab-ab) has numbers.
"""


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "pymdownx.blocks.caption"])


def test_empty_links_to_numbered_figures_and_tables_read_their_number():
    html = link_figures(convert(POST))
    assert '<a href="#fig-other" class="lm-xref" data-lm-kind="figure">Figure 2</a> follows' in html
    assert '<a href="#fig-plot" class="lm-xref" data-lm-kind="figure">Figure 1</a>' in html
    assert '<a href="#tab-ab" class="lm-xref" data-lm-kind="table">Table 1</a>' in html


def test_a_reference_to_an_unnumbered_figure_is_refused_with_the_ones_that_exist():
    with pytest.raises(FigureError, match=r"\[\]\(#fig-nope\) refers to no numbered figure.*#fig-plot \(Figure 1\)"):
        link_figures(convert(POST + "\n[](#fig-nope)\n"))
