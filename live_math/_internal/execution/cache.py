"""Remember on disk what each snippet printed, keyed by everything that can change it.

A key is a SHA-256 of: the snippet's fence options and code; the options and code of the blocks before it
in the same session of its page (they made the state it runs in); every file of the helper folders (the
``helpers`` option: modules and data files); the Python version and the versions of the packages whose
output a post shows (the ``cache_packages`` option).
Anything else (prose, other posts, other sessions, line numbers) leaves the key alone.

An entry may also hold the HTML markdown-exec made of the output, so that a warm build does not convert it
again (each conversion costs markdown-exec a new Markdown instance with every extension of the site). That
HTML is tagged with a second key, ``rendering_key``: the fence's options, the site's Markdown extensions and
their settings, and the versions of the packages that render; when it differs, the HTML is made afresh.

Each entry is one JSON file, written to a temporary file and renamed into place, so a reader sees a
whole entry or none. An entry that cannot be read or does not match its key counts as missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from live_math._internal.caching import later

# Raise when what is stored, or how snippets are run, changes meaning: older entries then stop matching.
FORMAT = 1
RENDERING_PACKAGES = ("markdown", "markdown-exec", "pymdown-extensions", "pygments")


def environment_fingerprint(helper_dirs: list[Path], packages: list[str]) -> str:
    """A hash of the interpreter, the ``packages``' versions and every file under the ``helper_dirs``."""
    digest = hashlib.sha256()
    versions = {name: _version(name) for name in packages}
    digest.update(json.dumps([FORMAT, sys.version, versions]).encode())
    for folder in helper_dirs:
        digest.update(folder.name.encode() + b"\0")
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def block_key(fingerprint: str, earlier: list[str], block: str) -> str:
    """The key of ``block`` (its fence options and code), run after the ``earlier`` blocks of its session."""
    return hashlib.sha256(json.dumps([fingerprint, earlier, block]).encode()).hexdigest()


def markdown_fingerprint(extensions: list, configs: dict) -> str:
    """A hash of the site's Markdown extensions (``config.markdown_extensions``), their settings
    (``config.mdx_configs``) and the RENDERING_PACKAGES' versions: what turns a printed output into HTML."""
    versions = {name: _version(name) for name in RENDERING_PACKAGES}
    return _hash([FORMAT, extensions, configs, versions])


def rendering_key(markdown: str, language: str, options: dict) -> str:
    """The key of a fence's HTML: the ``markdown_fingerprint``, the fence's language and markdown-exec's options."""
    return _hash([markdown, language, options])


@dataclass(frozen=True)
class Entry:
    """What a snippet printed and, once rendered, the HTML made of it under the ``rendering`` key, and how many
    conversions markdown-exec counted making it (it numbers ids by that count)."""

    output: str
    rendering: str | None = None
    html: str | None = None
    conversions: int = 0


class ExecutionCache:
    """Snippet outputs stored as ``<directory>/<key[:2]>/<key>.json``; one instance per build."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.known: dict[str, Entry | None] = {}  # what this build read or wrote: pages are planned twice

    def get(self, key: str) -> Entry | None:
        """The entry stored under ``key``, or None if there is none or it is unreadable or malformed."""
        if key not in self.known:
            self.known[key] = self._read(key)
        return self.known[key]

    def _read(self, key: str) -> Entry | None:
        try:
            stored = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("output"), str):
            return None
        rendering, html, conversions = stored.get("rendering"), stored.get("html"), stored.get("conversions")
        if not (isinstance(rendering, str) and isinstance(html, str) and type(conversions) is int):
            return Entry(stored["output"])  # no HTML stored, or not whole: the output alone is still good
        return Entry(stored["output"], rendering, html, conversions)

    def put(self, key: str, entry: Entry, location: str) -> None:
        """Store ``entry`` under ``key``; ``location`` (file:line) is kept only to help a human reading it."""
        self.known[key] = entry
        stored = {"key": key, "location": location, "output": entry.output}
        if entry.html is not None:
            stored |= {"rendering": entry.rendering, "html": entry.html, "conversions": entry.conversions}
        later.store(self._path(key), json.dumps(stored, ensure_ascii=False), self.directory.parent)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=stable_repr).encode()).hexdigest()


def stable_repr(value) -> str:
    """``repr(value)`` without memory addresses, which differ from one build to the next."""
    if callable(value) and hasattr(value, "__qualname__"):  # e.g. SuperFences' format and validator functions
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
