"""Check the figures on a page: markup printed as Markdown, and backgrounds that vanish in dark mode.

A snippet that prints an ``<svg>`` without ``html="true"`` has its output read as Markdown: every blank
line inside the SVG splits it into paragraphs and the plot breaks. A figure with matplotlib's default
opaque white background is a white block on the dark palette, with the page's light text drawn on it.
"""

from __future__ import annotations

import re

# Elements Markdown does not treat as HTML blocks, so printed as Markdown they end up inside a <p>.
INLINE_CONTAINERS = "svg|math|canvas|video|audio|picture|object|iframe"
IN_PARAGRAPH = re.compile(rf"<p>\s*<({INLINE_CONTAINERS})\b", re.I)
SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
SHAPE = re.compile(r"<(?:path|rect|polygon|circle|ellipse)\b[^>]*>", re.I)
WHITE = re.compile(r"^(?:white|#fff|#ffffff|#ffffffff|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))$", re.I)
EXEC_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})\s*py(?:thon)?\b(?P<options>[^\n]*)$", re.M)


def printed_markup(content: str) -> list[str]:
    """The names of elements that Markdown split into paragraphs: output that needed ``html="true"``.

    Whole, such an element may sit in a paragraph (``html="true"`` output does: ``<p><svg>…</svg></p>``);
    read as Markdown, the first blank line inside it ends the paragraph before the element ends.
    """
    broken = []
    for match in IN_PARAGRAPH.finditer(content):
        name = match[1].lower()
        closed = content.lower().find(f"</{name}>", match.end())
        paragraph_end = content.find("</p>", match.end())
        if closed < 0 or 0 <= paragraph_end < closed:
            broken.append(name)
    return broken


def _paint(shape: str) -> tuple[str, bool]:
    """(fill colour, drawn at all) of an SVG shape's start tag, from its attributes and style."""
    style = dict(
        (k.strip().lower(), v.strip())
        for k, _, v in (d.partition(":") for d in (re.search(r'style="([^"]*)"', shape) or ["", ""])[1].split(";"))
        if k.strip()
    )
    fill = style.get("fill") or (re.search(r'\sfill="([^"]*)"', shape) or [None, "black"])[1]
    invisible = any(style.get(k, "").strip() in {"0", "0.0"} for k in ("opacity", "fill-opacity"))
    return fill.strip(), not invisible and fill.strip().lower() not in {"none", "transparent"}


def opaque_white_figures(content: str) -> int:
    """How many SVGs of ``content`` paint a white background first (matplotlib's default figure or axes)."""
    if "<svg" not in content:
        return 0
    count = 0
    for svg in SVG.finditer(content):
        for shape in SHAPE.finditer(svg[0]):
            fill, drawn = _paint(shape[0])
            if drawn:
                count += bool(WHITE.match(fill))
                break
    return count


def snippet_line(markdown: str, wanted: str) -> int | None:
    """The line of the first executed Python fence without ``html="true"`` whose code mentions ``wanted``
    (or any such fence, if none mentions it): where printed markup most likely came from."""
    candidates = []
    for match in EXEC_FENCE.finditer(markdown):
        options = match["options"]
        if 'exec="' not in options or re.search(r'html="(?:1|on|true|yes)"', options, re.I):
            continue
        end = markdown.find("\n" + match[1], match.end())
        code = markdown[match.end() : end if end >= 0 else None]
        line = markdown.count("\n", 0, match.start()) + 1
        if wanted.lower() in code.lower():
            return line
        candidates.append(line)
    return candidates[0] if candidates else None


def background_line(markdown: str) -> int | None:
    """The line of the first executed fence that draws a figure (mentions matplotlib, Figure or savefig)."""
    for match in EXEC_FENCE.finditer(markdown):
        end = markdown.find("\n" + match[1], match.end())
        code = markdown[match.end() : end if end >= 0 else None]
        if re.search(r"matplotlib|Figure|savefig|pyplot|plotting", code):
            return markdown.count("\n", 0, match.start()) + 1
    return None
