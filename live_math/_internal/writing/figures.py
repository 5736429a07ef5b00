"""References to captioned figures and tables: ``[](#fig-loss)`` reads "Figure 2" and links to the figure.

pymdownx.blocks.caption numbers ``/// figure-caption`` and ``/// table-caption`` blocks itself (its ``auto``
option, on by default: "Figure 1.", "Table 1.") and takes an id as the block's argument
(``/// figure-caption | #fig-loss``). This module only reads the numbers it wrote and puts them in the
empty links that point at those figures. A link to an id that does not exist is MkDocs' own anchor check.
"""

from __future__ import annotations

import html
import re

from live_math._internal.writing.cards import XREF_CLASS

FIGURE = re.compile(r'<figure\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>')
CAPTION_PREFIX = re.compile(r'<span class="caption-prefix">(?P<prefix>[^<]*)</span>')
EMPTY_LINK = re.compile(r'<a href="#(?P<id>[^"]+)"></a>')


class FigureError(ValueError):
    """An empty reference link whose target is not a numbered figure or table."""


def numbered_figures(page_html: str) -> dict[str, str]:
    """``{id: "Figure 2"}`` for every captioned figure or table that pymdownx numbered."""
    found = {}
    for figure in FIGURE.finditer(page_html):
        end = page_html.find("</figure>", figure.end())
        nested = page_html.find("<figure", figure.end())
        stop = end if nested < 0 or nested > end else nested
        prefix = CAPTION_PREFIX.search(page_html, figure.end(), stop)
        if prefix:
            found[html.unescape(figure.group("id"))] = html.unescape(prefix.group("prefix")).strip().rstrip(".:")
    return found


def link_figures(page_html: str, locate=lambda target: "", problems: list[str] | None = None) -> str:
    """Fill every empty link to a numbered figure with its name ("Figure 2") and mark it as a cross-reference.
    A link to no numbered figure is left as it is and added to ``problems``; without that list, raised."""
    if "></a>" not in page_html:
        return page_html
    figures = numbered_figures(page_html)
    found: list[str] = []

    def fill(match: re.Match) -> str:
        target = html.unescape(match.group("id"))
        if target not in figures:
            if target.startswith(("fig", "tab")) or figures:
                where = locate(target)
                known = ", ".join(f"#{k} ({v})" for k, v in figures.items()) or "none"
                found.append(
                    f"{where}[](#{target}) refers to no numbered figure or table; numbered here: {known}"
                    " (number one with `/// figure-caption | #id` or `/// table-caption | #id`)"
                )
            return match.group(0)
        kind = "table" if figures[target].lower().startswith("table") else "figure"
        name = html.escape(figures[target])
        return f'<a href="#{match.group("id")}" class="{XREF_CLASS}" data-lm-kind="{kind}">{name}</a>'

    page_html = EMPTY_LINK.sub(fill, page_html)
    if found and problems is None:
        raise FigureError("\n".join(found))
    if problems is not None:
        problems += found
    return page_html
