"""Snippets run in worker processes: no post can hang, kill, wipe or quietly change the build.

Each failure class is built the way `make build` builds (scripts/build.py, strict), over a site/ that must
stay as it was, with a marker in the environment that every process the build starts inherits; afterwards
no process carrying the marker may be left. Builds are given a generous subprocess timeout: a snippet
that hangs the build fails the test there, without timing anything finer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from scripts.project_copy import ROOT, copy_project

POSTS = "docs/blog/posts"
HEADER = "---\ntitle: {title}\ndate: 2026-11-20\nauthors: [editor]\ncategories: [Numerics]\ndescription: A test.\n---\n"
MARK = "LIVE_MATH_TEST_MARK"
HANG_LIMIT = 90  # seconds: far beyond what any of these builds needs, 1-2 s limits included


def post(title: str, body: str) -> str:
    """A post whose first fence is on line 15 of the file."""
    return HEADER.format(title=title) + f"\n# {title}\n\nIntro.\n\n<!-- more -->\n\n{textwrap.dedent(body).strip()}\n"


def fence(code: str, options: str = "") -> str:
    return f'```python exec="on"{options}\n{textwrap.dedent(code).strip()}\n```\n'


def leftovers(mark: str) -> list[str]:
    """Command lines of live (not zombie) processes whose environment carries ``MARK=mark``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environment = (proc / "environ").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        if f"{MARK}={mark}".encode() in environment and state != "Z":
            found.append(f"{proc.name}: {command}")
    return found


def assert_nothing_left(mark: str) -> None:
    # A process killed with SIGKILL disappears a moment after the kill: look again for a few seconds.
    for _ in range(50):
        left = leftovers(mark)
        if not left:
            return
        time.sleep(0.1)
    pytest.fail(f"processes left behind by the build: {left}")


class Project:
    def __init__(self, tmp_path: Path, posts: dict[str, str]):
        self.tmp = tmp_path
        self.root = copy_project(tmp_path / "project")
        self.site = tmp_path / "site"
        self.site.mkdir()
        (self.site / "index.html").write_text("the last good site")
        for name, text in posts.items():
            (self.root / POSTS / name).write_text(text, encoding="utf-8")
        # The mark must reach the workers, whose environment the sandbox otherwise keeps to a few names.
        config = self.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("      execution:\n", f"      execution:\n        environment: [{MARK}]\n"))

    def build(self, **env: str) -> subprocess.CompletedProcess:
        """``scripts/build.py`` as `make build` runs it; fails the test if it is not over in HANG_LIMIT s."""
        mark = uuid.uuid4().hex
        command = [sys.executable, str(ROOT / "scripts" / "build.py"), "-f", str(self.root / "mkdocs.yml")]
        ours = {"BLOG_CACHE_DIR": str(self.tmp / "cache"), MARK: mark, "NO_MKDOCS_2_WARNING": "1"}
        try:
            result = subprocess.run(
                [*command, "-d", str(self.site)],
                cwd=self.root,
                env={**os.environ, **ours, **env},
                capture_output=True,
                text=True,
                timeout=HANG_LIMIT,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"the build was still running after {HANG_LIMIT} s")
        assert_nothing_left(mark)
        return result

    def page(self, slug: str) -> str:
        return (self.site / "2026" / "11" / "20" / slug / "index.html").read_text(encoding="utf-8")


LOCATION = f"{POSTS}/bad.md:15"
TIMED_OUT = f"{LOCATION}: snippet timed out after 1 s"
RAISE_TIME = 'Give this block more time with timeout="SECONDS"'
KILLED_HINT = "It may have run out of memory"

