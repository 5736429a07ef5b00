"""Frozen outputs (live_math/_internal/execution/frozen.py, scripts/verify.py): a build takes a page's outputs
from frozen/ when its snippets, helpers and data are unchanged, whatever the package versions; it runs and
refreezes exactly the pages whose code changed; CI never writes them; ``make verify`` catches a frozen number
the code does not print.

Builds are strict builds of throwaway copies of the project (tests/live_math/execution/test_execution.py's
Site), with ``execution.freeze: auto``; what ran is read from the build's report and from the file each
snippet appends its name to when it really runs.
"""

from __future__ import annotations

import filecmp
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from live_math._internal.execution.frozen import (
    Frozen,
    FrozenBlock,
    FrozenFileError,
    provenance_line,
    read_frozen,
    write_frozen,
)
from scripts.project_copy import ROOT, build, copy_project
from tests.live_math.execution.test_execution import POSTS, Site, post

ALPHA = """
```python exec="on" session="a"
from snippets.run_log import record
from snippets.scale import factor
record("a1")
x = 2 * factor()
print(f"alpha: x = {x}")
```

Some prose.

```python exec="on" session="a"
record("a2")
print(f"alpha: x + 1 = {x + 1}")
```
"""

BETA = """
```python exec="on"
from snippets.run_log import record
record("b1")
print("beta: 40 + 2 =", 40 + 2)
```
"""


class FrozenSite(Site):
    """A Site whose builds freeze outputs, with two posts: ``a.md`` imports snippets/scale.py, ``b.md`` does not."""

    def __init__(self, tmp_path: Path):
        super().__init__(tmp_path, {"a.md": post("Alpha", ALPHA), "b.md": post("Beta", BETA)})
        (self.project / "snippets" / "scale.py").write_text("def factor():\n    return 3\n")
        self.set_freeze("auto")

    def build(self, **env: str):
        # Not a CI build unless a test says so: the PR check itself runs these tests under CI=true.
        return super().build(**{"CI": "false", **env})

    def set_freeze(self, mode: str) -> None:
        config = self.project / "mkdocs.yml"
        settings = config.read_text(encoding="utf-8")
        old = next(line for line in settings.splitlines() if line.strip().startswith("freeze:"))
        config.write_text(settings.replace(old, f"        freeze: {mode}"), encoding="utf-8")

    def frozen(self, name: str) -> Path:
        return self.project / "frozen" / POSTS / f"{name}.json"

    def verify(self, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, str(ROOT / "scripts" / "verify.py"), "-f", str(self.project / "mkdocs.yml"), *args]
        env = {"RUN_LOG": str(self.runs), "PATH": "/usr/bin:/bin", "HOME": str(self.tmp)}
        env["LIVE_MATH_SANDBOX"] = "off"  # record() writes the run log, outside any sandboxed snippet's reach
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def frozen_output(path: Path, block: int) -> list[str]:
    return json.loads(path.read_text(encoding="utf-8"))["blocks"][block]["output"]


def test_a_clean_build_with_frozen_outputs_runs_nothing_and_makes_the_same_site(tmp_path):
    site = FrozenSite(tmp_path)
    a1, a2 = site.locations("a.md")
    (b1,) = site.locations("b.md")

    dated = {"SOURCE_DATE_EPOCH": "1767323045"}  # not a git checkout: the feeds would be dated by the clock
    first = site.build_ok(**dated)
    assert sorted(first["executed"]) == sorted([a1, a2, b1]) and first["frozen"] == []
    stored = json.loads(site.frozen("a.md").read_text(encoding="utf-8"))
    assert [block["at"] for block in stored["blocks"]] == [a1, a2]
    assert stored["blocks"][0]["output"] == ["alpha: x = 6", ""]  # one line of the file per line of output
    assert stored["refresh"] == f"make refreeze POST={POSTS}/a.md"
    assert stored["computed"]["python"] == ".".join(map(str, sys.version_info[:3]))
    executed_site = tmp_path / "executed-site"
    shutil.copytree(tmp_path / "site", executed_site)

    shutil.rmtree(site.cache)  # a fresh clone: the frozen files, and no cache
    fresh = site.build_ok(**dated)
    assert fresh["executed"] == [] and fresh["cached"] == [] and site.ran() == []
    assert sorted(fresh["frozen"]) == sorted([a1, a2, b1])
    comparison = filecmp.dircmp(executed_site, tmp_path / "site")
    assert _all_same(comparison), "the site built from frozen outputs differs from the one that ran them"


