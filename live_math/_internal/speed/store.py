"""One SQLite file for the build caches, instead of a file per entry.

Each entry is ``(kind, key) -> text``. A build opens the store, reads and writes during the build, and
commits once at the end (:meth:`Store.end_build`), when the entries of ``prune`` kinds that this build did not
use are dropped, so the file holds what the last build needed rather than every version of every page. (Only
when there are enough of them to matter: telling SQLite which thousands of entries were used costs more than
the odd stale entry.) A store that cannot be opened (a corrupt or foreign file)
is replaced by an empty one: a cache miss costs time, never correctness.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.live_math")

SCHEMA = 1  # raise when the table's layout changes: an older file is then started afresh


class Store:
    """``(kind, key) -> text`` in ``path`` (SQLite, write-ahead log, one transaction per build)."""

    def __init__(self, path: Path):
        self.path = path
        self.build = time.time_ns()
        self.used: set[tuple[str, str]] = set()
        self.connection = self._open()

    def get(self, kind: str, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        if row is None:
            return None
        self.used.add((kind, key))
        return row[0]

    def put(self, kind: str, key: str, value: str) -> None:
        self.used.add((kind, key))
        self.connection.execute(
            "INSERT OR REPLACE INTO entries (kind, key, value, build) VALUES (?, ?, ?, ?)",
            (kind, key, value, self.build),
        )

    def items(self, kind: str) -> list[tuple[str, str]]:
        """Every ``(key, value)`` of ``kind``, in one query (not marked as used: such kinds are not pruned)."""
        return self.connection.execute("SELECT key, value FROM entries WHERE kind = ?", (kind,)).fetchall()

    def delete(self, kind: str, keys: list[str]) -> None:
        self.connection.executemany("DELETE FROM entries WHERE kind = ? AND key = ?", ((kind, key) for key in keys))

    def delete_kind(self, kind: str) -> None:
        self.connection.execute("DELETE FROM entries WHERE kind = ?", (kind,))

    def end_build(self, prune: tuple[str, ...] = ()) -> None:
        """Drop the entries of the ``prune`` kinds that this build did not use, once they are a quarter of what
        it used, and commit."""
        connection = self.connection
        if prune:
            marks = ", ".join("?" * len(prune))
            stored = connection.execute(f"SELECT count(*) FROM entries WHERE kind IN ({marks})", prune).fetchone()[0]
            used = [entry for entry in self.used if entry[0] in prune]
            if stored - len(used) > max(len(used) // 4, 20):
                connection.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS used (kind TEXT, key TEXT, PRIMARY KEY (kind, key))"
                )
                connection.execute("DELETE FROM used")
                connection.executemany("INSERT OR IGNORE INTO used VALUES (?, ?)", used)
                connection.execute(
                    f"DELETE FROM entries WHERE kind IN ({marks}) AND (kind, key) NOT IN (SELECT kind, key FROM used)",
                    prune,
                )
        connection.commit()

    def close(self) -> None:
        self.connection.close()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            log.info(f"build cache {self.path} is unreadable ({error}): starting an empty one")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        # A second build of the same project (serve beside `make build`) waits for the other's commit.
        connection = sqlite3.connect(self.path, timeout=30, isolation_level="DEFERRED")
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # a crash may lose the last build's entries, no more
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA:
                connection.execute("DROP TABLE IF EXISTS entries")
                connection.execute(f"PRAGMA user_version = {SCHEMA}")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS entries"
                " (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, build INTEGER NOT NULL,"
                " PRIMARY KEY (kind, key)) WITHOUT ROWID"
            )
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection
