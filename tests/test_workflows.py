"""CI configuration: a PR check that cannot leak, a deploy with the official Pages actions, the locked ruff."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get(True, workflow.get("on"))
    return {on: None} if isinstance(on, str) else dict(on)


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict) -> dict[str, str]:
    """Action name (owner/repo) to the full reference each step uses."""
    return {step["uses"].split("@")[0]: step["uses"] for step in steps(workflow) if "uses" in step}


@pytest.fixture(params=["pr.yml", "post.yml", "deploy.yml", "verify.yml"])
def workflow_file(request) -> Path:
    return WORKFLOWS / request.param


def test_every_action_is_pinned_to_a_commit_with_its_version_noted(workflow_file):
    text = workflow_file.read_text()
    references = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert references
    for reference, comment in references:
        assert PINNED.match(reference), f"{workflow_file.name}: {reference} is not pinned to a full commit SHA"
        assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), f"{workflow_file.name}: {reference} lacks a # vX.Y.Z note"


def test_only_official_actions_no_secrets_and_no_pull_request_target(workflow_file):
    workflow = load(workflow_file.name)
    code = "\n".join(line.split("#")[0] for line in workflow_file.read_text().splitlines())  # comments aside
    assert all(name.startswith("actions/") for name in uses(workflow))
    assert "secrets." not in code
    assert "pull_request_target" not in triggers(workflow)
    assert "pull_request_target" not in code


def test_the_engine_tests_run_read_only_on_pull_request_when_the_engine_changed():
    workflow = load("pr.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert workflow["permissions"] == {}  # nothing by default; each job asks for what it needs
    assert all(job["permissions"] == {"contents": "read"} for job in workflow["jobs"].values())
    test = workflow["jobs"]["test"]
    assert test["needs"] == "changes" and test["if"] == "needs.changes.outputs.engine == 'true'"
    assert re.search(r"^make test$", runs(workflow), re.M)
    assert re.search(r"apt-get install .*\bchromium\b", runs(workflow))
    checkout = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout and checkout[0]["with"]["persist-credentials"] is False


def test_the_deploy_runs_on_main_or_by_hand_and_never_in_a_fork():
    workflow = load("deploy.yml")
    assert set(triggers(workflow)) == {"push", "workflow_dispatch"}
    assert triggers(workflow)["push"]["branches"] == ["main"]
    for name, job in workflow["jobs"].items():
        assert job.get("if") == "github.event.repository.fork == false", name


def test_only_the_deploy_job_may_write_to_pages_and_it_runs_nothing_of_the_repository():
    workflow = load("deploy.yml")
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        assert writes == ({"pages", "id-token"} if name == "deploy" else set()), name
        if any("run" in step or step.get("uses", "").startswith("actions/checkout@") for step in job["steps"]):
            assert job["permissions"] == {"contents": "read"}, f"{name} runs the repository's code"
    assert [step["uses"].split("@")[0] for step in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]


def test_nothing_is_published_that_fails_the_pr_check():
    deploy, pr = load("deploy.yml")["jobs"], load("pr.yml")["jobs"]
    # The deploy's test job is the engine tests' job, field for field (the guards that decide whether it runs aside):
    # on main it always runs.
    assert {k: v for k, v in deploy["test"].items() if k != "if"} == {
        k: v for k, v in pr["test"].items() if k not in ("if", "needs")
    }
    assert "test" in deploy["build"]["needs"]
    assert deploy["deploy"]["needs"] == "build"


def test_the_build_is_strict_and_dated_by_the_real_pages_address():
    jobs = load("deploy.yml")["jobs"]
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(
        uses(load("deploy.yml"))
    )
    (configure,) = [s for s in jobs["pages"]["steps"] if s.get("uses", "").startswith("actions/configure-pages@")]
    assert jobs["pages"]["outputs"]["base_url"] == "${{ steps." + configure["id"] + ".outputs.base_url }}"
    build_steps = jobs["build"]["steps"]
    make_build = next(s for s in build_steps if s.get("run", "").strip() == "make build")
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert "pages" in jobs["build"]["needs"]
    assert make_build["env"]["SITE_URL"] == "${{ needs.pages.outputs.base_url }}"
    assert build_steps.index(make_build) < build_steps.index(upload)
    assert upload["with"]["path"] == "site"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def zizmor(*paths) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "zizmor"  # the pinned one, installed beside this Python
    return subprocess.run(
        [str(executable), "--offline", "--no-progress", *map(str, paths)], capture_output=True, text=True, timeout=120
    )


def test_zizmor_finds_nothing_in_the_workflows():
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_the_zizmor_check_can_fail(tmp_path):
    # The deploy's old mistake in miniature: Pages permissions for a whole workflow whose job runs code.
    (tmp_path / "deploy.yml").write_text(
        "name: Deploy\non:\n  push:\n    branches: [main]\n"
        "permissions:\n  contents: read\n  pages: write\n  id-token: write\n"
        "jobs:\n"
        "  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make build\n"
        "  deploy:\n    needs: build\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5\n"
    )
    result = zizmor(tmp_path / "deploy.yml")
    assert result.returncode != 0
    assert "excessive-permissions" in result.stdout


def test_an_action_has_the_same_pin_in_both_workflows():
    pr, deploy = uses(load("pr.yml")), uses(load("deploy.yml"))
    for name in set(pr) & set(deploy):
        assert pr[name] == deploy[name], name


def test_pre_commit_runs_the_locked_ruff_with_the_projects_excludes():
    root = WORKFLOWS.parent.parent
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    lock = (root / "requirements.lock").read_text()
    locked = re.search(r"^ruff==([^\s\\]+)", lock, re.M).group(1)
    (ruff,) = [repo for repo in config["repos"] if repo["repo"] == "https://github.com/astral-sh/ruff-pre-commit"]
    assert ruff["rev"] == f"v{locked}"
    hooks = {hook["id"]: hook for hook in ruff["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format"}
    # No `files:` of its own: pre-commit names files one by one, and ruff skips the excluded ones only
    # because pyproject.toml forces its excludes (tests/test_lint.py checks what those excludes leave).
    assert all("files" not in hook and "exclude" not in hook for hook in hooks.values())
    ruff_config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff_config["force-exclude"] is True


def test_every_job_that_runs_snippets_requires_the_sandbox(workflow_file):
    workflow = yaml.safe_load(workflow_file.read_text())
    running = [
        job
        for job in workflow["jobs"].values()
        if any(re.search(r"\bmake (test|build|verify|preview)\b", step.get("run", "")) for step in job["steps"])
    ]
    assert running, "no job of this workflow builds the site"
    for job in running:
        assert job.get("env", {}).get("LIVE_MATH_SANDBOX") == "required", job


def test_the_post_check_builds_verifies_uploads_the_preview_and_summarizes_read_only():
    workflow = load("post.yml")
    assert set(triggers(workflow)) == {"pull_request"} and workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"} and job["env"]["CI"] == "true"
    (preview,) = [step for step in job["steps"] if "make preview" in step.get("run", "")]
    assert preview["run"] == 'make preview BASE="$BASE" SUMMARY="$GITHUB_STEP_SUMMARY"'
    assert preview["env"]["BASE"] == "${{ github.event.pull_request.base.sha }}"
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}  # the base commit is needed
    (cache,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert job["steps"].index(cache) < job["steps"].index(preview)
    assert all(f"'{lock}'" in cache["with"]["key"] for lock in ("requirements.lock", "package-lock.json"))
    assert {".venv", "node_modules"} <= set(cache["with"]["path"].split())
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert job["steps"].index(upload) > job["steps"].index(preview) and upload["with"]["path"] == "preview"
    assert upload["if"] == "${{ !cancelled() }}"  # a failed check still uploads what it built


ENGINE_FILES = [
    "live_math/_internal/plugin.py", "snippets/autodiff.py", "scripts/build.py", "tests/test_build.py",
    "overrides/main.html", "docs/assets/javascripts/cards.js", ".github/workflows/pr.yml", ".ci/run", "mkdocs.yml",
    "pyproject.toml", "requirements.lock", "package.json", "package-lock.json", "Makefile",
]  # fmt: skip
POST_FILES = ["docs/blog/posts/x.md", "frozen/docs/blog/posts/x.md.json", "docs/blog/posts/data/points.csv"]


def test_the_engine_paths_cover_what_the_build_and_tests_read_and_not_the_posts():
    from scripts.project_copy import COPIED

    (step,) = [s for s in load("pr.yml")["jobs"]["changes"]["steps"] if s.get("id") == "paths"]
    engine = re.compile(step["env"]["ENGINE"])
    assert "$ENGINE" in step["run"] and "$BASE" in step["run"]
    root = WORKFLOWS.parent.parent
    # Every top-level file or folder a build reads (as the tests copy a project) but the posts' own folder.
    read = [name for name in COPIED if name != "docs"] + ["live_math", "scripts", "tests", ".github"]
    for name in read:
        sample = f"{name}/x" if (root / name).is_dir() else name
        assert engine.search(sample), f"{sample} changes the engine but would not run its tests"
    assert all(engine.search(path) for path in ENGINE_FILES), [p for p in ENGINE_FILES if not engine.search(p)]
    assert not any(engine.search(path) for path in POST_FILES)


def test_dependency_updates_come_weekly_for_actions_python_and_npm():
    config = yaml.safe_load((WORKFLOWS.parent / "dependabot.yml").read_text())
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    assert all(update["schedule"]["interval"] == "weekly" and update["directory"] == "/" for update in updates.values())


def test_every_locked_package_carries_its_hashes_and_the_install_requires_them():
    root = WORKFLOWS.parent.parent
    lock = (root / "requirements.lock").read_text()
    pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M)
    requirements = [line for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)]
    assert len(pins) == len(requirements) > 50, "a pinned package without a hash"
    makefile = (root / "Makefile").read_text()
    assert re.search(r"pip install .*--require-hashes -r requirements\.lock", makefile)
    assert "--generate-hashes" in makefile  # `make lock` writes them again
