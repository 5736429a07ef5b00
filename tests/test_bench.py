"""The benchmark's own logic (no timing here): the floor drops exactly our work, replays what the snippets
print, and an edit changes only the last snippet."""

from __future__ import annotations

from pathlib import Path

from scripts import bench

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_post_has_three_snippets_the_hook_runs():
    assert len(bench.exec_fences(bench.synthetic_post(7))) == 3


def test_floor_config_keeps_everything_but_execution_and_katex():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    floor = bench.drop_yaml_items(config, r"markdown-exec\b")
    floor = bench.drop_yaml_items(floor, r"live-math\b")

    assert "- markdown-exec" not in floor and "- live-math" not in floor
    removed = [line for line in config.splitlines() if line not in floor.splitlines()]
    # Only the removed items and the lines indented under them went; the next section survives.
    assert all("markdown-exec" in line or "live-math" in line or line.startswith("      ") for line in removed)
    assert "markdown_extensions:" in floor and "- blog:" in floor


def test_replayed_snippets_print_what_the_code_computes(tmp_path):
    number = 12
    replayed = bench.replay_snippets(bench.synthetic_post(number), tmp_path, pasted=[])

    squares = [k * k for k in range(1, number % 7 + 4)]
    assert bench.exec_fences(replayed) == []
    assert f"The squares are {', '.join(map(str, squares))}." in replayed
    assert f"Their sum is **{sum(squares)}**." in replayed
    assert "total = sum(values)" in replayed  # source="above" keeps the code on show


def test_a_snippet_edit_changes_only_the_last_snippet(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(bench.synthetic_post(3), encoding="utf-8")
    before = bench.exec_fences(post.read_text(encoding="utf-8"))

    assert bench.edit_post(post, "label-1", snippet=True) == 1
    after = bench.exec_fences(post.read_text(encoding="utf-8"))
    assert [f.code for f in after[:-1]] == [f.code for f in before[:-1]]
    assert after[-1].code == "# label-1\n" + before[-1].code

    assert bench.edit_post(post, "label-2", snippet=False) == 0
    assert [f.code for f in bench.exec_fences(post.read_text(encoding="utf-8"))] == [f.code for f in after]


def test_the_slider_figure_is_cut_out_of_its_page_whole():
    figure = '<div class="live-slider" id="a"><div class="x"><div></div></div><p>note</p></div>'
    page = f"<main><div>before</div>{figure}<div>after</div></main>"
    assert bench.slider_markup(page) == figure


def test_the_stages_of_a_profile_add_up_their_own_functions_only(tmp_path):
    import cProfile

    from mkdocs.utils import write_file

    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(50):
        write_file(b"x" * 1000, str(tmp_path / f"{number}.txt"))
    profiler.disable()
    profiler.dump_stats(str(tmp_path / "build.prof"))
    stages = dict(bench.stage_seconds(tmp_path / "build.prof"))
    assert stages["files written (mkdocs.utils.write_file)"] > 0
    assert stages["math: KaTeX typesetting (typeset_page)"] == 0 and stages["notebooks (zips and links)"] == 0


def test_the_prose_reload_at_100_posts_is_judged_against_the_floors_own_reload():
    from scripts.bench import reload_ratio_targets

    quick = {"prose, 100 posts": [0.5, 0.4, 0.3], "prose, 100 posts, floor": [2.9, 3.0, 3.1]}
    slow = {**quick, "prose, 100 posts, floor": [2.0, 2.0, 2.0]}
    assert [ok for _, ok in reload_ratio_targets(quick)] == [True]
    ((text, ok),) = reload_ratio_targets(slow)
    assert not ok and "0.40 s vs 2.00 s, 0.20×" in text
    assert reload_ratio_targets({"prose, 100 posts": [0.4]}) == []  # no floor measured: nothing judged


def test_the_blocks_a_reload_ran_come_from_the_first_report_written_after_the_save(tmp_path):
    import json
    import os
    import time

    from scripts.bench import blocks_run, count_snippets

    stats = tmp_path / "exec-stats.json"
    stats.write_text(json.dumps({"executed": [], "replayed": []}))
    os.utime(stats, (time.time() - 60, time.time() - 60))  # the build before the save
    assert blocks_run(tmp_path, since=time.time(), timeout=0.2) is None
    stats.write_text(json.dumps({"executed": ["a.md:3"], "replayed": ["a.md:1", "a.md:2"]}))
    assert blocks_run(tmp_path, since=time.time() - 5, timeout=0.2) == "1+2"
    # A cold build runs every fence and every inline value.
    posts = tmp_path / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (posts / "p.md").write_text('```python exec="1"\nprint(1)\n```\n\nIt is `{py} 1 + 1` and `{py} 2 * 3`.\n')
    assert count_snippets(tmp_path) == 3


def test_a_builds_peak_rss_is_its_own_and_not_the_bench_processs(tmp_path):
    # Linux keeps the high-water mark of the image a child replaced at exec: a child of a 300 MB bench
    # reports at least 300 MB in ru_maxrss. own_peak.py reports the MkDocs process's own peak.
    import os
    import subprocess
    import sys

    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page, so it is resident
    peak = tmp_path / "peak.kib"
    child = subprocess.Popen([sys.executable, "scripts/own_peak.py", str(peak), "--version"], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    own_mb = int(peak.read_text()) / 1024
    assert 10 < own_mb < 150, own_mb
    assert usage.ru_maxrss / 1024 >= 300, "ru_maxrss no longer counts the parent: own_peak.py may be unneeded"
    del ballast
