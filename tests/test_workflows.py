"""CI configuration: a PR check that cannot leak, a deploy with the official Pages actions, the locked ruff."""

from __future__ import annotations

import re
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


@pytest.fixture(params=["pr.yml", "deploy.yml"])
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


def test_the_pr_check_runs_the_tests_read_only_on_pull_request():
    workflow = load("pr.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())  # no job widens them
    assert re.search(r"^make test$", runs(workflow), re.M)
    assert re.search(r"apt-get install .*\bchromium\b", runs(workflow))
    checkout = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout and checkout[0]["with"]["persist-credentials"] is False


def test_the_deploy_builds_main_and_publishes_with_the_official_pages_actions():
    workflow = load("deploy.yml")
    assert set(triggers(workflow)) == {"push"}
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses(workflow))

    build_steps = workflow["jobs"]["build"]["steps"]
    configure = next(s for s in build_steps if s.get("uses", "").startswith("actions/configure-pages@"))
    make_build = next(s for s in build_steps if s.get("run", "").strip() == "make build")
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert make_build["env"]["SITE_URL"] == "${{ steps." + configure["id"] + ".outputs.base_url }}"
    assert build_steps.index(configure) < build_steps.index(make_build) < build_steps.index(upload)
    assert upload["with"]["path"] == "site"

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_an_action_has_the_same_pin_in_both_workflows():
    pr, deploy = uses(load("pr.yml")), uses(load("deploy.yml"))
    for name in set(pr) & set(deploy):
        assert pr[name] == deploy[name], name


def test_pre_commit_runs_the_locked_ruff_with_the_projects_excludes():
    root = WORKFLOWS.parent.parent
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    lock = (root / "requirements.lock").read_text()
    locked = re.search(r"^ruff==(\S+)$", lock, re.M).group(1)
    (ruff,) = [repo for repo in config["repos"] if repo["repo"] == "https://github.com/astral-sh/ruff-pre-commit"]
    assert ruff["rev"] == f"v{locked}"
    hooks = {hook["id"]: hook for hook in ruff["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format"}
    # No `files:` of its own: pre-commit names files one by one, and ruff skips the excluded ones only
    # because pyproject.toml forces its excludes (tests/test_lint.py checks what those excludes leave).
    assert all("files" not in hook and "exclude" not in hook for hook in hooks.values())
    ruff_config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff_config["force-exclude"] is True
