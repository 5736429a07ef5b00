"""Hostile snippets in a sandboxed worker: each refusal leaves the harm undone and says what is allowed; what
posts need (scratch files, plots, data files, helpers) still works."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from live_math._internal.execution.workers import Failure
from live_math._internal.sandbox import explain

SECRET = "LIVE-MATH-TEST-SECRET-5d1e"
os.environ["LIVE_MATH_TEST_TOKEN"] = SECRET  # set before the module's workers' parent starts


def refused(outcome, hint: str) -> None:
    assert isinstance(outcome, Failure), f"the snippet was not refused; it printed {outcome!r}"
    assert outcome.hint == hint, (outcome.headline, outcome.hint)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    "code",
    [
        "import os; os.remove('docs/index.md')",
        "open('docs/index.md', 'w').write('defaced')",
        "import os; os.truncate('docs/index.md', 0)",
        "open('snippets/__init__.py', 'a').write('raise SystemExit(1)')",
        "import os, tempfile; os.rename('docs/index.md', tempfile.mkdtemp() + '/stolen.md')",
        "import os, tempfile; os.link('docs/index.md', tempfile.mkdtemp() + '/link.md')",
        "import shutil; shutil.rmtree('snippets')",
    ],
)
def test_project_files_cannot_be_changed_or_deleted(run, project, code):
    before = {folder: snapshot(project / folder) for folder in ("docs", "snippets")}
    outcome = run(code)
    assert isinstance(outcome, Failure), outcome
    assert outcome.hint in (explain.WRITE_HINT, explain.READ_HINT), outcome.hint
    assert {folder: snapshot(project / folder) for folder in ("docs", "snippets")} == before


@pytest.mark.parametrize("folder", ["site", ".cache", ".git"])
def test_nothing_can_be_planted_in_the_site_the_cache_or_git(run, project, folder):
    before = snapshot(project / folder)
    refused(run(f"open('{folder}/planted.html', 'w').write('<script>')"), explain.READ_HINT)
    assert snapshot(project / folder) == before


@pytest.mark.parametrize(
    "path",
    [".git/config", "/etc/shadow", "/proc/1/environ", "/proc/{parent}/environ", "{outside}/id_ed25519"],
)
def test_secrets_outside_what_posts_need_cannot_be_read(run, zygote, tmp_path, path):
    (tmp_path / "id_ed25519").write_text(SECRET, encoding="utf-8")
    path = path.format(parent=zygote.process.pid, outside=tmp_path)
    outcome = run(f"print(open({path!r}).read())")
    refused(outcome, explain.READ_HINT)
    assert SECRET not in repr(outcome) and "TOKEN-IN-GIT-CONFIG" not in repr(outcome)


def test_the_builders_environment_is_not_the_snippets(run):
    output = run("import os; print(dict(os.environ))")
    assert isinstance(output, str), output
    assert SECRET not in output and "LIVE_MATH_TEST_TOKEN" not in output
    assert "'PATH'" in output and "'TMPDIR'" in output
    refused(run("import os; os.environ['LIVE_MATH_TEST_TOKEN']"), explain.ENVIRONMENT_HINT)


def test_no_tcp_connection_reaches_a_listener_on_loopback(run):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        refused(run(f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"), explain.NETWORK_HINT)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


def test_no_udp_datagram_leaves_the_worker(run):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.setblocking(False)
        port = receiver.getsockname()[1]
        code = f"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port}))"
        refused(run(code), explain.NETWORK_HINT)
        time.sleep(0.2)
        with pytest.raises(BlockingIOError):
            receiver.recv(16)


def test_the_build_and_the_workers_parent_cannot_be_signalled(run, zygote):
    for target in (os.getpid(), zygote.process.pid):
        refused(run(f"import os, signal; os.kill({target}, signal.SIGTERM)"), explain.SIGNAL_HINT)
    assert zygote.alive


def test_a_file_mode_cannot_be_changed(run, project):
    refused(run("import os; os.chmod('docs/index.md', 0)"), explain.MODE_HINT)
    assert os.access(project / "docs" / "index.md", os.R_OK) and (project / "docs" / "index.md").stat().st_mode & 0o444


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize(
    "code",
    [
        # A new session: out of the worker's process group.
        "import subprocess, sys; subprocess.Popen([sys.executable, '-c', 'import os, time; os.setsid();"
        " time.sleep(600)', '{marker}'])\nprint('started')",
        # A daemon: fork, setsid, fork again, the middle process exits.
        "import os, sys\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])\n"
        "    os._exit(0)\nprint('started')",
    ],
)
def test_every_process_a_snippet_starts_ends_with_its_session(run, code):
    marker = f"live-math-leftover-{os.getpid()}-{time.monotonic_ns()}"
    assert run(code.replace("{marker}", marker)) == "started\n"
    deadline = time.monotonic() + 5
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker) == [], "a process the snippet started outlived its session"


def test_a_worker_that_exits_by_itself_leaves_nothing_behind(run):
    marker = f"live-math-orphan-{os.getpid()}-{time.monotonic_ns()}"
    code = (
        "import os, subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import os, time; os.setsid();"
        f" time.sleep(600)', '{marker}'])\nos._exit(3)"
    )
    outcome = run(code)
    assert isinstance(outcome, Failure) and outcome.kind == "died", outcome
    deadline = time.monotonic() + 5
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker) == []


def test_what_posts_need_still_works_and_the_scratch_folder_goes(run, project):
    output = run(
        "import tempfile, pathlib, io\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "import snippets.autodiff\n"
        "scratch = pathlib.Path(tempfile.mkdtemp())\n(scratch / 'note.txt').write_text('kept for the session')\n"
        "figure = io.StringIO()\nplt.plot([1, 2])\nplt.savefig(figure, format='svg')\nplt.savefig(scratch / 'f.png')\n"
        "print(open('data/points.csv').read().splitlines()[1], (scratch / 'note.txt').read_text(),"
        " figure.getvalue().count('<svg'), tempfile.gettempdir())"
    )
    assert isinstance(output, str), output
    row, words, svgs, scratch = output.split(" ", 1)[0], output.split(" ")[1:5], output.split()[-2], output.split()[-1]
    assert row == "1,2" and " ".join(words) == "kept for the session" and svgs == "1"
    assert not Path(scratch).exists(), "the session's scratch folder outlived it"
