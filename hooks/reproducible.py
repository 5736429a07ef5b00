"""Date the build by the last commit, so two builds of the same commit are byte-identical.

MkDocs (sitemap), the RSS plugin (the feed's pubDate and lastBuildDate) and matplotlib (SVG metadata)
all read ``SOURCE_DATE_EPOCH`` when it is set and the clock otherwise. When it is unset this hook sets it
from ``git log -1``, so a plain ``mkdocs build`` is reproducible too; outside a git checkout the clock is
used.
"""

import os
import subprocess
from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)


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


@event_priority(100)  # before the RSS plugin's on_config, which reads the build date
def on_config(config):
    if "SOURCE_DATE_EPOCH" not in os.environ:
        epoch = last_commit_epoch(Path(config.config_file_path).parent)
        if epoch:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        else:
            log.info("not a git checkout: feed and sitemap dates come from the clock")
    return config
