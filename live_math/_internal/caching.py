"""Where the build keeps its caches, and how a cache file is written so that a reader never sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir(project: Path, option: str) -> Path:
    """Where build caches live: ``$BLOG_CACHE_DIR`` (for CI and the bench), else the ``cache_dir`` option,
    relative to ``project`` (the folder of ``mkdocs.yml``)."""
    return Path(os.environ.get("BLOG_CACHE_DIR") or project / option)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