def _all_same(comparison: filecmp.dircmp) -> bool:
    # dircmp compares file contents only when shallow=False; do it per file for every common file.
    for name in comparison.common_files:
        if not filecmp.cmp(Path(comparison.left) / name, Path(comparison.right) / name, shallow=False):
            return False
    if comparison.left_only or comparison.right_only or comparison.common_funny:
        return False
    return all(_all_same(sub) for sub in comparison.subdirs.values())


def test_a_new_package_version_reruns_nothing_when_frozen_and_everything_when_not(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    # What a dependency upgrade does to the cache: every key changes. Keying it by one more package does that.
    config = site.project / "mkdocs.yml"
    settings = config.read_text(encoding="utf-8")
    config.write_text(settings.replace("        freeze:", "        cache_packages: [numpy, pip]\n        freeze:"))
    frozen = site.build_ok()
    assert frozen["executed"] == [] and site.ran() == []
    site.set_freeze("off")
    unfrozen = site.build_ok()
    assert sorted(unfrozen["executed"]) == sorted(site.locations("a.md") + site.locations("b.md"))


def test_an_edited_fence_reruns_its_page_alone_and_rewrites_only_its_frozen_file(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    beta_before = site.frozen("b.md").read_bytes()
    site.edit(
        "a.md", 'record("a2")\nprint(f"alpha: x + 1 = {x + 1}")', 'record("a2")\nprint(f"alpha: x + 2 = {x + 2}")'
    )
    a1, a2 = site.locations("a.md")
    stats = site.build_ok()
    assert stats["executed"] == [a2] and stats["cached"] == [a1]  # its session's first block: from the cache
    assert stats["frozen"] == site.locations("b.md")
    assert frozen_output(site.frozen("a.md"), 1) == ["alpha: x + 2 = 8", ""]
    assert site.frozen("b.md").read_bytes() == beta_before


def test_an_edited_helper_reruns_only_the_pages_that_import_it(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    beta_before = site.frozen("b.md").read_bytes()
    (site.project / "snippets" / "scale.py").write_text("def factor():\n    return 5\n")
    stats = site.build_ok()
    assert sorted(stats["executed"]) == sorted(site.locations("a.md"))
    assert sorted(site.ran()) == ["a1", "a2"]
    assert frozen_output(site.frozen("a.md"), 0) == ["alpha: x = 10", ""]
    assert site.frozen("b.md").read_bytes() == beta_before


def test_a_data_file_the_code_names_is_part_of_the_key(tmp_path):
    site = FrozenSite(tmp_path)
    (site.project / "docs" / "blog" / "posts" / "numbers.txt").write_text("7\n")
    reading = (
        '```python exec="on"\nfrom pathlib import Path\nprint(Path("docs/blog/posts/numbers.txt").read_text())\n```'
    )
    site.write("c.md", post("Gamma", reading))
    site.build_ok()
    (site.project / "docs" / "blog" / "posts" / "numbers.txt").write_text("8\n")
    stats = site.build_ok()
    assert stats["executed"] == site.locations("c.md")
    assert frozen_output(site.frozen("c.md"), 0)[0] == "8"


def test_ci_never_writes_and_names_the_post_and_the_refresh_command(tmp_path):
    site = FrozenSite(tmp_path)
    result = site.build(CI="true")
    assert result.returncode != 0
    for name in ("a.md", "b.md"):
        assert f"make refreeze POST={POSTS}/{name}" in result.stderr
        assert not site.frozen(name).exists()
    assert "is missing" in result.stderr

    site.build_ok()
    site.edit("b.md", "40 + 2", "40 + 3")
    stale = site.build(CI="true")
    assert stale.returncode != 0
    assert f"{POSTS}/b.md: its frozen outputs (frozen/{POSTS}/b.md.json) are stale" in stale.stderr
    assert f"{POSTS}/a.md" not in stale.stderr
    site.edit("b.md", "40 + 3", "40 + 2")
    assert site.build_ok(CI="true")["executed"] == []


def test_a_page_and_its_notebook_show_the_frozen_outputs_and_when_they_were_computed(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    path = site.frozen("b.md")
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["blocks"][0]["output"] = ["beta: 40 + 2 = 43", ""]  # the key still matches: the build trusts it
    stored["computed"] = {"date": "2020-01-02", "python": "3.11.0", "packages": {"numpy": "1.0"}}
    path.write_text(json.dumps(stored, indent=1), encoding="utf-8")
    assert site.build_ok()["executed"] == []
    page = site.page("beta")
    assert "beta: 40 + 2 = 43" in page
    assert "Outputs computed on 2020-01-02 with Python 3.11.0 and numpy 1.0." in page
    notebook_zip = tmp_path / "site" / "2026" / "11" / "20" / "beta" / "beta.zip"
    with zipfile.ZipFile(io.BytesIO(notebook_zip.read_bytes())) as archive:
        assert "beta: 40 + 2 = 43" in archive.read("beta/beta.ipynb").decode()

    # ... which is why make verify exists: it runs the page again and names the block that differs.
    orphan = site.project / "frozen" / POSTS / "gone.md.json"
    orphan.write_bytes(site.frozen("b.md").read_bytes())
    result = site.verify()
    assert f"frozen/{POSTS}/gone.md.json: orphaned, {POSTS}/gone.md has no executable snippet" in result.stdout
    assert result.returncode == 1, result.stdout + result.stderr
    (b1,) = site.locations("b.md")
    assert f"{POSTS}/b.md: changed\n  {b1}:" in result.stdout
    assert "frozen: beta: 40 + 2 = 43" in result.stdout and "fresh:  beta: 40 + 2 = 42" in result.stdout
    assert f"{POSTS}/a.md: unchanged" in result.stdout


def test_verify_reports_a_failing_snippet_and_refreeze_keeps_the_old_file(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    before = site.frozen("a.md").read_bytes()
    (site.project / "snippets" / "scale.py").write_text("def factor():\n    raise ValueError('no factor today')\n")
    result = site.verify()
    assert result.returncode == 1
    a1 = site.locations("a.md")[0]
    assert f"{POSTS}/a.md: failed\n  {a1}:" in result.stdout and "no factor today" in result.stdout
    refrozen = site.verify("--refreeze", f"{POSTS}/a.md")
    assert refrozen.returncode == 1 and "frozen outputs left as they were" in refrozen.stdout
    assert site.frozen("a.md").read_bytes() == before


def test_refreeze_writes_the_chosen_page_only(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    beta_before = site.frozen("b.md").read_bytes()
    site.frozen("a.md").unlink()
    result = site.verify("--refreeze", f"{POSTS}/a.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert frozen_output(site.frozen("a.md"), 1) == ["alpha: x + 1 = 7", ""]
    assert site.frozen("b.md").read_bytes() == beta_before
    assert site.build_ok(CI="true")["executed"] == []  # what refreeze wrote is what the build expects


def test_base_selects_the_pages_whose_source_frozen_file_or_helpers_changed(tmp_path):
    site = FrozenSite(tmp_path)
    site.write("c.md", post("Gamma", '```python exec="on"\nprint("gamma")\n```'))
    site.build_ok()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=site.project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=site.project, check=True)
    subprocess.run([*git, "commit", "-qm", "posts"], cwd=site.project, check=True)

    assert "0 page(s) changed since HEAD" in site.verify("--base", "HEAD").stdout
    (site.project / "snippets" / "scale.py").write_text("def factor():\n    return 3  # same\n")  # a.md imports it
    stored = site.frozen("c.md")
    stored.write_text(stored.read_text(encoding="utf-8").replace('"gamma"', '"gamma!"'), encoding="utf-8")
    result = site.verify("--base", "HEAD")
    assert f"2 page(s) changed since HEAD: {POSTS}/a.md, {POSTS}/c.md\n" in result.stdout, result.stdout
    assert f"{POSTS}/a.md: stale" in result.stdout  # same outputs, but the helper changed: refreeze it
    assert f"{POSTS}/c.md: changed" in result.stdout
    assert result.returncode == 1

    bad = site.verify("--base", "no-such-ref")
    assert bad.returncode != 0 and "--base no-such-ref: git could not compare with it" in bad.stderr


def test_an_unknown_freeze_mode_is_refused(tmp_path):
    site = FrozenSite(tmp_path)
    site.set_freeze("sometimes")
    result = site.build()
    assert result.returncode != 0 and "freeze" in result.stderr and "'auto', 'off'" in result.stderr


def test_the_real_posts_frozen_outputs_are_current(tmp_path):
    """The committed frozen/ files match the real posts: a fresh clone runs no snippet (and CI can build)."""
    project = copy_project(tmp_path / "project", keep_posts=True, frozen=True)
    stats = tmp_path / "stats.json"
    env = {"CI": "true", "BLOG_CACHE_DIR": str(tmp_path / "cache"), "BLOG_EXEC_STATS": str(stats)}
    result = build(project, tmp_path / "site", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = json.loads(stats.read_text())
    assert counts["executed"] == [] and counts["frozen"], counts


def test_a_frozen_file_keeps_any_output_exactly_and_a_broken_one_is_named(tmp_path):
    output = "trailing space \n\ttab\n\n$$x = 1$$\r\n\x1b[0m ünïcode\n"
    frozen = Frozen("docs/p.md", "k" * 64, {"date": "2026-01-02", "python": "3.11.7", "packages": {}}, [])
    frozen.blocks.append(FrozenBlock("docs/p.md:3", output, measured=True))
    path = tmp_path / "frozen" / "docs" / "p.md.json"
    write_frozen(path, frozen)
    assert read_frozen(path) == frozen
    assert '    "\\ttab",\n' in path.read_text(encoding="utf-8")
    assert read_frozen(tmp_path / "nothing.json") is None

    path.write_text(path.read_text(encoding="utf-8").replace('"measured": true', '"measured": "yes"'))
    with pytest.raises(FrozenFileError, match=r"p\.md\.json: not a frozen-outputs file .*true or false"):
        read_frozen(path)
    path.write_text("{ not json")
    with pytest.raises(FrozenFileError, match=r"p\.md\.json: not a frozen-outputs file"):
        read_frozen(path)


def test_the_provenance_line_lists_python_and_the_packages():
    computed = {"date": "2026-12-07", "python": "3.11.7", "packages": {"matplotlib": "3.11.2", "numpy": "2.4.6"}}
    assert (
        provenance_line(computed)
        == "Outputs computed on 2026-12-07 with Python 3.11.7, matplotlib 3.11.2 and numpy 2.4.6."
    )
    assert (
        provenance_line({"date": "2026-12-07", "python": "3.11.7"})
        == "Outputs computed on 2026-12-07 with Python 3.11.7."
    )


def test_a_broken_frozen_file_is_rewritten_by_a_build_and_named_under_ci(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    site.frozen("b.md").write_text("{ broken", encoding="utf-8")
    failed = site.build(CI="true")
    assert failed.returncode != 0
    assert f"frozen/{POSTS}/b.md.json: not a frozen-outputs file" in failed.stderr
    assert f"make refreeze POST={POSTS}/b.md" in failed.stderr
    stats = site.build_ok()
    assert stats["cached"] == site.locations("b.md") and stats["executed"] == []  # the cache still had it
    assert frozen_output(site.frozen("b.md"), 0) == ["beta: 40 + 2 = 42", ""]


def test_prose_that_moves_a_fence_runs_nothing_and_only_updates_the_stored_lines(tmp_path):
    site = FrozenSite(tmp_path)
    site.build_ok()
    path = site.frozen("a.md")
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["computed"]["date"] = "2020-01-02"  # as if computed long ago
    path.write_text(json.dumps(stored, indent=1), encoding="utf-8")
    site.edit("a.md", "Some prose.", "Some prose.\n\nTwo more lines\nof prose.")

    assert site.build_ok(CI="true")["executed"] == []  # CI uses them as they are, and writes nothing
    assert json.loads(path.read_text(encoding="utf-8")) == stored

    assert site.build_ok()["executed"] == []
    moved = json.loads(path.read_text(encoding="utf-8"))
    assert (
        [block["at"] for block in moved["blocks"]]
        == site.locations("a.md")
        != [block["at"] for block in stored["blocks"]]
    )
    assert moved["computed"] == stored["computed"] and moved["key"] == stored["key"]
    assert [block["output"] for block in moved["blocks"]] == [block["output"] for block in stored["blocks"]]
