"""Check the Markdown sources before anything reads them: encoding, code fences, front matter keys, URLs.

Run before MkDocs and the blog plugin open the files (``on_pre_build``), so a file saved as Latin-1 is
named with its line and byte instead of failing as a traceback that names no file, and before any snippet
runs, so a fence left open is reported at its first line instead of as a SyntaxError in the prose after it.
Two pages that resolve to the same URL are found once the blog has given posts their URLs (``on_nav``).
"""

from __future__ import annotations

import difflib
import os
import re
from collections import defaultdict
from pathlib import Path

from live_math._internal.checks.front_matter import FRONT_MATTER, read_front_matter
from live_math._internal.checks.report import Report, shorten
from live_math._internal.config import project_dir

# What `make post` writes when no description is given (scripts/new_post.py imports it from here).
PLACEHOLDER_DESCRIPTION = "One sentence that says what the reader will learn (edit me: listings, feed, search)."

# Front matter keys something reads, by reader. The blog's post keys are added from its own schema.
KNOWN_KEYS = {
    "MkDocs": {"title", "template"},
    "Material": {"description", "hide", "icon", "status", "subtitle", "search", "social"},
    "Material's blog": {"date", "authors", "categories", "draft", "pin", "links", "readtime", "slug"},
    "the tags plugin": {"tags"},
    "the RSS plugin": {"author", "authors", "description", "draft", "image", "illustration", "rss"},
    "live-math's writing": {"bibliography"},
}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def markdown_sources(docs_dir: Path) -> list[Path]:
    """The Markdown files MkDocs would read: every ``*.md`` under ``docs_dir`` outside hidden folders."""
    found = []
    for folder, folders, names in os.walk(docs_dir):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [Path(folder) / n for n in sorted(names) if n.endswith(".md") and not n.startswith(".")]
    return found


def decode(data: bytes, label: str, report: Report) -> str | None:
    """The file's text, or None after reporting where it stops being UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        report.add(
            f"{label}:{line}",
            f"not UTF-8: byte 0x{data[error.start]:02x} (column {column}, byte {error.start} of the file) "
            "cannot be read as UTF-8",
            "save it as UTF-8 (most editors: 'Save with encoding' → UTF-8), then check the characters on that line",
        )
        return None


def unclosed_fence(text: str, first_line: int = 1) -> tuple[int, str] | None:
    """(line, opening line) of a code fence that is opened and never closed, if there is one."""
    opened = None
    for number, line in enumerate(text.split("\n"), start=first_line):
        match = FENCE.match(line)
        if not match:
            continue
        fence = match["fence"]
        if opened is None:
            opened = (number, line.strip(), fence)
        elif fence[0] == opened[2][0] and len(fence) >= len(opened[2]) and not match["info"].strip():
            opened = None
    return opened[:2] if opened else None


def known_keys(config) -> dict[str, str]:
    """Every front matter key something in this site reads, with the reader's name."""
    readers = dict(KNOWN_KEYS)
    try:
        from material.plugins.blog.structure.config import PostConfig

        readers["Material's blog"] = readers["Material's blog"] | set(PostConfig().keys())
    except ImportError:  # pragma: no cover - a site without Material
        pass
    rss = next((p for name, p in config.plugins.items() if name.split("/")[-1] == "rss"), None)
    if rss is not None:
        dates = rss.config.date_from_meta
        fields = [dates.as_creation, dates.as_update, *(rss.config.categories or [])]
        readers["the RSS plugin"] = readers["the RSS plugin"] | {str(f).split(".")[0] for f in fields if f != "git"}
    return {key: reader for reader, keys in readers.items() for key in keys}


def check_front_matter_keys(text: str, label: str, known: dict[str, str], report: Report) -> None:
    """Report keys nothing reads (with the closest known key) and the placeholder description of `make post`."""
    match = FRONT_MATTER.match(text)
    if not match:
        return
    try:
        meta, _ = read_front_matter(text)
    except ValueError:
        return  # the front matter check says what is wrong with the YAML
    lines = match.group(1).split("\n")
    for key in meta:
        if not isinstance(key, str) or key in known:
            continue
        line = next((i + 2 for i, text_ in enumerate(lines) if text_.startswith(f"{key}:")), 1)
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        fix = (
            f"did you mean `{close[0]}:` (read by {known[close[0]]})?"
            if close
            else f"remove it; keys that are read: {', '.join(sorted(known))}"
        )
        report.add(f"{label}:{line}", f"front matter key `{key}:` is read by nothing, so it has no effect", fix)
    if meta.get("description") == PLACEHOLDER_DESCRIPTION:
        line = next((i + 2 for i, text_ in enumerate(lines) if text_.startswith("description:")), 1)
        report.add(
            f"{label}:{line}",
            "description: still the placeholder that `make post` wrote",
            "replace it with one sentence saying what the reader will learn (shown in listings, the feed and search)",
        )


def check_sources(config, report: Report, *, fences: bool = True, front_matter: bool = True) -> None:
    """Check every Markdown source of the site: its encoding, and its code fences and front matter keys
    unless turned off (checks.sources, checks.front_matter)."""
    project = project_dir(config)
    known = known_keys(config)
    for path in markdown_sources(Path(config.docs_dir)):
        label = os.path.relpath(path, project)
        text = decode(path.read_bytes(), label, report)
        if text is None:
            continue
        if fences and (fence := unclosed_fence(text)):
            line, opening = fence
            report.add(
                f"{label}:{line}",
                f"code fence opened here ({shorten(opening, 60)}) is never closed, "
                "so everything after it is shown as code (or run as a snippet)",
                f"close it with a line `{FENCE.match(opening)['fence']}` after its last line of code",
            )
        if front_matter:
            check_front_matter_keys(text, label, known, report)


def check_unique_urls(files, config, report: Report) -> None:
    """Report pages (posts included) that the build would write to the same URL: the later one replaces the other."""
    project = project_dir(config)
    by_url = defaultdict(list)
    for file in files.documentation_pages():
        by_url[file.url].append(file)
    for url, same in by_url.items():
        if len(same) < 2:
            continue
        labels = sorted(os.path.relpath(f.abs_src_path, project) for f in same)
        for label in labels[1:]:
            report.add(
                label,
                f"resolves to the URL /{url} like {labels[0]}, so one page would replace the other",
                "give one of them another `slug:` in its front matter (or another title, date or file name)",
            )
