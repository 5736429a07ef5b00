"""Numbered equations: ``\\label`` in display math numbers it, ``\\eqref``/``\\ref`` link to it.

KaTeX has no ``\\label``, ``\\ref`` or ``\\eqref`` but has ``\\tag``, so the Markdown is rewritten before it
is converted: each ``\\label{name}`` becomes ``\\tag{n}`` (1, 2, … in page order), a formula that is only a
reference (``$\\eqref{name}$``) becomes a Markdown link "(n)", and a reference inside a larger formula becomes
``\\href{#name}{(n)}``. A display with a manual ``\\tag{…}`` keeps it, takes no automatic number, and no
automatic number repeats a manual one. After conversion, :func:`anchor_equations` gives each labelled
display its id, so the links land on it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from live_math._internal.math.katex import MATH_ELEMENT
from live_math._internal.writing.cards import xref_link
from live_math._internal.writing.source import Source

LABEL = re.compile(r"\\label\s*\{(?P<name>[^{}]*)\}")
REFERENCE = re.compile(r"\\(?P<kind>eqref|ref)\s*\{(?P<name>[^{}]*)\}")
TAG = re.compile(r"\\tag(?P<star>\*?)\s*\{(?P<text>(?:[^{}]|\{[^{}]*\})*)\}")
VALID_NAME = re.compile(r"[A-Za-z][\w:.-]*\Z")
ONLY_A_REFERENCE = re.compile(r"\$\s*\\(?P<kind>eqref|ref)\s*\{(?P<name>[^{}]*)\}\s*\$\Z")


@dataclass(frozen=True)
class Equation:
    label: str
    tag: str  # what the display shows, without parentheses: "3", or a manual tag's text
    starred: bool  # \tag*{…}: shown without parentheses, and so referred to without them
    line: int

    def shown(self, kind: str) -> str:
        """The reference text: ``(3)`` for ``\\eqref``, ``3`` for ``\\ref`` (a starred tag as written)."""
        return self.tag if kind == "ref" or self.starred else f"({self.tag})"


def number_equations(source: Source) -> tuple[dict[str, Equation], list[tuple[int, int, str]], list[str]]:
    """Number the labelled displays of ``source``: ``(equations by label, edits to the Markdown, errors)``."""
    manual = set()
    for start, end in source.displays:
        manual.update(m.group("text").strip() for m in TAG.finditer(source.masked, start, end))
    equations: dict[str, Equation] = {}
    edits, errors = [], []
    number = 0
    for label in LABEL.finditer(source.masked):
        line = source.line(label.start())
        name = label.group("name").strip()
        where = source.math_at(label.start())
        if where is None or where[0] != "display":
            errors.append(f"{line}: \\label{{{name}}} is outside display math: only a $$ … $$ display can be numbered")
            edits.append((label.start(), label.end(), ""))  # reported once: KaTeX, which has no \label, is not asked
            continue
        if not VALID_NAME.match(name):
            errors.append(
                f"{line}: \\label{{{name}}}: a label starts with a letter and holds only letters, digits"
                " and : . - _ (it becomes the equation's address, e.g. eq:loss)"
            )
            edits.append((label.start(), label.end(), ""))
            continue
        if name in equations:
            errors.append(
                f"{line}: \\label{{{name}}} is defined twice, on lines {equations[name].line} and {line};"
                " give each equation its own label"
            )
            edits.append((label.start(), label.end(), ""))
            continue
        _, start, end = where
        labels_here = [m for m in LABEL.finditer(source.masked, start, end)]
        if labels_here[0].start() != label.start():
            errors.append(f"{line}: \\label{{{name}}}: a display takes one \\label, and this one already has one")
            edits.append((label.start(), label.end(), ""))
            continue
        tag = TAG.search(source.masked, start, end)
        if tag:
            equation = Equation(name, tag.group("text").strip(), bool(tag.group("star")), line)
            replacement = ""
        else:
            number += 1
            while str(number) in manual:
                number += 1
            equation = Equation(name, str(number), False, line)
            replacement = f"\\tag{{{number}}}"
        equations[name] = equation
        edits.append((label.start(), label.end(), replacement))
    return equations, edits, errors


def link_references(source: Source, equations: dict[str, Equation]) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Edits turning every ``\\eqref``/``\\ref`` into a link to its equation, and the errors for unknown labels."""
    edits, errors = [], []
    for reference in REFERENCE.finditer(source.masked):
        kind, name = reference.group("kind"), reference.group("name").strip()
        line = source.line(reference.start())
        where = source.math_at(reference.start())
        if where is None:
            written = f"\\{kind}{{{name}}}"
            errors.append(f"{line}: {written} is outside math: write it as ${written}$")
            continue
        equation = equations.get(name)
        if equation is None:
            known = ", ".join(equations) if equations else "none (label a display with \\label{eq:name})"
            errors.append(f"{line}: \\{kind}{{{name}}}: no equation of this post is labelled '{name}'; labels: {known}")
            edits.append((reference.start(), reference.end(), "\\text{(??)}"))  # as LaTeX shows it; reported once
            continue
        kind_of_math, start, end = where
        if kind_of_math == "inline" and ONLY_A_REFERENCE.match(source.masked[start:end]):
            edits.append((start, end, xref_link(equation.shown(kind), name, "equation")))
        else:
            text = equation.shown(kind)
            edits.append((reference.start(), reference.end(), f"\\href{{#{name}}}{{\\text{{{text}}}}}"))
    return edits, errors


def anchor_equations(page_html: str, equations: dict[str, Equation]) -> tuple[str, list[str]]:
    """Wrap each labelled display of ``page_html`` in an element whose id is its label.

    The display is found by the tag its ``\\label`` became; the wrapper leaves arithmatex's element intact
    for KaTeX. Returns the new HTML and the ids it added.
    """
    by_tag = {(e.tag, e.starred): e.label for e in equations.values()}
    added: list[str] = []
    pieces, last = [], 0
    for match in MATH_ELEMENT.finditer(page_html):
        tex = match.group("display")
        if tex is None:
            continue
        tag = TAG.search(html.unescape(tex))
        label = tag and by_tag.get((tag.group("text").strip(), bool(tag.group("star"))))
        if not label or label in added:
            continue
        pieces.append(page_html[last : match.start()])
        pieces.append(f'<div class="lm-equation" id="{html.escape(label)}">{match.group(0)}</div>')
        last = match.end()
        added.append(label)
    pieces.append(page_html[last:])
    return "".join(pieces), added
