"""A `mkdocs serve` session that starts on a warm cache (or on frozen outputs) runs nothing in its first build;
the background warming (live_math/_internal/execution/warming.py) then replays the sessions of the page most
recently modified, only to take their snapshots, so that the first edit of a block runs that block alone.

Each test serves as test_snapshots.py does (every build in one interpreter, edits between them), waiting after
each build for the warming to end (``settle``), so that the blocks counted are those of a finished warming,
never a race with it. What a build ran comes from its BLOG_EXEC_STATS report; what really ran, warming
included, from the file each block appends its name to.
"""

from __future__ import annotations

import json
import re
import shutil

from tests.live_math.execution.test_execution import Site, post
from tests.live_math.execution.test_snapshots import FOUR_BLOCKS, four_block_site, replace, serve

LAST = replace("z + 1 = {z + 1}", "z + 2 = {z + 2}")  # the last block


def configure(site: Site, **options: str) -> None:
    config = site.project / "mkdocs.yml"
    settings = config.read_text()
    assert settings.count("      execution:\n") == 1
    if "freeze" in options:  # the copy has its own `freeze: "off"`, which a second key would not override
        settings = re.sub(r"(?m)^(\s+freeze:) .*$", rf"\1 {options.pop('freeze')}", settings)
    lines = "".join(f"        {name}: {value}\n" for name, value in options.items())
    config.write_text(settings.replace("      execution:\n", "      execution:\n" + lines))


def test_the_first_edit_on_a_warm_cache_runs_only_the_edited_block_and_shows_what_a_plain_build_shows(tmp_path):
    site = four_block_site(tmp_path)
    one, two, three, four = site.locations("s.md")
    site.build_ok()  # the writer's last session left the cache warm
    reports, snapshots, ran, logged = serve(site, [LAST, replace("y = x + 1", "y = x + 5")], settle=True)

    assert reports[0]["executed"] == [] and reports[0]["cached"] == [one, two, three, four]
    # Warming replayed the session up to its last block that has a block after it, and kept a snapshot after each.
    assert ran[0] == ["one", "two", "three"] and len(snapshots[0][0]) == 3
    assert "snapshots of 1 session(s) of docs/blog/posts/s.md taken in the background" in logged
    assert reports[1]["executed"] == [four] and reports[1]["replayed"] == [] and ran[1] == ["four"]
    assert reports[2]["executed"] == [two, three, four] and reports[2]["replayed"] == []
    served = site.page("snapshots")
    assert "two: y = 25" in served and "z + 2 = 52" in served

    site.cache = tmp_path / "fresh-cache"  # a plain build, replaying every block, gives the same page
    site.build_ok()
    assert site.page("snapshots") == served


def test_with_warming_off_the_first_edit_replays_the_session_as_before(tmp_path):
    site = four_block_site(tmp_path)
    one, two, three, four = site.locations("s.md")
    configure(site, warm_snapshots="0")
    site.build_ok()
    reports, snapshots, ran, logged = serve(site, [LAST], settle=True)

    assert ran[0] == [] and snapshots[0][0] == [] and "in the background" not in logged
    assert reports[1]["executed"] == [four] and reports[1]["replayed"] == [one, two, three]
    assert ran[1] == ["one", "two", "three", "four"]


MEASURED = FOUR_BLOCKS.replace(
    '```python exec="on" session="s"\n    record("two")',
    '```python exec="on" session="s" measured="true"\n    record("two")\n    import secrets\n'
    '    print(f"token {secrets.token_hex(8)}")',
)


def test_on_frozen_outputs_the_first_edit_runs_only_that_block_and_keeps_the_frozen_measurement(tmp_path):
    """A fresh clone: frozen outputs and an empty cache. Warming stores the frozen outputs under the keys the
    edit looks the unchanged blocks up by; the measured block shows its frozen token, not warming's."""
    assert MEASURED != FOUR_BLOCKS
    site = Site(tmp_path, {"s.md": post("Snapshots", MEASURED)})
    (site.project / "snippets" / "scale.py").write_text("def scale(x):\n    return 10 * x\n")
    four = site.locations("s.md")[3]
    configure(site, freeze="auto")
    site.build_ok(CI="false")  # writes frozen/ (the tests themselves run under CI=true in CI)
    frozen_file = site.project / "frozen" / "docs" / "blog" / "posts" / "s.md.json"
    token = re.search(r"token [0-9a-f]{16}", frozen_file.read_text()).group()
    shutil.rmtree(site.cache)
    reports, _, ran, _ = serve(site, [LAST], settle=True)

    assert len(reports[0]["frozen"]) == 4 and ran[0] == ["one", "two", "three"]
    assert reports[1]["executed"] == [four] and reports[1]["replayed"] == [] and ran[1] == ["four"]
    page = site.page("snapshots")
    assert token in page and len(re.findall(r"token [0-9a-f]{16}", page)) == 1 and "z + 2 = 44" in page
    outputs = [block["output"] for block in json.loads(frozen_file.read_text())["blocks"]]
    assert token in "\n".join(map(str, outputs))  # the page's frozen file keeps what the page shows


