"""Find the executable code fences of a page's Markdown, with the line each starts on in the source file.

A fence is read the way SuperFences reads it (its own regular expressions) and judged executable by
markdown-exec's own validator, so this module and the Markdown conversion agree on what runs. Fences
inside other fences (for example a Markdown example showing a snippet) are skipped, as SuperFences does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_exec import validator
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS

LANGUAGES = ("python", "py")
OPENING = re.compile(r"^(?P<indent>[ \t]*)(?=```|~~~)")


@dataclass
class Fence:
    """One executable fence: where it is, its options as written, its code, and markdown-exec's options."""

    index: int  # 0-based line of the opening fence in the page's Markdown
    end: int  # 0-based line of its closing fence (the last line, if it is never closed)
    line: int  # 1-based line of the opening fence in the source file
    language: str
    info: str  # the options as written on the fence line
    code: str
    inputs: dict[str, str]  # every option, as SuperFences parses them
    options: dict = field(default_factory=dict)  # what markdown-exec's validator made of them
    inline: object = None  # an inline value (inline.Inline) rather than a fence


def find_fences(markdown: str, source: str, reserved: tuple[str, ...]) -> list[Fence]:
    """The executable python fences of ``markdown``, in document order.

    ``source`` is the file's full text (front matter included), used to number lines as an editor does.
    Options named in ``reserved`` belong to the caller: markdown-exec's validator does not see them.
    """
    lines = markdown.split("\n")
    fences = []
    index = 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        match = opening and RE_NESTED_FENCE_START.match(lines[index], opening.end())
        if not match:
            index += 1
            continue
        indent, fence = opening["indent"], match["fence"]
        end = _closing_line(lines, index + 1, fence)
        language = match["lang"] or ""
        if language in LANGUAGES:
            inputs = _parse_options(match["options"] or "")
            options: dict = {}
            ordinary = {key: value for key, value in inputs.items() if key not in reserved}
            if validator(language, ordinary, options, {}, None):
                body = [_dedent(line, indent) for line in lines[index + 1 : end]]
                info = (match["options"] or "").strip()
                code = "\n".join(body)
                fences.append(
                    Fence(
                        index=index,
                        end=end,
                        line=0,
                        language=language,
                        info=info,
                        code=code,
                        inputs=inputs,
                        options=options,
                    )
                )
        index = end + 1
    _number_lines(fences, markdown, source)
    return fences


def tag_fences(markdown: str, tags: dict[int, str]) -> str:
    """``markdown`` with ``tags[index]`` (like ``key="value"``) appended to the fence line at each index."""
    lines = markdown.split("\n")
    for index, tag in tags.items():
        lines[index] = f"{lines[index].rstrip()} {tag}"
    return "\n".join(lines)


def _parse_options(text: str) -> dict[str, str]:
    """``key="value"`` pairs as SuperFences reads them; a bare ``key`` means ``key="key"``."""
    return {m["key"]: m["key"] if m["value"] is None else m["value"] for m in RE_OPTIONS.finditer(text)}


def _closing_line(lines: list[str], start: int, fence: str) -> int:
    """The index of the line closing ``fence`` (the same backticks or tildes, alone); the end if unclosed."""
    for index in range(start, len(lines)):
        if lines[index].strip() == fence:
            return index
    return len(lines)


def _dedent(line: str, indent: str) -> str:
    """Remove the fence's own indentation, as SuperFences does for a fence inside a container block."""
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def _number_lines(fences: list[Fence], markdown: str, source: str) -> None:
    """Set each fence's ``line`` in the source file, whose front matter the Markdown no longer has."""
    if source.endswith(markdown):
        offset = source[: len(source) - len(markdown)].count("\n")
        for fence in fences:
            fence.line = offset + fence.index + 1
        return
    # A plugin changed the Markdown: take the next source line, in order, that reads like the fence's.
    lines, source_lines = markdown.split("\n"), source.split("\n")
    position = 0
    for fence in fences:
        for number in range(position, len(source_lines)):
            if source_lines[number] == lines[fence.index]:
                fence.line, position = number + 1, number + 1
                break
        else:
            fence.line = fence.index + 1
