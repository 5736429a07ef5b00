"""Ids in a snippet's output made unique in the page that shows it.

A fence's output is converted on its own (markdown-exec gives each its own Markdown instance), so two
kinds of ids in it repeat from one fence to the next:

- code blocks' line anchors: pymdownx.highlight names them ``__codelineno-<block>-<line>``
  (``anchor_linenums``), ``<block>`` counting the blocks of one conversion, and its HTML is stashed out
  of reach of markdown-exec's id prefixes: every code block a snippet shows or prints would be block 0.
  Each takes the next number of the page's own count instead (HIGHLIGHT_BLOCK_COUNT in
  speed/internals.py), as if it had been written in the page;
- inline SVG figures: matplotlib names the parts of every figure ``figure_1``, ``axes_1``, … and its
  markers after their shape. Each ``<svg>`` gets a prefix of its own, ``svg<n>-`` (the n-th figure of
  the conversion), on its ids and on the references to them inside it.
"""

from __future__ import annotations

import re

from live_math._internal.speed.internals import page_highlighter

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_ID = re.compile(r'\sid="([^"]+)"')
SVG_REFERENCE = re.compile(r'(\sid="|href="#|url\(#)([^")]+)')  # an id, or a reference to one
SVG_REFERENCE_TARGET = re.compile(r'(?:href="#|url\(#)([^")]+)')
FIGURE_COUNT = "_live_math_svg_count"  # an attribute of the page's Markdown instance: one count per conversion


def page_unique_ids(html: str, md) -> str:
    """``html``, one fence's output, with its line anchors and SVG ids numbered in ``md``'s conversion."""
    return scope_svg_ids(continue_line_numbers(html, md), md)


def continue_line_numbers(html: str, md) -> str:
    """``html`` with its code blocks' line anchors renumbered on from ``md``'s own code blocks."""
    highlighter = page_highlighter(md)
    if highlighter is None:
        return html
    config = highlighter.getConfigs()
    anchors = config.get("line_anchors") or ("__codelineno" if config.get("anchor_linenums") else "")
    prefixes = [prefix for prefix in (anchors, config.get("line_spans")) if prefix]
    if not any(prefix in html for prefix in prefixes):
        return html
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    pattern = re.compile(rf'(\s(?:id|name|href)="#?(?:{alternatives}))-(\d+)-')
    numbers: dict[str, int] = {}

    def renumber(match: re.Match) -> str:
        block = match.group(2)
        if block not in numbers:
            highlighter.pygments_code_block += 1
            numbers[block] = highlighter.pygments_code_block
        return f"{match.group(1)}-{numbers[block]}-"

    return pattern.sub(renumber, html)


def scope_svg_ids(html: str, md) -> str:
    """``html`` with each inline SVG's ids, and the references to them inside it, prefixed ``svg<n>-``.

    An id that another SVG of the same output refers to without defining it (a part shared between the
    frames of a slider figure) is already meant to be one of a kind, and stays as it is.
    """
    if "<svg" not in html:
        return html
    figures = [match.group(0) for match in SVG.finditer(html)]
    defined = [set(SVG_ID.findall(svg)) for svg in figures]
    # What each SVG refers to without defining it: ids it expects another SVG to hold.
    borrowed = [set(SVG_REFERENCE_TARGET.findall(svg)) - ids for svg, ids in zip(figures, defined, strict=True)]
    shared = set().union(*borrowed)
    pieces = iter(SVG.split(html))
    out = [next(pieces)]
    for svg, ids in zip(figures, defined, strict=True):
        out.append(_scoped(svg, ids - shared, md))
        out.append(next(pieces))
    return "".join(out)


def _scoped(svg: str, ids: set[str], md) -> str:
    if not ids:
        return svg
    number = getattr(md, FIGURE_COUNT, 0) + 1
    setattr(md, FIGURE_COUNT, number)

    def prefix(match: re.Match) -> str:
        opening, name = match.groups()
        return f"{opening}svg{number}-{name}" if name in ids else match.group(0)

    return SVG_REFERENCE.sub(prefix, svg)
