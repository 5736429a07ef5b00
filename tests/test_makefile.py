"""The Makefile as a newcomer meets it: `make` lists the targets, a busy port is one line, `make post` takes
every option, `make clean` keeps the caches, and `make setup` names missing tools before installing anything."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts.check_tools import problems
from scripts.project_copy import ROOT, copy_project

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")
FOR_MAKE = ["Makefile", "requirements.lock", "pyproject.toml", "package.json", "package-lock.json", "scripts"]


def make(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=cwd,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def phony_targets() -> list[str]:
    (line,) = re.findall(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M)
    return line.split()


@pytest.fixture
def make_project(tmp_path) -> Path:
    """A copy of the project that make can run in, sharing this checkout's installed .venv/ and node_modules/."""
    project = copy_project(tmp_path / "project")
    for name in FOR_MAKE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)  # copy2 keeps the dates, so make finds setup already done
    (project / ".venv").symlink_to(ROOT / ".venv")
    return project


def test_plain_make_lists_every_target_one_line_each():
    plain, help_ = make(), make("help")
    assert plain.returncode == help_.returncode == 0, plain.stderr
    assert plain.stdout == help_.stdout
    lines = plain.stdout.splitlines()
    listed = [re.match(r"\s*make (\S+)\s+\S", line).group(1) for line in lines]
    assert sorted(listed) == sorted(phony_targets())
    assert len(lines) == len(listed)


def test_a_busy_port_is_one_line_naming_it_and_another():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = make("serve", f"PORT={port}")
    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert f"Port {port} on 127.0.0.1 is already in use" in line
    suggested = int(re.search(r"`make serve PORT=(\d+)` is free", line).group(1))
    assert suggested != port


def test_a_port_that_is_not_a_number_is_refused_before_mkdocs_starts():
    result = make("serve", "PORT=80x", "HOST=127.0.0.1")
    assert result.returncode != 0
    (line,) = result.stderr.splitlines()
    assert "PORT='80x' is not a port number" in line


def test_make_post_passes_category_author_and_date(make_project):
    title = 'It\'s $5: a "quoted" title'
    env = {**os.environ, "CATEGORY": "Cooking"}  # from the environment: ignored, only the command line counts
    made = make("post", f"TITLE={title}", "AUTHOR=editor", "DATE=2026-03-04", cwd=make_project, env=env)
    assert made.returncode == 0, made.stderr
    path = re.search(r"^Created (\S+)$", made.stdout, re.M).group(1)
    meta = yaml.safe_load((make_project / path).read_text().split("---\n")[1])
    assert meta["title"] == title
    assert meta["authors"] == ["editor"]
    assert str(meta["date"]) == "2026-03-04"
    assert meta["categories"] == ["Machine learning"]  # the first allowed, not the environment's "Cooking"

    assert "Open http://127.0.0.1:8000/2026/03/04/" in made.stdout

    made = make("post", "TITLE=Second", "CATEGORY=Numerics", "DATE=2026-03-05", "PORT=8123", cwd=make_project)
    assert made.returncode == 0, made.stderr
    assert "Open http://127.0.0.1:8123/2026/03/05/second/ after `make serve`." in made.stdout  # serve's port
    meta = yaml.safe_load((make_project / "docs/blog/posts/second.md").read_text().split("---\n")[1])
    assert meta["categories"] == ["Numerics"]

    refused = make("post", "TITLE=Third", "AUTHOR=nobody", cwd=make_project)
    assert refused.returncode != 0
    assert "author 'nobody' is not one of editor" in refused.stderr


def test_make_clean_keeps_the_cache_and_says_so_and_clean_cache_clears_it(make_project):
    (make_project / "site").mkdir()
    (make_project / "site" / "index.html").write_text("old site")
    cached = make_project / ".cache" / "execution" / "entry.json"
    cached.parent.mkdir(parents=True)
    cached.write_text("{}")

    cleaned = make("clean", cwd=make_project)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (make_project / "site").exists()
    assert cached.exists()
    assert "Kept .cache/" in cleaned.stdout and "make clean-cache" in cleaned.stdout

    cleared = make("clean-cache", cwd=make_project)
    assert cleared.returncode == 0, cleared.stderr
    assert not (make_project / ".cache").exists()
    assert (make_project / ".venv").is_symlink()  # the shared installation is left alone


def test_make_setup_names_every_missing_tool_and_installs_nothing(tmp_path):
    for name in FOR_MAKE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / name)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "python3").symlink_to(sys.executable)
    (tools / "node").write_text("#!/bin/sh\necho v16.20.2\n")  # too old; and no npm at all
    (tools / "node").chmod(0o755)
    result = make("setup", cwd=tmp_path, env={**os.environ, "PATH": str(tools)})
    assert result.returncode != 0
    assert "Node.js >= 18 is needed, but `node --version` says v16.20.2" in result.stderr
    assert "npm is needed" in result.stderr
    assert not (tmp_path / ".venv").exists() and not (tmp_path / "node_modules").exists()


def test_the_tool_check_names_an_old_python():
    found = problems((3, 10, 4), "/usr/bin/python3", "v20.1.0", "10.2.0")
    assert len(found) == 1 and "Python >= 3.11 is needed, but /usr/bin/python3 is 3.10" in found[0]
    assert problems((3, 11, 0), "python3", "v18.0.0", "9.0.0") == []
    assert any("`node` was not found" in p for p in problems((3, 12), "python3", None, "9.0.0"))
