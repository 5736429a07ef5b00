"""A sandboxed worker to run hostile snippets in, on a throwaway project: one workers' parent per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from live_math._internal.execution.workers import Zygote
from live_math._internal.sandbox.policy import Sandbox, Scratch
from scripts.project_copy import ROOT
from tests.live_math.sandbox.required import require_sandbox

BLOCK = {"first_line": 1, "width": None, "timeout": 20.0, "memory": 2**31, "max_output": 2**20}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with docs/, snippets/, data/, .git/config holding a token, a site/ and a .cache/."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "snippets", project / "snippets", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for folder, name, text in [
        ("data", "points.csv", "x,y\n1,2\n"),
        (".git", "config", "[remote]\n\turl = https://user:TOKEN-IN-GIT-CONFIG@example.invalid/repo\n"),
        ("site", "index.html", "the published page\n"),
        (".cache", "entry.json", "{}\n"),
    ]:
        (project / folder).mkdir()
        (project / folder / name).write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def sandbox(project) -> Sandbox:
    require_sandbox()
    return Sandbox("required", [project / "docs", project / "snippets", project / "data"], [], project)


@pytest.fixture(scope="module")
def zygote(sandbox):
    zygote = Zygote([], sandbox.environment())
    zygote.wait_ready()
    yield zygote
    zygote.close()


@pytest.fixture
def run(zygote, sandbox, project):
    """``run(code, ...)``: run each piece of code as the next block of one sandboxed session; return the last
    block's output (a str) or its Failure. The session's worker has ended when it returns."""

    def run(*blocks: str):
        worker = zygote.fork()
        scratch = Scratch(zygote.scratch_root)
        policy, environment = sandbox.session(scratch.path)
        worker.start(
            {"root": str(project), "path": [str(project)], "helpers": [str(project / "snippets")]}
            | {"filename": "docs/post.md", "source": "\n".join(blocks), "module": "snippet_test"}
            | {"environment": environment, "sandbox": policy}
        )
        try:
            for code in blocks:
                outcome = worker.run(BLOCK | {"code": code, "workdir": str(project)})
                if not isinstance(outcome, str):
                    break
        finally:
            worker.close()
            scratch.release()
        return outcome

    return run
