"""Where the build keeps its caches, and how a cache file is written so that a reader never sees half of it."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.live_math")
_unusable: set[Path] = set()  # cache folders already reported in this build
_reporting = threading.Lock()


def cache_dir(project: Path, option: str) -> Path:
    """Where build caches live: ``$BLOG_CACHE_DIR`` (for CI and the bench), else the ``cache_dir`` option,
    relative to ``project`` (the folder of ``mkdocs.yml``)."""
    return Path(os.environ.get("BLOG_CACHE_DIR") or project / option)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    handle, temporary = _temporary_beside(path)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    handle, temporary = _temporary_beside(path)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in ``path``'s folder, made first if missing. A cache writes many files into one
    folder: trying first spares each write a mkdir that fails and a stat, as it did in every write before."""
    try:
        return tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")


def store(path: Path, data: str | bytes, folder: Path) -> bool:
    """``write_atomically`` (``write_atomically_bytes`` for bytes); if the cache ``folder`` cannot take it
    (read-only, a file where a folder should be, or the reverse), say so once per build and return False:
    the build goes on without caching."""
    try:
        if isinstance(data, bytes):
            write_atomically_bytes(path, data)
        else:
            write_atomically(path, data)
        return True
    except OSError as error:
        with _reporting:
            if folder not in _unusable:
                _unusable.add(folder)
                # INFO, not WARNING: strict builds turn warnings into failures, and a cache that cannot be
                # written costs time, never correctness; the message says what is wrong and how to fix it.
                log.info(
                    f"live-math: the build cache at {folder} cannot be used ({type(error).__name__}: {error});"
                    " building without it. Make that folder writable, delete what is in its way,"
                    " or point cache_dir (or BLOG_CACHE_DIR) at a folder of its own."
                )
        return False


class LaterWrites:
    """Cache files, and the site's notebook zips, written on a thread of their own, so that a build does not
    wait for the disk (in a cold build, a temporary file, a write and a rename per snippet output; a folder
    and a zip per post). Nothing reads them back during the build that wrote them (each cache keeps what it
    wrote in memory; the site's links are checked once every page is written, after :meth:`wait`), which is
    called before the build ends, so the next build, or a test, finds every file in place."""

    def __init__(self):
        self._thread: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        self._lock = threading.Lock()

    def store(self, path: Path, data: str | bytes, folder: Path) -> None:
        """:func:`store` ``data`` at ``path`` soon; skipped once ``folder`` was found unusable in this build."""
        self._submit(_store_if_usable, path, data, folder)

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` to the site's file ``path`` soon, making its folder if missing. Unlike a cache file,
        the site needs it: an error writing it is raised by :meth:`wait`."""
        self._submit(_write_file, path, data)

    def wait(self) -> None:
        """Return once every file handed over is written (or its cache reported unusable); then raise the
        first error a site file met."""
        with self._lock:
            pending, self._pending = self._pending, []
        errors = [error for error in (write.exception() for write in pending) if error is not None]
        if errors:
            raise errors[0]

    def _submit(self, function, *args) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-math later writes")
            self._pending.append(self._thread.submit(function, *args))


def _store_if_usable(path: Path, data: str | bytes, folder: Path) -> None:
    with _reporting:
        if folder in _unusable:
            return
    store(path, data, folder)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


later = LaterWrites()  # one per process: the build under way, or under `mkdocs serve` each build in turn


def new_build() -> None:
    """Report an unusable cache again in the next build (`mkdocs serve` rebuilds in one process)."""
    with _reporting:
        _unusable.clear()
