"""The sandbox through `make build`: a refused snippet fails the build with `post.md:LINE` and what is allowed,
the harm is not done and the last good site stays; `execution.read` opens a data folder; the environment
variable overrides `mkdocs.yml`, which cannot switch the sandbox off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from live_math._internal.sandbox import explain
from live_math._internal.sandbox.policy import Sandbox, Support, resolve_mode
from scripts.project_copy import ROOT, copy_project
from tests.live_math.sandbox.required import require_sandbox

SECRET = "LIVE-MATH-BUILD-SECRET-77c0"


def post(body: str) -> str:
    return (
        "---\ntitle: Hostile\ndate: 2026-11-20\nauthors: [editor]\ncategories: [Mathematics]\n"
        "description: A post for the sandbox tests.\n---\n\n# Hostile\n\nThe excerpt.\n\n<!-- more -->\n\n"
        f'```python exec="on"\n{body}\n```\n'
    )


def build(tmp_path: Path, body: str, *, config: str = "", env: dict[str, str] | None = None):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "blog" / "posts" / "hostile.md").write_text(post(body), encoding="utf-8")
    (project / "data").mkdir()
    (project / "data" / "points.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    if config:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(text.replace("      execution:\n", f"      execution:\n{config}"), "utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    environment = {**os.environ, "BLOG_CACHE_DIR": str(project / ".cache"), "LIVE_MATH_SANDBOX": "required"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        env=environment | (env or {}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return project, site, result


LINE = "docs/blog/posts/hostile.md:15"  # the fence's line in post()


def test_a_refused_write_fails_the_build_naming_the_post_and_what_is_allowed(tmp_path):
    require_sandbox()
    project, site, result = build(tmp_path, "import os\nos.remove('docs/index.md')")
    assert result.returncode != 0
    assert f"{LINE}: snippet raised PermissionError" in result.stderr, result.stderr[-3000:]
    assert explain.WRITE_HINT in result.stderr
    assert (project / "docs" / "index.md").exists()
    assert [path.name for path in site.iterdir()] == ["index.html"], "a failed build changed site/"


@pytest.mark.parametrize(
    "body, hint",
    [
        ("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)", explain.NETWORK_HINT),
        ("import os, signal\nos.kill(os.getppid(), signal.SIGTERM)", explain.SIGNAL_HINT),
        ("import os\nos.chmod('docs/index.md', 0)", explain.MODE_HINT),
        ("import os\nprint(os.environ['DEPLOY_TOKEN'])", explain.ENVIRONMENT_HINT),
    ],
    ids=["network", "signal", "file mode", "environment"],
)
def test_each_refusal_names_the_post_line_and_what_is_allowed(tmp_path, body, hint):
    require_sandbox()
    _, site, result = build(tmp_path, body, env={"DEPLOY_TOKEN": SECRET})
    assert result.returncode != 0
    assert f"{LINE}: snippet raised " in result.stderr and hint in result.stderr, result.stderr[-3000:]
    assert SECRET not in result.stderr
    assert [path.name for path in site.iterdir()] == ["index.html"]


def test_the_config_cannot_switch_off_a_required_sandbox(tmp_path):
    require_sandbox()
    project, _, result = build(tmp_path, "import os\nos.remove('docs/index.md')", config="        sandbox: off\n")
    assert result.returncode != 0 and "PermissionError" in result.stderr, result.stderr[-3000:]
    assert (project / "docs" / "index.md").exists()


def test_the_builders_secrets_reach_no_page_and_no_log(tmp_path):
    require_sandbox()
    body = "import os\nprint(sorted(os.environ.items()))"
    _, site, result = build(tmp_path, body, env={"DEPLOY_TOKEN": SECRET})
    assert result.returncode == 0, result.stderr[-3000:]
    pages = [path.read_text(errors="replace") for path in site.rglob("*") if path.is_file()]
    assert any("'TMPDIR'" in page for page in pages), "the snippet's output is not in the site"
    assert not any(SECRET in page for page in pages) and SECRET not in result.stderr + result.stdout


def test_a_data_folder_is_readable_once_listed_in_execution_read(tmp_path):
    require_sandbox()
    body = "print(open('data/points.csv').read().splitlines()[1])"
    _, _, refused = build(tmp_path / "unlisted", body)
    assert refused.returncode != 0 and f"{LINE}: snippet raised PermissionError" in refused.stderr
    assert "execution.read" in refused.stderr
    _, site, listed = build(tmp_path / "listed", body, config="        read: [data]\n")
    assert listed.returncode == 0, listed.stderr[-3000:]


@pytest.mark.parametrize("variable, configured, expected", [("required", "off", "required"), ("", "off", "off")])
def test_the_environment_variable_overrides_the_configuration(monkeypatch, variable, configured, expected):
    monkeypatch.setenv("LIVE_MATH_SANDBOX", variable)
    assert resolve_mode(configured) == expected


def test_a_misspelt_environment_variable_is_an_error(monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("LIVE_MATH_SANDBOX", "requird")
    with pytest.raises(PluginError, match="LIVE_MATH_SANDBOX='requird': expected one of required, available, off"):
        resolve_mode("available")


def test_where_the_kernel_cannot_confine_required_fails_and_available_says_so_once(monkeypatch, caplog, tmp_path):
    from mkdocs.exceptions import PluginError

    from live_math._internal.sandbox import policy

    monkeypatch.setattr(policy, "support", lambda: Support(landlock_abi=4, seccomp=True))
    monkeypatch.delenv("LIVE_MATH_SANDBOX", raising=False)
    with pytest.raises(PluginError, match="cannot enforce the signal rules .*Landlock ABI 6"):
        Sandbox("required", [], [], tmp_path).check()
    available = Sandbox("available", [], [], tmp_path)
    with caplog.at_level("INFO"):
        available.check()
        available.check()
    lines = [record.getMessage() for record in caplog.records if "sandbox" in record.getMessage()]
    assert len(lines) == 1 and "signal rules" in lines[0] and "LIVE_MATH_SANDBOX=required" in lines[0]
    assert "file rules" not in lines[0]  # ABI 4 has them


SANDBOXED_SESSION = """
    ```python exec="on" session="s"
    import os, pathlib, subprocess, sys, tempfile
    note = pathlib.Path(tempfile.gettempdir()) / "note.txt"
    note.write_text("written by the first block")
    subprocess.Popen([sys.executable, "-c", "import os, time; os.setsid(); time.sleep(600)"])
    print("one")
    ```

    ```python exec="on" session="s"
    print("two")
    ```

    ```python exec="on" session="s"
    print("three:", note.read_text())
    ```
"""


def test_serve_snapshots_keep_the_sessions_scratch_folder_and_leave_no_process(tmp_path):
    from tests.live_math.execution.test_execution import Site
    from tests.live_math.execution.test_execution import post as session_post
    from tests.live_math.execution.test_snapshots import replace, serve
    from tests.live_math.execution.test_workers import MARK

    require_sandbox()
    site = Site(tmp_path, {"s.md": session_post("Snapshots", SANDBOXED_SESSION)})
    config = site.project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      execution:\n", f"      execution:\n        environment: [{MARK}]\n")
    )
    one, two, three = site.locations("s.md")
    reports, snapshots, _, _ = serve(site, [replace('print("three:"', 'print("three, again:"')], sandbox="required")
    assert reports[0]["executed"] == [one, two, three] and len(snapshots[0][0]) == 3
    # The edited block resumed from the snapshot after the second one, and its scratch folder was still there.
    assert reports[1]["executed"] == [three] and reports[1]["replayed"] == []
    assert "three, again: written by the first block" in site.page("snapshots")
    # serve() has already failed if the daemon of the first block or a snapshot outlived on_shutdown.