FAILURES = {
    "a bare except around a loop": (
        fence("while True:\n    try:\n        pass\n    except:\n        pass", ' timeout="1"'),
        [TIMED_OUT, f'File "{POSTS}/bad.md", line 1', RAISE_TIME],
    ),
    "a snippet that resets SIGALRM": (
        fence("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass", ' timeout="1"'),
        [TIMED_OUT, RAISE_TIME],
    ),
    "one long C call": (fence("sum(range(10**11))", ' timeout="1"'), [TIMED_OUT, "    sum(range(10**11))"]),
    "os._exit(0)": (
        fence("import os\nos._exit(0)"),
        [f"{LOCATION}: the process running this snippet exited with status 0"],
    ),
    "os._exit(3)": (
        fence("import os\nos._exit(3)"),
        [f"{LOCATION}: the process running this snippet exited with status 3"],
    ),
    "a SIGKILL": (
        fence("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
        [f"{LOCATION}: the process running this snippet was killed by SIGKILL", KILLED_HINT, 'memory="4 GiB"'],
    ),
    "SystemExit": (fence("import sys\nsys.exit(0)"), [f"{LOCATION}: snippet raised SystemExit: 0"]),
    "KeyboardInterrupt": (fence("raise KeyboardInterrupt"), [f"{LOCATION}: snippet raised KeyboardInterrupt"]),
    "too much memory": (
        fence("block = bytearray(3 * 2**30)", ' memory="512 MiB"'),
        [f"{LOCATION}: snippet raised MemoryError", "512 MiB beyond what its worker starts with"],
    ),
    "too much output, the limit's exception swallowed": (
        fence(
            "for _ in range(10_000):\n    try:\n        print('x' * 100)\n    except BaseException:\n        pass",
            ' max_output="64 KiB"',
        ),
        [f"{LOCATION}: snippet printed more than 64 KiB", 'max_output="4 MiB"'],
    ),
    "an unreadable limit": (fence("print(1)", ' memory="lots"'), [f'{LOCATION}: memory="lots" is not a size']),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failing_snippet_fails_the_build_naming_its_line_and_leaves_site_and_no_process(tmp_path, case):
    code, messages = FAILURES[case]
    project = Project(tmp_path, {"bad.md": post("Bad", code)})
    result = project.build()
    assert result.returncode != 0, result.stderr[-3000:]
    for message in messages:
        assert message in result.stderr, result.stderr[-3000:]
    assert "Traceback (most recent call last)" not in result.stderr  # the build's own machinery is not shown
    assert (project.site / "index.html").read_text() == "the last good site"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]  # no staging folder left


def test_processes_a_snippet_starts_end_with_its_session(tmp_path):
    # A child process holding the build's output pipe, and a non-daemon thread that never ends: the build
    # succeeds, ends (capture_output would wait for the pipe), and leaves nothing running.
    body = fence(
        """
        import subprocess, threading, time
        subprocess.Popen(["sleep", "1000"])
        threading.Thread(target=time.sleep, args=(1000,)).start()
        print("started a child and a thread")
        """
    )
    project = Project(tmp_path, {"lingers.md": post("Lingers", body)})
    result = project.build()
    assert result.returncode == 0, result.stderr[-3000:]
    assert "started a child and a thread" in project.page("lingers")


def test_keyboard_interrupt_in_a_snippet_does_not_stop_serve(tmp_path):
    # `mkdocs serve` rebuilds in one interpreter, as here: the failed build is an error, the next one works.
    project = Project(tmp_path, {"ki.md": post("Interrupted", fence("raise KeyboardInterrupt"))})
    script = textwrap.dedent(
        f"""
        import logging
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, PluginError

        logging.basicConfig(level=logging.INFO, format="%(message)s")

        def config():
            loaded = load_config({str(project.root / "mkdocs.yml")!r}, site_dir={str(tmp_path / "served")!r})
            loaded.plugins.on_startup(command="serve", dirty=False)
            return loaded

        first = config()
        try:
            build(first)
        except (Abort, PluginError) as error:
            print("first build failed:", error)
        post = Path({str(project.root / POSTS / "ki.md")!r})
        post.write_text(post.read_text().replace("raise KeyboardInterrupt", "print('recovered')"))
        build(config())
        first.plugins.on_shutdown()
        print("still serving")
        """
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project.root, env=env, capture_output=True, text=True, timeout=HANG_LIMIT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "first build failed" in result.stdout and "still serving" in result.stdout
    assert f"{POSTS}/ki.md:15: snippet raised KeyboardInterrupt" in result.stderr
    assert "recovered" in (tmp_path / "served" / "2026/11/20/interrupted/index.html").read_text()


SPOILER = """
```python exec="on"
import os, sys
import matplotlib
import numpy as np

seeded = np.random.get_state()[1][:4].tolist() == np.random.RandomState(1).get_state()[1][:4].tolist()
seen = [matplotlib.rcParams["lines.linewidth"], seeded, os.environ.get("SPOILED"), os.getcwd(), "/spoiled" in sys.path]
print(f"{name}: saw {seen}")
matplotlib.rcParams["lines.linewidth"] = 9.0
np.random.seed(1)
os.environ["SPOILED"] = "{name}"
os.chdir("/")
sys.path.insert(0, "/spoiled")
```
"""


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_posts_global_changes_reach_no_other_post_in_either_order(tmp_path, first):
    # Both posts look at the globals, then change them; whichever is built first, the other sees them untouched.
    names = {"a": "a-first.md" if first == "a" else "z-last.md", "b": "z-last.md" if first == "a" else "a-first.md"}
    posts = {names[who]: post(f"Spoiler {who}", SPOILER.replace("{name}", who)) for who in "ab"}
    project = Project(tmp_path, posts)
    result = project.build(BLOG_NO_CACHE="1")
    assert result.returncode == 0, result.stderr[-3000:]
    pristine = f"[1.5, False, None, '{project.root}', False]"
    for who in "ab":
        assert f"{who}: saw {pristine}" in project.page(f"spoiler-{who}"), project.page(f"spoiler-{who}")


def set_workers(project: Project, workers: int) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("      execution:\n") == 1
    config.write_text(text.replace("      execution:\n", f"      execution:\n        workers: {workers}\n"))


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_sessions_run_side_by_side_give_the_site_one_worker_gives(tmp_path):
    # Several pages, each with two sessions and a lone block, one of them slow: whatever order they finish
    # in, the pages (ids numbered by markdown-exec included) are the same as with one worker.
    def body(number: int) -> str:
        slow = "import time\ntime.sleep(0.3)\n" if number == 1 else ""
        return (
            fence(f'{slow}x = {number}\nprint(f"### Heading {{x}}")', ' session="a"')
            + "\n"
            + fence('print(f"x squared is {x * x}")', ' session="a"')
            + "\n"
            + fence(f'print("lone block {number}")', ' source="above"')
        )

    posts = {f"p{number}.md": post(f"Page {number}", body(number)) for number in range(1, 5)}
    outputs = {}
    for workers in (1, 3):
        project = Project(tmp_path / f"workers-{workers}", posts)
        set_workers(project, workers)
        result = project.build(SOURCE_DATE_EPOCH="1700000000")
        assert result.returncode == 0, result.stderr[-3000:]
        outputs[workers] = site_files(project.site)
    assert "x squared is 9" in outputs[1]["2026/11/20/page-3/index.html"].decode()
    assert outputs[3] == outputs[1]


def test_when_several_pages_fail_the_first_in_page_order_is_reported(tmp_path):
    # The later page fails at once, the earlier one only after a while: the earlier is still the one reported.
    posts = {
        "a-early.md": post("Early", fence("import time\ntime.sleep(1)\nraise ValueError('early page')")),
        "z-late.md": post("Late", fence("raise ValueError('late page')")),
    }
    project = Project(tmp_path, posts)
    set_workers(project, 2)
    result = project.build()
    assert result.returncode != 0
    assert f"{POSTS}/a-early.md:15: snippet raised ValueError: early page" in result.stderr, result.stderr[-3000:]
    assert "late page" not in result.stderr


def test_the_stack_is_dumped_at_the_parents_deadline_however_late_the_worker_began_the_block(tmp_path):
    # A worker that begins a block late (a busy machine) must still write its stack before the parent's kill,
    # which comes at the deadline the parent set when it sent the block, not `timeout` after the worker began.
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from live_math._internal.execution.zygote import run_block

        dump = open({str(tmp_path / "dump.txt")!r}, "w")
        block = {{
            "code": "import time\\ntime.sleep(1.5)\\nprint('done')", "first_line": 7, "workdir": {str(tmp_path)!r},
            "width": 0, "timeout": 60, "memory": 0, "max_output": None, "deadline": time.monotonic() + 0.3,
        }}
        start = {{"filename": "docs/blog/posts/late.md", "environment": {{}}}}
        print(run_block(block, {{}}, start, Path({str(tmp_path)!r}), dump, 0))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "'output': 'done\\n'" in result.stdout
    assert "docs/blog/posts/late.md" in (tmp_path / "dump.txt").read_text()  # dumped at 0.3 s, not at 60 s
