"""What the build caches key their entries with: one hash of plain data, the table of contents as data, and
the version of an installed package."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata


def key_of(value) -> str:
    """SHA-256 of ``value`` as JSON (sorted keys; anything else as its ``str``)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def toc_tokens(toc) -> list[dict]:
    """A table of contents (or a list of its items) as the tokens ``get_toc`` makes it from."""
    return [{"name": a.title, "id": a.id, "level": a.level, "children": toc_tokens(a.children)} for a in toc]


def version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
