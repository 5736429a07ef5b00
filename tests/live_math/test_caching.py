"""Files written later, on a thread of their own (caching.LaterWrites): in place once waited for; a cache folder
that cannot take them reported once, without failing the build; a site file that cannot be written, raised."""

from __future__ import annotations

import logging
import threading

from live_math._internal.caching import LaterWrites, new_build


def test_files_handed_over_are_written_off_the_calling_thread_and_all_there_after_wait(tmp_path, monkeypatch):
    from live_math._internal import caching

    writers = []
    original = caching.store

    def recording(path, data, folder):
        writers.append(threading.current_thread().name)
        return original(path, data, folder)

    monkeypatch.setattr(caching, "store", recording)
    writes = LaterWrites()
    for number in range(50):
        writes.store(tmp_path / "cache" / f"{number:02d}" / "entry.json", f'{{"n": {number}}}', tmp_path / "cache")
    writes.store(tmp_path / "cache" / "blob.zip", b"PK\x03\x04", tmp_path / "cache")
    writes.wait()
    assert sorted(path.read_text() for path in (tmp_path / "cache").glob("*/entry.json")) == sorted(
        f'{{"n": {number}}}' for number in range(50)
    )
    assert (tmp_path / "cache" / "blob.zip").read_bytes() == b"PK\x03\x04"
    assert len(writers) == 51 and all(name.startswith("live-math later writes") for name in writers)
    assert not list(tmp_path.rglob("*.tmp"))


def test_an_unusable_cache_folder_is_reported_once_and_the_rest_of_its_writes_skipped(tmp_path, caplog):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    new_build()
    writes = LaterWrites()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.live_math"):
        for number in range(5):
            writes.store(blocked / "ab" / f"{number}.json", "{}", blocked)
        writes.store(tmp_path / "other" / "fine.json", "{}", tmp_path / "other")
        writes.wait()
    reports = [record.message for record in caplog.records if "cannot be used" in record.message]
    assert len(reports) == 1 and str(blocked) in reports[0] and "building without it" in reports[0]
    assert blocked.read_text() == "a file where the cache folder should be"
    assert (tmp_path / "other" / "fine.json").read_text() == "{}"
    new_build()


def test_a_site_file_is_written_with_its_folder_and_an_error_writing_one_is_raised_by_wait(tmp_path):
    writes = LaterWrites()
    writes.write(tmp_path / "site" / "blog" / "post" / "post.zip", b"PK\x05\x06")
    (tmp_path / "taken").write_text("a file where a folder should be")
    writes.write(tmp_path / "taken" / "post" / "post.zip", b"PK\x05\x06")
    writes.write(tmp_path / "site" / "after.zip", b"after the error")
    try:
        writes.wait()
    except OSError as error:
        assert "taken" in str(error)
    else:
        raise AssertionError("a site file that could not be written went unreported")
    # Every other write went through, and the next wait has nothing left to report.
    assert (tmp_path / "site" / "blog" / "post" / "post.zip").read_bytes() == b"PK\x05\x06"
    assert (tmp_path / "site" / "after.zip").read_bytes() == b"after the error"
    writes.wait()
