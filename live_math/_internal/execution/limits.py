"""What a snippet may take: seconds, memory and printed bytes, as written in mkdocs.yml or on a fence.

Sizes read like ``2 GiB``, ``512MiB``, ``1.5G`` or a plain number of bytes; K, M and G (with or without
``iB``) count in powers of 1024, KB, MB and GB in powers of 1000.
"""

from __future__ import annotations

import math
import re

UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "kb": 10**3, "mb": 10**6, "gb": 10**9}
UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "tb": 10**12}
SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-zA-Z]*)\s*$")


def parse_size(value) -> int | None:
    """``value`` (an int of bytes, or text such as ``2 GiB``) as a positive number of bytes, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    match = SIZE.match(str(value))
    if not match or match["unit"].lower() not in UNITS:
        return None
    size = int(float(match["number"]) * UNITS[match["unit"].lower()])
    return size if size > 0 else None


def format_size(size: int) -> str:
    """``size`` bytes the way a person would write it: ``2 GiB``, ``1.5 MiB``, ``300 bytes``."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}"
    return f"{size} bytes"


def parse_seconds(text) -> float | None:
    """``text`` as a positive, finite number of seconds, else None."""
    try:
        seconds = float(text)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 and math.isfinite(seconds) else None
