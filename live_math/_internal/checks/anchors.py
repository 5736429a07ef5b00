"""Check links to anchors, listing the anchors that do exist on the target page, closest first.

MkDocs' own check says only that an anchor is missing. The plugin takes it over: it lowers MkDocs'
message to DEBUG (``take_over``) and, once every page is rendered, reports each missing anchor at the
level ``validation: anchors:`` asks for, with the source line of the link and the page's anchors.
"""

from __future__ import annotations

import difflib
import logging
import os
from pathlib import Path

from live_math._internal.checks.report import Report
from live_math._internal.config import project_dir

log = logging.getLogger("mkdocs.plugins.live_math")


def take_over(config) -> int:
    """Silence MkDocs' anchor check; return the level it was configured at."""
    level = config.validation.links.anchors
    config.validation.links.anchors = logging.DEBUG
    return level


def closest(anchor: str, present: set[str], limit: int = 8) -> list[str]:
    """Up to ``limit`` of ``present``, the most similar to ``anchor`` first (ties by name)."""
    score = {a: difflib.SequenceMatcher(None, anchor, a).ratio() for a in present}
    return sorted(present, key=lambda a: (-score[a], a))[:limit]


def link_line(file, link: str) -> int | None:
    """The line of ``file``'s source where ``link`` is written, if it can be found."""
    try:
        text = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
    except (OSError, TypeError, ValueError):
        return None
    for needle in (f"({link})", f'"{link}"', link):
        index = text.find(needle)
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return None


def check_anchors(files, config, level: int, report: Report) -> None:
    """Report (or log at ``level``) every link to an anchor that its target page does not have."""
    if level <= logging.DEBUG:
        return
    project = project_dir(config)
    as_error = level >= logging.ERROR or (level >= logging.WARNING and config.strict)
    for file in files.documentation_pages():
        page = file.page
        if page is None or not page.links_to_anchors:
            continue
        for target, links in page.links_to_anchors.items():
            present = target.page.present_anchor_ids if target.page else None
            if present is None:
                continue
            for anchor, link in links.items():
                if anchor in present:
                    continue
                label = os.path.relpath(file.abs_src_path, project)
                line = link_line(file, link)
                on = "this page" if target == file else target.src_uri
                what = f"link '{link}': {on} has no anchor '#{anchor}'"
                options = closest(anchor, present)
                fix = (
                    f"anchors of {on}, closest first: " + ", ".join(f"#{a}" for a in options)
                    if options
                    else f"{on} has no anchors at all; link to the page without '#{anchor}'"
                )
                if as_error:
                    report.add(f"{label}:{line}" if line else label, what, fix)
                else:
                    log.log(level, f"{label}:{line or ''}: {what}; {fix}")
