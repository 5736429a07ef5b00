"""Remember on disk what each snippet printed, keyed by everything that can change it.

A key is a SHA-256 of: the snippet's fence options and code; the options and code of the blocks before it
in the same session of its page (they made the state it runs in); every file under ``snippets/`` (helper
modules and data files); the Python version and the versions of the packages whose output a post shows.
Anything else (prose, other posts, other sessions, line numbers) leaves the key alone.

Each entry is one JSON file, written to a temporary file and renamed into place, so a reader sees a
whole entry or none. An entry that cannot be read or does not match its key counts as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path

# Raise when what is stored, or how snippets are run, changes meaning: older entries then stop matching.
FORMAT = 1
PACKAGES = ("markdown-exec", "numpy", "matplotlib")


def environment_fingerprint(snippets_dir: Path) -> str:
    """A hash of the interpreter, the PACKAGES' versions and every file under ``snippets_dir``."""
    digest = hashlib.sha256()
    versions = {name: _version(name) for name in PACKAGES}
    digest.update(json.dumps([FORMAT, sys.version, versions]).encode())
    if snippets_dir.is_dir():
        for path in sorted(snippets_dir.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(snippets_dir).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def block_key(fingerprint: str, earlier: list[str], block: str) -> str:
    """The key of ``block`` (its fence options and code), run after the ``earlier`` blocks of its session."""
    return hashlib.sha256(json.dumps([fingerprint, earlier, block]).encode()).hexdigest()


class ExecutionCache:
    """Snippet outputs stored as ``<directory>/<key[:2]>/<key>.json``."""

    def __init__(self, directory: Path):
        self.directory = directory

    def get(self, key: str) -> str | None:
        """The output stored under ``key``, or None if there is none or the entry is unreadable."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("output"), str):
            return None
        return entry["output"]

    def put(self, key: str, output: str, location: str) -> None:
        """Store ``output`` under ``key``; ``location`` (file:line) is kept only to help a human reading it."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = json.dumps({"key": key, "location": location, "output": output}, ensure_ascii=False)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as f:
            f.write(entry)
        os.replace(f.name, path)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
