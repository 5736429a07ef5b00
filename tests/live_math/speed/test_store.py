"""The build caches' SQLite store (live_math/_internal/speed/store.py): what a build did not use is dropped once
there is enough of it, what it used is kept, and other kinds are never pruned."""

from __future__ import annotations

from live_math._internal.speed.store import Store


def keys(path, kind) -> set[str]:
    store = Store(path)
    try:
        return {key for (key,) in store.connection.execute("SELECT key FROM entries WHERE kind = ?", (kind,))}
    finally:
        store.close()


def test_unused_entries_are_dropped_once_they_outnumber_a_quarter_of_the_used(tmp_path):
    path = tmp_path / "build.sqlite"
    first = Store(path)
    for number in range(100):
        first.put("page", f"p{number}", "html")
    first.put("other", "kept", "x")
    first.end_build(prune=("page",))
    first.close()

    # A build that used 90 of them: 10 unused are few enough to stay (pruning has a cost of its own).
    second = Store(path)
    assert all(second.get("page", f"p{number}") == "html" for number in range(90))
    second.end_build(prune=("page",))
    second.close()
    assert len(keys(path, "page")) == 100

    # A build that used 40 and wrote 5 new: the 60 others go, the other kind stays.
    third = Store(path)
    assert all(third.get("page", f"p{number}") == "html" for number in range(40))
    for number in range(5):
        third.put("page", f"new{number}", "html")
    third.end_build(prune=("page",))
    third.close()
    assert keys(path, "page") == {f"p{n}" for n in range(40)} | {f"new{n}" for n in range(5)}
    assert keys(path, "other") == {"kept"}
