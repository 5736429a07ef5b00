"""Where, in a post's Markdown, the prose, the code and the math are: positions the other modules can edit.

The scanner does not parse Markdown; it blanks out what must never be rewritten (fenced code, inline code,
HTML comments) with spaces of the same length, so a position in the masked text is the same position in
the original and a line number stays a line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^[ \t>]*(?P<fence>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(?P<tex>.+?)(?<!\\)\$\$", re.DOTALL)
# pymdownx.arithmatex's "smart dollar" rule: no space just inside either dollar.
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)(?P<tex>(?:\\.|[^\\$])+?)(?<!\s)\$")


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def mask_code(markdown: str, inline_code: bool = True) -> str:
    """``markdown`` with fenced code, inline code (unless ``inline_code`` is false) and HTML comments replaced
    by spaces (newlines kept)."""
    lines = markdown.splitlines(keepends=True)
    out, fence = [], None
    for line in lines:
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group("fence")
            out.append(_blank(line))
        elif fence is not None:
            closing = match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence)
            if closing and not line[match.end() :].strip():
                fence = None
            out.append(_blank(line))
        else:
            out.append(line)
    masked = "".join(out)
    for pattern in (HTML_COMMENT, INLINE_CODE) if inline_code else (HTML_COMMENT,):
        masked = pattern.sub(lambda m: _blank(m.group(0)), masked)
    return masked


@dataclass
class Source:
    """A page's Markdown with its code masked, its math located, and a way to name a position's line."""

    markdown: str
    line_offset: int = 0  # lines of front matter above the Markdown, so lines are the file's own
    masked: str = field(init=False)
    displays: list[tuple[int, int]] = field(init=False)  # (start, end) of each $$...$$, delimiters included
    inlines: list[tuple[int, int]] = field(init=False)  # (start, end) of each $...$ outside displays

    def __post_init__(self):
        self.masked = mask_code(self.markdown)
        self.displays = [m.span() for m in DISPLAY_MATH.finditer(self.masked)]
        without_displays = self.masked
        for start, end in self.displays:
            without_displays = without_displays[:start] + _blank(self.masked[start:end]) + without_displays[end:]
        self.inlines = [m.span() for m in INLINE_MATH.finditer(without_displays)]
        self.prose = without_displays
        for start, end in self.inlines:
            self.prose = self.prose[:start] + _blank(self.masked[start:end]) + self.prose[end:]

    def line(self, position: int) -> int:
        return self.line_offset + self.markdown.count("\n", 0, position) + 1

    def math_at(self, position: int) -> tuple[str, int, int] | None:
        """``("display" | "inline", start, end)`` of the formula holding ``position``, if one does."""
        for kind, spans in (("display", self.displays), ("inline", self.inlines)):
            for start, end in spans:
                if start <= position < end:
                    return kind, start, end
        return None


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` applied; edits must not overlap."""
    pieces, last = [], 0
    for start, end, replacement in sorted(edits):
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines of the file ``source`` precede its Markdown body ``markdown`` (its front matter).

    MkDocs drops the front matter and the blank lines after it; the plugins before this one keep the line
    count of the body (they rewrite fence headers in place), so the difference is the offset.
    """
    return max(0, source.count("\n") - markdown.count("\n"))
