"""The Python code passes the same ruff checks as the pre-commit hook, so the PR check reports style too."""

import subprocess
import sys

from scripts.project_copy import ROOT

PYTHON_DIRS = ["live_math", "scripts", "snippets", "tests"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_no_lint_errors():
    result = ruff("check", *PYTHON_DIRS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_files_are_formatted():
    python_files = sorted(str(p.relative_to(ROOT)) for d in PYTHON_DIRS for p in (ROOT / d).rglob("*.py"))
    result = ruff("format", "--check", *python_files)
    assert result.returncode == 0, "run `.venv/bin/ruff format` on:\n" + result.stdout + result.stderr


def test_the_lint_check_can_fail(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import os\n")  # an unused import
    assert ruff("check", "--no-cache", str(broken)).returncode != 0
