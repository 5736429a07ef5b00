"""scripts/build.py: a failed build leaves the last good site untouched; a good one replaces it whole."""

from __future__ import annotations

import os
import subprocess
import sys

from scripts import build as build_script
from scripts.project_copy import ROOT, copy_project

BROKEN = "---\ntitle: Broken\ndate: 2026-11-20\nauthors: [nobody]\ncategories: [Mathematics]\ndescription: x\n---\n"


def run_build(project, site):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project,
        env={**os.environ, "BLOG_CACHE_DIR": str(project / ".cache")},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_failed_build_keeps_the_last_good_site_and_a_good_one_replaces_it(tmp_path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"

    first = run_build(project, site)
    assert first.returncode == 0, first.stderr[-4000:]
    index = (site / "index.html").read_bytes()
    (site / "left-by-the-last-good-build.txt").write_text("still here")

    (project / "docs" / "blog" / "posts" / "broken.md").write_text(BROKEN)
    failed = run_build(project, site)
    assert failed.returncode != 0
    assert f"Build failed: {site} was left as it was." in failed.stderr
    assert (site / "left-by-the-last-good-build.txt").read_text() == "still here"
    assert (site / "index.html").read_bytes() == index
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # no staging directory left behind

    (project / "docs" / "blog" / "posts" / "broken.md").unlink()
    again = run_build(project, site)
    assert again.returncode == 0, again.stderr[-4000:]
    assert not (site / "left-by-the-last-good-build.txt").exists()  # the whole tree was swapped, not merged
    assert (site / "index.html").is_file()
    assert oct(site.stat().st_mode & 0o777) == oct(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_no_cache_reaches_the_build_as_blog_no_cache(tmp_path, monkeypatch):
    seen = {}

    def fake_mkdocs_build(config_file, site_dir, env):
        seen["env"] = env
        return 1  # fail, so nothing is swapped

    monkeypatch.setattr(build_script, "mkdocs_build", fake_mkdocs_build)
    monkeypatch.delenv("BLOG_NO_CACHE", raising=False)
    args = ["-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")]
    assert build_script.main([*args, "--no-cache"]) == 1
    assert seen["env"]["BLOG_NO_CACHE"] == "1"
    assert build_script.main(args) == 1
    assert "BLOG_NO_CACHE" not in seen["env"]
    assert not (tmp_path / "site").exists()


def test_exit_status_0_without_the_finished_marker_is_a_failed_build(tmp_path, monkeypatch):
    # What a process that ends itself early with status 0 looks like to the wrapper: no marker written.
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site")
    seen = {}

    def ends_early(config_file, site_dir, env):
        seen["marker"] = env["BLOG_BUILD_DONE"]
        return 0

    monkeypatch.setattr(build_script, "mkdocs_build", ends_early)
    assert build_script.main(["-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]) == 1
    assert (site / "index.html").read_text() == "the last good site"
    assert not seen["marker"].startswith(str(site))  # the marker is never inside the site that is published
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_staging_left_by_a_killed_build_is_removed_by_the_next(tmp_path, monkeypatch):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f".site-new-{dead.stdout.strip()}-abc123"
    (abandoned / "assets").mkdir(parents=True)
    in_use = tmp_path / f".site-new-{os.getpid()}-def456"  # a build still running (this process) keeps its own
    in_use.mkdir()
    monkeypatch.setattr(build_script, "mkdocs_build", lambda config_file, site_dir, env: 1)
    assert build_script.main(["-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")]) == 1
    assert not abandoned.exists()
    assert in_use.exists()
