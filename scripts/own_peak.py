"""Run MkDocs' command line in this process, then write this process's own peak resident set (KiB) to a file.

Usage: python scripts/own_peak.py PEAK_FILE mkdocs-arguments...

The bench cannot take a build's peak from ``ru_maxrss``: Linux keeps, across exec, the high-water mark of the
process image a child replaced, so every build started from the bench would weigh at least what the bench
weighed when it forked. ``VmHWM`` in /proc/self/status is the high-water mark of this image alone.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys
from pathlib import Path


def write_peak(path: str) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            Path(path).write_text(line.split()[1])


if __name__ == "__main__":
    atexit.register(write_peak, sys.argv[1])
    sys.argv = ["mkdocs", *sys.argv[2:]]
    sys.path[0] = os.getcwd()  # what `python -m mkdocs` sees first, rather than this scripts/ folder
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
