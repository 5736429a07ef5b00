"""Under `mkdocs serve`, an edited block resumes its session from a paused copy of the worker taken after the
block before it (live_math/_internal/execution/snapshots.py), instead of replaying the session.

`mkdocs serve` rebuilds by loading the config again and calling build() in the same interpreter, with the
same plugin instance; each test does exactly that in a subprocess, editing the post between builds, and
reads the BLOG_EXEC_STATS report and the file each block appends its name to when it really runs. Every
process the builds start carries a marker in its environment; none may be left after on_shutdown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid

from tests.live_math.execution.test_execution import Site, post
from tests.live_math.execution.test_workers import HANG_LIMIT, MARK, assert_nothing_left

FOUR_BLOCKS = """
    ```python exec="on" session="s"
    from snippets.run_log import record
    from snippets.scale import scale
    record("one")
    x = scale(2)
    print(f"one: x = {x}")
    ```

    ```python exec="on" session="s"
    record("two")
    y = x + 1
    print(f"two: y = {y}")
    ```

    ```python exec="on" session="s"
    record("three")
    z = y * 2
    print(f"three: z = {z}")
    ```

    ```python exec="on" session="s"
    record("four")
    print(f"four: z + 1 = {z + 1}")
    ```
"""


def serve(
    site: Site, edits: list[str], command: str = "serve", sandbox: str = "off", settle: bool = False
) -> tuple[list[dict], list[list], list[list[str]], str]:
    """Build once, then once more after each of ``edits`` (Python run in the build's interpreter, with
    ``post`` the post's path and ``helper`` snippets/scale.py), all in one interpreter as `mkdocs serve` does
    (``command`` is what on_startup is told). Return each build's report; the pids of the snapshots kept
    after it and those of the build before's still running; the blocks each build really ran (with
    ``settle``, and those the background warming ran after it, which it waits for: warming.py); and what
    the builds logged. Fail if a process outlives on_shutdown."""
    mark = uuid.uuid4().hex
    script = textwrap.dedent(
        f"""
        import json, logging, shutil
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        logging.basicConfig(level=logging.INFO, format="%(message)s")
        project = Path({str(site.project)!r})
        post = project / "docs/blog/posts/s.md"
        helper = project / "snippets/scale.py"
        runs = Path({str(site.runs)!r})

        def config():
            loaded = load_config(str(project / "mkdocs.yml"), site_dir={str(site.tmp / "site")!r})
            loaded.plugins.on_startup(command={command!r}, dirty=False)
            return loaded

        def running(pid):
            try:
                return Path(f"/proc/{{pid}}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
            except (OSError, IndexError):
                return False

        kept = []

        def step(number):
            global kept
            runs.unlink(missing_ok=True)
            loaded = config()
            try:
                build(loaded)
            except Exception as error:  # a failed rebuild: `mkdocs serve` reports it and goes on
                Path(f"{site.tmp}/error-{{number}}.txt").write_text(str(error))
                Path({str(site.stats_file)!r}).write_text("{{}}")
            shutil.copy({str(site.stats_file)!r}, f"{site.tmp}/stats-{{number}}.json")
            if {settle!r}:
                assert loaded.plugins["live-math"].warming.wait_idle(60), "the background warming never ended"
            ran = runs.read_text().split() if runs.exists() else []
            left = [pid for pid in kept if running(pid)]
            kept = loaded.plugins["live-math"].snapshots.pids()
            Path(f"{site.tmp}/after-{{number}}.json").write_text(json.dumps([[kept, left], ran]))
            return loaded

        first = step(0)
        for number, edit in enumerate({edits!r}, 1):
            exec(edit)
            step(number)
        first.plugins.on_shutdown()
        """
    )
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BLOG_CACHE_DIR": str(site.cache),
        "BLOG_EXEC_STATS": str(site.stats_file),
        "RUN_LOG": str(site.runs),
        MARK: mark,
        "LIVE_MATH_SANDBOX": sandbox,  # off: record() writes the run log, outside any sandboxed snippet's reach
        "CI": "false",  # `mkdocs serve` runs on a writer's machine, even when these tests run in CI
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=site.project, env=env, capture_output=True, text=True, timeout=HANG_LIMIT
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert_nothing_left(mark)
    reports = [json.loads((site.tmp / f"stats-{n}.json").read_text()) for n in range(len(edits) + 1)]
    after = [json.loads((site.tmp / f"after-{n}.json").read_text()) for n in range(len(edits) + 1)]
    return reports, [pids for pids, _ in after], [ran for _, ran in after], result.stderr


def replace(old: str, new: str, file: str = "post") -> str:
    return f"{file}.write_text({file}.read_text().replace({old!r}, {new!r}))"


def four_block_site(tmp_path) -> Site:
    site = Site(tmp_path, {"s.md": post("Snapshots", FOUR_BLOCKS)})
    (site.project / "snippets" / "scale.py").write_text("def scale(x):\n    return 10 * x\n")
    return site


def test_an_edited_block_resumes_from_the_snapshot_before_it_and_shows_what_a_replay_shows(tmp_path):
    site = four_block_site(tmp_path)
    one, two, three, four = site.locations("s.md")
    edits = [
        replace("z + 1 = {z + 1}", "z + 2 = {z + 2}"),  # the last block
        replace("y = x + 1", "y = x + 5"),  # a middle block: it and those after it run
        replace("z + 2 = {z + 2}", "z + 3 = {z + 3}"),  # the last block again, after the middle edit
    ]
    reports, snapshots, ran, _ = serve(site, edits)

    assert reports[0]["executed"] == [one, two, three, four] and ran[0] == ["one", "two", "three", "four"]
    assert len(snapshots[0][0]) == 4  # one after each block, each its own paused process
    assert reports[1]["executed"] == [four] and reports[1]["replayed"] == [] and ran[1] == ["four"]
    assert reports[2]["executed"] == [two, three, four] and reports[2]["replayed"] == []
    assert ran[2] == ["two", "three", "four"]
    assert reports[3]["executed"] == [four] and reports[3]["replayed"] == [] and ran[3] == ["four"]
    served = site.page("snapshots")
    assert "two: y = 25" in served and "three: z = 50" in served and "z + 3 = 53" in served

    # What the snapshots gave is what a plain build, replaying every block, gives.
    site.cache = tmp_path / "fresh-cache"
    site.build_ok()
    assert site.page("snapshots") == served


def test_an_edited_helper_ends_the_snapshots_and_the_session_runs_again_from_its_start(tmp_path):
    site = four_block_site(tmp_path)
    one, two, three, four = site.locations("s.md")
    edits = [replace("10 * x", "100 * x", file="helper"), replace("z + 1 = {z + 1}", "z - 1 = {z - 1}")]
    reports, snapshots, ran, _ = serve(site, edits)

    assert reports[1]["executed"] == [one, two, three, four] and ran[1] == ["one", "two", "three", "four"]
    kept, left = snapshots[1]
    assert len(kept) == 4 and not set(kept) & set(snapshots[0][0])  # new ones were taken
    assert not set(left) & set(snapshots[0][0])  # and the old ones ended
    assert reports[2]["executed"] == [four] and ran[2] == ["four"]
    assert "one: x = 200" in site.page("snapshots") and "z - 1 = 401" in site.page("snapshots")


def test_at_most_the_configured_number_of_snapshots_are_kept(tmp_path):
    site = four_block_site(tmp_path)
    config = site.project / "mkdocs.yml"
    settings = config.read_text()
    assert settings.count("      execution:\n") == 1
    config.write_text(settings.replace("      execution:\n", "      execution:\n        snapshots: 2\n"))
    reports, snapshots, ran, _ = serve(site, [replace("y = x + 1", "y = x + 2")])
    assert len(snapshots[0][0]) == 2 and len(snapshots[1][0]) == 2
    # The snapshot after the first block was ended first, so the middle edit replays the first block.
    assert reports[1]["replayed"] == [site.locations("s.md")[0]] and ran[1] == ["one", "two", "three", "four"]


def test_a_plain_build_keeps_no_snapshot(tmp_path):
    site = four_block_site(tmp_path)
    reports, snapshots, ran, _ = serve(site, [replace("z + 1 = {z + 1}", "z + 2 = {z + 2}")], command="build")
    assert snapshots == [[[], []], [[], []]]
    assert ran[1] == ["one", "two", "three", "four"] and len(reports[1]["replayed"]) == 3


def test_a_resumed_block_that_fails_is_reported_as_a_replayed_one_would_be(tmp_path):
    last = '```python exec="on" session="s"\n    record("four")'
    assert last in FOUR_BLOCKS
    body = FOUR_BLOCKS.replace(last, last.replace('"s"', '"s" timeout="1"'))
    site = Site(tmp_path, {"s.md": post("Snapshots", body)})
    (site.project / "snippets" / "scale.py").write_text("def scale(x):\n    return 10 * x\n")
    four = site.locations("s.md")[3]
    edits = [
        replace('record("four")', 'record("four")\nimport os\nos._exit(3)'),
        replace("import os\nos._exit(3)", "while True:\n    pass"),
        replace("while True:\n    pass", "print(z)"),
    ]
    reports, _, ran, logged = serve(site, edits)
    assert (tmp_path / "error-1.txt").exists() and (tmp_path / "error-2.txt").exists()
    assert f"{four}: the process running this snippet exited with status 3" in logged
    assert f"{four}: snippet timed out after 1 s" in logged
    assert 'File "docs/blog/posts/s.md", line 37, in <module>' in logged  # the stack, from the resumed worker
    assert ran[1:] == [["four"], ["four"], ["four"]]
    assert reports[3]["executed"] == [four] and reports[3]["replayed"] == []
    assert "<p>42\nfour: z + 1 = 43</p>" in site.page("snapshots")
