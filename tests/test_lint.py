"""The Python code passes the same ruff checks as the pre-commit hook, run the obvious way: from the root."""

import subprocess
import sys

from scripts.project_copy import ROOT


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check_from_the_root_finds_nothing():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_check_from_the_root_finds_nothing():
    result = ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, "run `.venv/bin/ruff format .`:\n" + result.stdout + result.stderr


def test_the_root_commands_see_every_python_file_and_no_post():
    # An exclude that swallowed a code folder would make the two tests above pass vacuously.
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = ruff("check", "--no-cache", "--show-files", ".").stdout
    seen = {line.strip() for line in listed.splitlines()}
    assert tracked.stdout.split(), "git lists no Python file"
    missing = [name for name in tracked.stdout.split() if str(ROOT / name) not in seen]
    assert missing == [], f"ruff skips {missing}"
    assert "/tests/bad_snippets/" not in listed and "/docs/" not in listed


def test_the_lint_check_can_fail(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import os\n")  # an unused import
    assert ruff("check", "--no-cache", str(broken)).returncode != 0
