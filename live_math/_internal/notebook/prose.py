"""A page's prose as a notebook reads it: the page's numbers and names in place of the site's own syntax.

The site's writing layer turns ``\\label``/``\\eqref``, ``[@key]`` citations, ``[](#fig-x)`` references and
``/// figure-caption`` blocks into numbered, linked HTML. Jupyter knows none of that syntax, so the notebook's
Markdown cells get what the page shows instead: ``\\tag{n}`` for a label, ``(n)`` for a reference, ``[1, p. 3]``
for a citation (and a References cell, from the page's own list), "Figure 2" for a figure reference, and a
caption as a plain paragraph ("Figure 2. The loss."). Numbers come from the same functions and the same HTML
as the page's, so the two agree. Every edit stays on its line, so fences keep their line numbers.
"""

from __future__ import annotations

import re

from live_math._internal.writing import citations, equations
from live_math._internal.writing.cards import anchor_for_key
from live_math._internal.writing.figures import numbered_figures
from live_math._internal.writing.source import Source, apply_edits

REFERENCE_ENTRY = re.compile(
    r'<li id="(?P<id>[^"]+)"><span class="lm-ref-number">\[(?P<number>\d+)\]</span>(?P<entry>.*?)</li>', re.DOTALL
)
CAPTION_OPEN = re.compile(r"^(?P<indent>[ \t]*)///[ \t]*(?P<kind>[\w-]+)?[ \t]*(?:\|[ \t]*(?P<argument>.*?))?[ \t]*$")
CAPTION_CLOSE = re.compile(r"^[ \t]*///[ \t]*$")
FIGURE_REFERENCE = re.compile(r"\[\]\(#(?P<id>[^)\s]+)\)")
ATTRIBUTE_LIST = re.compile(r"[ \t]*\{:?[ \t]*[#.][^{}\n]*\}[ \t]*$", re.MULTILINE)


def readable(markdown: str, page_html: str, title: str) -> tuple[str, str]:
    """``(the page's Markdown as a notebook shows it, the References cell or "")``; ``page_html`` is the page
    as converted (figure numbers and the References list are read from it), ``title`` the page's title,
    whose heading the notebook's first cell already gives."""
    source = Source(markdown)
    numbered, edits, _ = equations.number_equations(source)
    edits += _equation_references(source, numbered)
    cited = _cited(page_html)
    edits += _citations(source, cited)
    edits += _figure_references(source, numbered_figures(page_html))
    edits += _title(source, title)
    text = apply_edits(markdown, _without_overlaps(edits))
    text = _captions(text, Source(text).masked, numbered_figures(page_html))
    text = ATTRIBUTE_LIST.sub("", text)  # `## Heading {#id}`: the id means nothing outside the site
    references = "\n\n".join(f"\\[{number}\\] {entry}" for number, entry in sorted(cited.values()))
    return text, f"## References\n\n{references}" if references else ""


def _equation_references(source: Source, numbered: dict) -> list[tuple[int, int, str]]:
    """``$\\eqref{x}$`` alone becomes ``(n)`` in the text; a reference inside a formula ``\\text{(n)}``."""
    edits = []
    for reference in equations.REFERENCE.finditer(source.masked):
        equation = numbered.get(reference.group("name").strip())
        where = source.math_at(reference.start())
        if equation is None or where is None:
            continue
        shown = equation.shown(reference.group("kind"))
        kind, start, end = where
        if kind == "inline" and equations.ONLY_A_REFERENCE.match(source.masked[start:end]):
            edits.append((start, end, shown))
        else:
            edits.append((reference.start(), reference.end(), f"\\text{{{shown}}}"))
    return edits


def _cited(page_html: str) -> dict[str, tuple[int, str]]:
    """``{entry id: (number, entry as HTML)}`` of the page's References list."""
    return {
        match["id"]: (int(match["number"]), " ".join(match["entry"].split()))
        for match in REFERENCE_ENTRY.finditer(page_html)
    }


def _citations(source: Source, cited: dict[str, tuple[int, str]]) -> list[tuple[int, int, str]]:
    """``[see @key, p. 3]`` becomes ``\\[see 1, p. 3\\]``, with the page's numbers."""
    edits = []
    for start, end, items in citations.find_citations(source):
        parts = []
        for item in items:
            number = cited.get(anchor_for_key(item.key), (None, ""))[0]
            if number is None:
                break
            parts.append(
                " ".join(p for p in (item.prefix, str(number)) if p) + (f", {item.locator}" if item.locator else "")
            )
        else:
            separator = "; " if any(item.locator for item in items) else ", "
            edits.append((start, end, "\\[" + separator.join(parts) + "\\]"))
    return edits


def _figure_references(source: Source, figures: dict[str, str]) -> list[tuple[int, int, str]]:
    return [
        (match.start(), match.end(), figures[match["id"]])
        for match in FIGURE_REFERENCE.finditer(source.prose)
        if match["id"] in figures
    ]


def _title(source: Source, title: str) -> list[tuple[int, int, str]]:
    """The page's own ``# Title`` heading, if the Markdown starts with it: the first cell gives the title."""
    match = re.match(r"\s*(# .*)$", source.masked, re.MULTILINE)
    return [(match.start(1), match.end(1), "")] if match else []


def _captions(text: str, masked: str, figures: dict[str, str]) -> str:
    """Each ``/// caption`` block (``figure-caption``, ``table-caption``, …) as its text, the page's number first."""
    lines, masked_lines = text.split("\n"), masked.split("\n")
    index = 0
    while index < len(lines):
        opening = CAPTION_OPEN.match(masked_lines[index])
        if not opening or not opening["kind"]:
            index += 1
            continue
        close = next((i for i in range(index + 1, len(lines)) if CAPTION_CLOSE.match(masked_lines[i])), None)
        if close is None:
            break
        argument = (opening["argument"] or "").strip()
        number = figures.get(argument.lstrip("#")) if argument.startswith("#") else None
        lines[index] = lines[close] = ""
        first = next((i for i in range(index + 1, close) if lines[i].strip()), None)
        if first is not None and "caption" in opening["kind"]:
            lines[first] = (f"{number}. " if number else "") + lines[first].strip()
        elif first is not None and argument and not argument.startswith("#"):
            lines[index] = f"**{argument}**"  # an admonition's title
        index = close + 1
    return "\n".join(lines)


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept, end = [], -1
    for edit in sorted(edits):
        if edit[0] >= end:
            kept.append(edit)
            end = edit[1]
    return kept
