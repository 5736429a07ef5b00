"""Date the build by the last commit, so two builds of the same commit are byte-identical.

MkDocs (sitemap), the RSS plugin (the feed's pubDate and lastBuildDate) and matplotlib (SVG metadata)
all read ``SOURCE_DATE_EPOCH`` when it is set and the clock otherwise. When it is unset the plugin sets it
from ``git log -1`` before the other plugins read their configuration, so a plain ``mkdocs build`` is
reproducible too; outside a git checkout the clock is used.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def last_commit_epoch(project: Path) -> str | None:
    """Seconds since the epoch of the last commit of the repository holding ``project``, if there is one."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=project, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    epoch = result.stdout.strip()
    return epoch if epoch.isdigit() else None


def date_build_by_last_commit(project: Path) -> bool:
    """Set ``SOURCE_DATE_EPOCH`` from the last commit unless it is set; False if there is no commit to use."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return True
    epoch = last_commit_epoch(project)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    return epoch is not None