FAILING = """
    ```python exec="on" session="slow" timeout="1"
    import os, subprocess
    from snippets.run_log import record
    record("slow-one")
    if os.path.exists(os.environ["RUN_LOG"] + ".flag"):  # only once the page is cached: only while warming
        subprocess.Popen(["sleep", "613"], start_new_session=True)
        while True:
            pass
    print("slow one")
    ```

    ```python exec="on" session="slow"
    print("slow two")
    ```

    ```python exec="on" session="bad"
    import os
    from snippets.run_log import record
    record("bad-one")
    if os.path.exists(os.environ["RUN_LOG"] + ".flag"):
        raise RuntimeError("only while warming")
    print("bad one")
    ```

    ```python exec="on" session="bad"
    print("bad two")
    ```
"""

NO_SLEEP_LEFT = """
import time
for _ in range(50):
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline(p) == b"sleep\\x00613\\x00"]
    if not left:
        break
    time.sleep(0.1)
Path(str(runs) + ".left").write_text(str(len(left)))
"""
CMDLINE = """
def _cmdline(proc):
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""
"""


def test_a_block_that_fails_or_times_out_while_warming_reports_nothing_and_leaves_no_process(tmp_path):
    site = Site(tmp_path, {"f.md": post("Failing", FAILING)})
    site.build_ok()
    flag = tmp_path / "runs.log.flag"
    flag.write_text("")
    reports, snapshots, ran, logged = serve(site, [CMDLINE + NO_SLEEP_LEFT], settle=True)

    assert sorted(ran[0]) == ["bad-one", "slow-one"]  # both sessions were warmed, and both stopped at once
    assert snapshots[0][0] == [] and reports[0]["executed"] == [] and len(reports[0]["cached"]) == 4
    assert not re.search(r"error|timed out|raised|in the background", logged, re.IGNORECASE), logged
    assert (tmp_path / "runs.log.left").read_text() == "0"  # the timed-out block's detached child ended too
    assert "slow one" in site.page("failing") and "bad one" in site.page("failing")


def test_an_edit_saved_while_warming_runs_builds_the_same_page(tmp_path):
    """No settling: the edit's build pauses the warming wherever it is and resumes from what it kept."""
    site = four_block_site(tmp_path)
    one, two, three, four = site.locations("s.md")
    site.build_ok()
    reports, _, ran, logged = serve(site, [LAST, replace("z + 2 = {z + 2}", "z + 3 = {z + 3}")])

    assert reports[1]["executed"] == [four] and reports[1]["replayed"] in ([], [three], [two, three], [one, two, three])
    assert reports[2]["executed"] == [four] and reports[2]["replayed"] == []
    assert "z + 3 = 45" in site.page("snapshots") and "ERROR" not in logged


def test_warmed_sessions_see_the_environment_of_the_build_not_the_one_between_builds(tmp_path):
    # markdown-exec sets MKDOCS_CONFIG_DIR for a build only; warming runs between builds. A session it warms
    # must start as the build's did, or an edit resuming from its snapshot shows what no build would.
    body = FOUR_BLOCKS.replace(
        'record("one")', 'record("one")\n    import os\n    where = os.environ.get("MKDOCS_CONFIG_DIR")'
    ).replace('print(f"four: z + 1 = {z + 1}")', 'print(f"four: z + 1 = {z + 1}, config in {where}")')
    site = Site(tmp_path, {"s.md": post("Snapshots", body)})
    (site.project / "snippets" / "scale.py").write_text("def scale(x):\n    return 10 * x\n")
    site.build_ok()
    reports, _, ran, _ = serve(site, [LAST], settle=True)

    assert ran[0] == ["one", "two", "three"] and ran[1] == ["four"]  # the edit resumed from a warmed snapshot
    served = site.page("snapshots")
    assert f"z + 2 = 44, config in {site.project}" in served
    site.cache = tmp_path / "fresh-cache"
    site.build_ok()
    assert site.page("snapshots") == served
