"""Post snippets (live_math/_internal/execution/): failures stop the build as ``file:line: what``, a loop is
cut off, sessions stay on their page, and the cache runs each snippet only when something it depends on changed.

Every build is a strict ``mkdocs build`` of a throwaway copy of the project holding small crafted posts.
What ran is read from the hook's BLOG_EXEC_STATS report, and where it matters from a file each snippet
appends to when it really runs, so the counts do not rest on the hook's word alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from live_math._internal.execution import cache as execution_cache
from live_math._internal.execution.cache import environment_fingerprint
from live_math._internal.execution.fences import find_fences
from live_math._internal.execution.runner import SnippetFailure, run_snippet, show_source
from scripts.project_copy import ROOT, build, copy_project

FIXTURES = ROOT / "tests"
BAD_SNIPPETS = FIXTURES / "bad_snippets"
PACKAGES = ["markdown-exec", "numpy", "matplotlib"]
POSTS = "docs/blog/posts"


def post(title: str, body: str, before_more: str = "Intro.", categories: str = "[Mathematics]") -> str:
    """A post with valid front matter; ``body`` comes after the excerpt marker, ``before_more`` before it."""
    header = f"title: {title}\ndate: 2026-11-20\nauthors: [editor]\ncategories: {categories}\ndescription: A test post."
    return f"---\n{header}\n---\n\n# {title}\n\n{before_more}\n\n<!-- more -->\n\n{textwrap.dedent(body).strip()}\n"


def fence_lines(path: Path) -> list[str]:
    """``file:line`` of every ```python fence of a post, as the hook names them."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [f"{POSTS}/{path.name}:{n}" for n, line in enumerate(lines, 1) if line.lstrip().startswith("```python")]


class Site:
    """A copy of the project with chosen posts, built with its own cache and an execution report."""

    def __init__(self, tmp_path: Path, posts: dict[str, str]):
        self.tmp = tmp_path
        self.project = copy_project(tmp_path / "project")
        self.cache = tmp_path / "cache"
        self.stats_file = tmp_path / "stats.json"
        self.runs = tmp_path / "runs.log"  # snippets that call record() append their name here
        (self.project / "snippets" / "run_log.py").write_text(
            "import os\n\n\ndef record(name):\n"
            "    with open(os.environ['RUN_LOG'], 'a') as log:\n        log.write(name + '\\n')\n"
        )
        for name, text in posts.items():
            self.write(name, text)
        # These tests watch the execution layer render (or not) each fence; the page cache, which would skip
        # converting an unchanged page altogether, is tested on its own in tests/live_math/speed/.
        config = self.project / "mkdocs.yml"
        settings = config.read_text(encoding="utf-8")
        assert settings.count("  - live-math:\n") == 1
        config.write_text(
            settings.replace("  - live-math:\n", "  - live-math:\n      speed:\n        enabled: false\n")
        )

    def write(self, name: str, text: str) -> None:
        (self.project / POSTS / name).write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.project / POSTS / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def build(self, **env: str):
        self.stats_file.unlink(missing_ok=True)
        self.runs.unlink(missing_ok=True)
        ours = {"BLOG_CACHE_DIR": str(self.cache), "BLOG_EXEC_STATS": str(self.stats_file), "RUN_LOG": str(self.runs)}
        # record() writes the run log outside any sandboxed snippet's reach: these tests are about what runs.
        ours["LIVE_MATH_SANDBOX"] = "off"
        return build(self.project, self.tmp / "site", env={**ours, **env}, timeout=120)

    def build_ok(self, **env: str) -> dict:
        result = self.build(**env)
        assert result.returncode == 0, result.stderr[-4000:]
        return json.loads(self.stats_file.read_text())

    def locations(self, name: str) -> list[str]:
        return fence_lines(self.project / POSTS / name)

    def line_of(self, name: str, text: str) -> int:
        """The line of post ``name`` that first holds ``text``."""
        lines = (self.project / POSTS / name).read_text(encoding="utf-8").split("\n")
        return next(number for number, line in enumerate(lines, 1) if text in line)

    def ran(self) -> list[str]:
        return self.runs.read_text().split() if self.runs.exists() else []

    def ran_sessions(self, *sessions: list[str]) -> bool:
        """Whether exactly the blocks of ``sessions`` ran, each session's in order (sessions run side by side,
        so blocks of different sessions may interleave)."""
        ran = self.ran()
        in_order = all([name for name in ran if name in session] == session for session in sessions)
        return in_order and sorted(ran) == sorted(name for session in sessions for name in session)

    def page(self, slug: str) -> str:
        return (self.tmp / "site" / "2026" / "11" / "20" / slug / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- failures


def failing_build(tmp_path: Path, name: str, **env: str):
    site = Site(tmp_path, {})
    shutil.copy(BAD_SNIPPETS / name, site.project / POSTS / name)
    result = build(site.project, tmp_path / "site", env={"BLOG_CACHE_DIR": str(site.cache), **env}, timeout=120)
    assert result.returncode != 0, f"{name} built without error"
    return result, site


def test_an_exception_names_file_and_fence_line_and_shows_the_snippets_traceback(tmp_path):
    result, site = failing_build(tmp_path, "raises.md")
    second_fence = site.locations("raises.md")[1]
    assert second_fence == "docs/blog/posts/raises.md:22"
    expected = [
        "docs/blog/posts/raises.md:22: snippet raised ZeroDivisionError: division by zero",
        '  File "docs/blog/posts/raises.md", line 23, in <module>',
        "    print(ratio(1, 0))",
        '  File "docs/blog/posts/raises.md", line 17, in ratio',  # defined by the first block of the session
        "    return a / b",
    ]
    assert "\n".join(expected) in result.stderr, result.stderr[-4000:]
    # No frame of the build machinery or the installed packages, and no absolute path.
    for noise in [".venv", "site-packages", "live_math/", str(site.project)]:
        assert noise not in result.stderr.split("raises.md:22:", 1)[1], noise
    # The build stopped before writing any page.
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_loop_is_stopped_by_the_fence_timeout_and_named(tmp_path):
    result, _ = failing_build(tmp_path, "loops.md")  # build() itself gives up after 120 s: the loop must not
    assert "docs/blog/posts/loops.md:15: snippet timed out after 1 s" in result.stderr, result.stderr[-4000:]
    assert '  File "docs/blog/posts/loops.md", line' in result.stderr
    assert 'timeout="SECONDS"' in result.stderr


def test_the_site_timeout_comes_from_the_environment(tmp_path):
    site = Site(tmp_path, {"slow.md": post("Slow", '```python exec="on"\nimport time\ntime.sleep(60)\n```')})
    result = build(site.project, tmp_path / "site", env={"BLOG_SNIPPET_TIMEOUT": "0.5"}, timeout=120)
    assert result.returncode != 0
    assert "docs/blog/posts/slow.md:15: snippet timed out after 0.5 s" in result.stderr, result.stderr[-4000:]
    assert "    time.sleep(60)" in result.stderr


def test_a_missing_module_is_named_with_what_to_do(tmp_path):
    result, _ = failing_build(tmp_path, "missing-module.md")
    message = (
        "docs/blog/posts/missing-module.md:15: snippet raised ModuleNotFoundError:"
        " No module named 'numpy_but_misspelled'"
    )
    assert message in result.stderr, result.stderr[-4000:]
    assert "add" in result.stderr and "requirements.lock" in result.stderr and "snippets/" in result.stderr


def test_a_snippet_that_prints_nothing_is_reported(tmp_path):
    result, _ = failing_build(tmp_path, "prints-nothing.md")
    message = "docs/blog/posts/prints-nothing.md:15: snippet printed nothing, so this block would show nothing"
    assert message in result.stderr, result.stderr[-4000:]
    assert 'silent="true"' in result.stderr


def test_silent_setup_blocks_and_blocks_showing_source_may_print_nothing(tmp_path):
    body = """
        ```python exec="on" session="s" silent="true"
        base = 40
        ```

        ```python exec="on" session="s" source="above"
        def answer():
            return base + 2
        ```

        !!! note "In an admonition"

            ```python exec="on" session="s"
            print(f"The answer is {answer()}.")
            ```
    """
    site = Site(tmp_path, {"quiet.md": post("Quiet", body)})
    site.build_ok()
    html = site.page("quiet")
    assert "The answer is 42." in html
    assert "def answer():" in BeautifulSoup(html, "html.parser").get_text()  # the source, shown above
    assert "silent" not in html and "exec_location" not in html  # the hook's options are not shown


# ---------------------------------------------------------------- sessions


def test_sessions_are_private_to_their_page(tmp_path):
    # Each page sets its own variable in a session of the same name and looks for the other page's.
    def peeking(mine: str, theirs: str) -> str:
        return f"""
            ```python exec="on" session="shared"
            {mine} = 1
            try:
                {theirs}
                print("{mine}: leaked")
            except NameError:
                print("{mine}: private")
            ```
        """

    site = Site(
        tmp_path,
        {"a.md": post("Page A", peeking("a_value", "b_value")), "b.md": post("Page B", peeking("b_value", "a_value"))},
    )
    site.build_ok()
    assert "a_value: private" in site.page("page-a")
    assert "b_value: private" in site.page("page-b")


def test_nothing_survives_from_one_serve_rebuild_to_the_next(tmp_path):
    # `mkdocs serve` rebuilds by loading the config again and calling build() in the same interpreter (as
    # mkdocs/commands/serve.py does); do exactly that, editing the post in between.
    site = Site(
        tmp_path, {"p.md": post("Persist", '```python exec="on" session="s"\nleft_behind = 1\nprint("set")\n```')}
    )
    script = textwrap.dedent(
        f"""
        import logging
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        logging.basicConfig(level=logging.INFO, format="%(message)s")
        project = Path({str(site.project)!r})
        def config():
            return load_config(str(project / "mkdocs.yml"), site_dir={str(tmp_path / "site")!r})

        first = config()
        first.plugins.on_startup(command="serve", dirty=False)
        build(first)
        post = project / "docs/blog/posts/p.md"
        post.write_text(post.read_text().replace(
            'left_behind = 1\\nprint("set")',
            'try:\\n    left_behind\\n    print("survived")\\nexcept NameError:\\n    print("fresh")',
        ))
        build(config())
        """
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(site.cache)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=site.project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stderr.count("execution: 1 snippets run") == 2, result.stderr[-4000:]
    assert "fresh" in site.page("persist") and "survived" not in site.page("persist")


def test_serve_picks_up_an_edited_snippets_module_without_a_restart(tmp_path):
    # The same interpreter builds twice, as `mkdocs serve` does; between the builds a helper module changes.
    # Without the executor forgetting `snippets.*`, the second build would import the stale module.
    body = '```python exec="on"\nfrom snippets.greeting import greet\nprint(greet())\n```'
    site = Site(tmp_path, {"g.md": post("Greeting", body)})
    helper = site.project / "snippets" / "greeting.py"
    helper.write_text('def greet():\n    return "first version"\n')
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        def config():
            loaded = load_config({str(site.project / "mkdocs.yml")!r}, site_dir={str(tmp_path / "site")!r})
            loaded.plugins.on_startup(command="serve", dirty=False)
            return loaded

        build(config())
        page = Path({str(tmp_path / "site")!r}) / "2026/11/20/greeting/index.html"
        assert "first version" in page.read_text(), "the first build did not show the helper's output"
        Path({str(helper)!r}).write_text('def greet():\\n    return "second version"\\n')
        build(config())
        """
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BLOG_CACHE_DIR": str(site.cache)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=site.project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "second version" in site.page("greeting")


# ---------------------------------------------------------------- cache


SESSION_POST = """
    ```python exec="on" session="s"
    from snippets.run_log import record
    record("one")
    x = 2
    print(f"one: x = {x}")
    ```

    ```python exec="on" session="s"
    record("two")
    y = x * 10
    print(f"two: y = {y}")
    ```

    ```python exec="on" session="s"
    record("three")
    print(f"three: y + 1 = {y + 1}")
    ```

    ```python exec="on"
    from snippets.run_log import record
    record("lone")
    print("lone block")
    ```
"""


def test_a_warm_build_runs_nothing_and_an_edit_reruns_that_block_and_the_rest_of_its_session(tmp_path):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST)})
    one, two, three, lone = site.locations("s.md")

    cold = site.build_ok()
    assert cold == {
        "executed": [one, two, three, lone],
        "cached": [],
        "frozen": [],
        "replayed": [],
        "rendered": [one, two, three, lone],
    }
    assert site.ran_sessions(["one", "two", "three"], ["lone"]), site.ran()

    warm = site.build_ok()
    assert warm == {
        "executed": [],
        "cached": [one, two, three, lone],
        "frozen": [],
        "replayed": [],
        "rendered": [],
    }
    assert site.ran() == []
    assert "execution: 0 snippets run, 4 from cache" in site.build().stderr
    assert "three: y + 1 = 21" in site.page("sessions")  # the cached page is the same page

    # Editing the second block re-runs it and the third, after re-running the first (cached) for its state.
    site.edit("s.md", "y = x * 10", "y = x * 100")
    edited = site.build_ok()
    assert edited == {
        "executed": [two, three],
        "cached": [one, lone],
        "frozen": [],
        "replayed": [one],
        "rendered": [two, three],
    }
    assert site.ran() == ["one", "two", "three"]
    assert "three: y + 1 = 201" in site.page("sessions")


def test_a_warm_build_takes_the_html_of_every_output_from_the_cache(tmp_path):
    # A heading printed by a snippet must reach the table of contents, which only markdown-exec's own
    # conversion does: that block is converted in every build (once per page showing the post), and only that one.
    more = """
        ```python exec="on"
        print("### A printed heading")
        ```

        ```python exec="on" measured="true"
        print("Took 3 ms.")
        ```
    """
    body = textwrap.dedent(SESSION_POST) + textwrap.dedent(more)
    site = Site(tmp_path, {"s.md": post("Sessions", body)})
    *plain, heading, measured = site.locations("s.md")
    cold = site.build_ok()
    assert set(cold["rendered"]) == {*plain, heading, measured}
    cold_page = site.page("sessions")

    warm = site.build_ok()
    assert warm["executed"] == [] and set(warm["rendered"]) == {heading}
    # The same page: the stored HTML is what markdown-exec made, and the heading keeps its numbered id.
    assert site.page("sessions") == cold_page
    toc = BeautifulSoup(cold_page, "html.parser").select_one("nav.md-nav--secondary")
    assert "A printed heading" in toc.get_text(), toc
    assert '<div class="measured" data-search-exclude><p>Took 3 ms.</p>' in cold_page


def test_a_change_of_the_markdown_extensions_renders_the_outputs_again(tmp_path):
    body = """
        ```python exec="on" source="above"
        total = sum(range(4))
        print(f"The total is {total}.")
        ```
    """
    site = Site(tmp_path, {"lines.md": post("Lines", body)})
    site.build_ok()
    assert site.build_ok()["rendered"] == []
    assert "linenos" not in site.page("lines")

    # Line numbers on every highlighted block: the source shown above the output must get them too.
    config = site.project / "mkdocs.yml"
    settings = config.read_text(encoding="utf-8")
    assert settings.count("anchor_linenums: true") == 1
    config.write_text(settings.replace("anchor_linenums: true", "anchor_linenums: true\n      linenums: true"))
    stats = site.build_ok()
    assert stats["executed"] == [] and stats["rendered"] == site.locations("lines.md")
    html = site.page("lines")
    assert "linenos" in html and "The total is 6." in html
    assert site.build_ok()["rendered"] == []


def test_a_partial_stored_rendering_is_made_again(tmp_path):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST)})
    site.build_ok()
    entries = sorted((site.cache / "execution").rglob("*.json"))
    stored = json.loads(entries[0].read_text(encoding="utf-8"))
    assert set(stored) == {"key", "location", "output", "rendering", "html", "conversions"}
    del stored["rendering"]  # HTML without the key saying what it was made from
    stored["html"] = "<p>stale</p>"
    entries[0].write_text(json.dumps(stored), encoding="utf-8")
    stats = site.build_ok()
    assert stats["executed"] == [] and stats["rendered"] == [stored["location"]]
    assert "stale" not in site.page("sessions")


def test_editing_prose_or_another_post_runs_nothing(tmp_path):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST), "other.md": post("Other", "Just prose.")})
    site.build_ok()
    site.edit("s.md", "Intro.", "A longer intro.\n\nWith a new paragraph that moves every fence down.")
    site.edit("other.md", "Just prose.", "Different prose.")
    stats = site.build_ok()
    assert stats["executed"] == [] and stats["replayed"] == []
    assert stats["cached"] == site.locations("s.md")  # the new line numbers, served from the cache


def test_a_change_under_snippets_reruns_the_snippets(tmp_path):
    body = """
        ```python exec="on"
        from pathlib import Path
        from snippets.scale import factor
        print(f"factor {factor()}, data {Path('snippets/scale_data.txt').read_text().strip()}")
        ```
    """
    site = Site(tmp_path, {"dep.md": post("Dependent", body)})
    helper = site.project / "snippets" / "scale.py"
    data = site.project / "snippets" / "scale_data.txt"
    helper.write_text("def factor():\n    return 3\n")
    data.write_text("alpha\n")
    site.build_ok()
    assert site.build_ok()["executed"] == []

    helper.write_text("def factor():\n    return 4\n")
    assert site.build_ok()["executed"] == site.locations("dep.md")
    assert "factor 4, data alpha" in site.page("dependent")

    data.write_text("beta\n")  # a data file, not a module
    assert site.build_ok()["executed"] == site.locations("dep.md")
    assert "factor 4, data beta" in site.page("dependent")


def test_no_cache_runs_everything(tmp_path):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST)})
    site.build_ok()
    stats = site.build_ok(BLOG_NO_CACHE="1")
    assert stats["executed"] == site.locations("s.md") and stats["cached"] == []
    assert site.ran_sessions(["one", "two", "three"], ["lone"]), site.ran()


def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(tmp_path):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST)})
    site.build_ok()
    entries = sorted((site.cache / "execution").rglob("*.json"))
    assert len(entries) == 4
    entries[0].write_text('{"key": "', encoding="utf-8")  # cut short
    entries[1].write_text(json.dumps({"key": "someone else's", "output": "stale"}), encoding="utf-8")
    stats = site.build_ok()
    assert len(stats["executed"]) == 2 and len(stats["cached"]) == 2
    html = site.page("sessions")
    assert "one: x = 2" in html and "two: y = 20" in html and "three: y + 1 = 21" in html and "stale" not in html
    assert site.build_ok()["executed"] == []  # rewritten whole


def test_a_failing_snippet_is_not_cached(tmp_path):
    flag = tmp_path / "fail-now"
    body = f"""
        ```python exec="on"
        print("fine")
        ```

        ```python exec="on"
        from pathlib import Path
        from snippets.run_log import record
        record("flaky")
        assert not Path({str(flag)!r}).exists(), "failing on purpose"
        print("flaky block passed")
        ```
    """
    site = Site(tmp_path, {"f.md": post("Flaky", body)})
    fine, flaky = site.locations("f.md")
    flag.touch()
    result = site.build()
    assert result.returncode != 0
    assert f"{flaky}: snippet raised AssertionError: failing on purpose" in result.stderr
    assert len(list((site.cache / "execution").rglob("*.json"))) == 1  # only the block that worked

    flag.unlink()
    assert site.build_ok() == {
        "executed": [flaky],
        "cached": [fine],
        "frozen": [],
        "replayed": [],
        "rendered": [fine, flaky],
    }
    assert "flaky block passed" in site.page("flaky")


def test_a_post_on_several_listing_pages_runs_its_snippet_once(tmp_path):
    # The snippet sits above the excerpt marker, so the home, archive and category pages all show it.
    excerpt = (
        '```python exec="on"\nfrom snippets.run_log import record\nrecord("excerpt")\n'
        'print("shown in every listing")\n```'
    )
    site = Site(
        tmp_path, {"listed.md": post("Listed", "The rest.", before_more=excerpt, categories="[Mathematics, Numerics]")}
    )
    stats = site.build_ok()
    assert site.ran() == ["excerpt"]
    assert stats["executed"] == site.locations("listed.md")
    listings = [
        "index.html",
        "archive/2026/index.html",
        "category/mathematics/index.html",
        "category/numerics/index.html",
    ]
    for listing in listings:
        assert "shown in every listing" in (tmp_path / "site" / listing).read_text(encoding="utf-8"), listing
    assert "shown in every listing" in site.page("listed")


# ---------------------------------------------------------------- finding fences


def test_fences_are_found_with_their_file_line_and_examples_are_not_run():
    source = textwrap.dedent(
        """\
        ---
        title: t
        ---

        ```python exec="on" session="s" timeout="5"
        print(1)
        ```

        ````markdown
        ```python exec="on"
        print("an example, not run")
        ```
        ````

        ```python
        print("not executed")
        ```

        ```python exec="on"
        print(3)
        ```

        === "Tab"

            ```python exec="1"
            print(2)
            ```
        """
    )
    markdown = source.split("---\n", 2)[2].lstrip("\n")
    fences = find_fences(markdown, source, ("timeout",))
    assert [(f.line, f.code) for f in fences] == [(5, "print(1)"), (19, "print(3)"), (25, "print(2)")]
    assert fences[0].options["session"] == "s" and fences[0].inputs["timeout"] == "5"
    assert "timeout" not in fences[0].options["extra"]


# ---------------------------------------------------------------- pieces


def test_a_traceback_keeps_the_posts_frames_and_drops_library_frames():
    source = '---\ntitle: t\n---\n\n```python exec="on"\nimport numpy as np\n\nnp.linalg.inv(np.zeros((2, 2)))\n```\n'
    show_source("docs/blog/posts/t.md", source)
    code = "import numpy as np\n\nnp.linalg.inv(np.zeros((2, 2)))"
    with pytest.raises(SnippetFailure) as failure:
        run_snippet(code, filename="docs/blog/posts/t.md", first_line=6, namespace={}, root=ROOT)
    assert failure.value.headline == "snippet raised LinAlgError: Singular matrix"
    assert failure.value.details == [
        '  File "docs/blog/posts/t.md", line 8, in <module>',
        "    np.linalg.inv(np.zeros((2, 2)))",
    ]


def test_the_fingerprint_follows_snippets_files_and_package_versions(tmp_path, monkeypatch):
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "helper.py").write_text("A = 1\n")
    first = environment_fingerprint([snippets], PACKAGES)
    (snippets / "__pycache__").mkdir()
    (snippets / "__pycache__" / "helper.cpython-311.pyc").write_bytes(b"compiled")
    assert environment_fingerprint([snippets], PACKAGES) == first  # bytecode is not a change

    (snippets / "helper.py").write_text("A = 2\n")
    assert environment_fingerprint([snippets], PACKAGES) != first
    (snippets / "helper.py").write_text("A = 1\n")
    assert environment_fingerprint([snippets], PACKAGES) == first
    (snippets / "table.csv").write_text("x\n1\n")
    assert environment_fingerprint([snippets], PACKAGES) != first
    (snippets / "table.csv").unlink()

    monkeypatch.setattr(execution_cache, "_version", lambda package: "0.0" if package == "numpy" else "1.0")
    assert environment_fingerprint([snippets], PACKAGES) != first


@pytest.mark.parametrize("damage", ["a file where the cache folder should be", "folders where cache files should be"])
def test_a_cache_that_cannot_be_used_is_reported_once_and_the_build_goes_on(tmp_path, damage):
    site = Site(tmp_path, {"s.md": post("Sessions", SESSION_POST)})
    if damage.startswith("a file"):
        site.cache.write_text("not a folder")
    else:
        site.build_ok()
        for entry in [site.cache / "katex.json", *(site.cache / "execution").rglob("*.json")]:
            entry.unlink(missing_ok=True)
            entry.mkdir()
    result = site.build()
    assert result.returncode == 0, result.stderr[-4000:]  # a strict build: the report is not a warning
    assert result.stderr.count(f"the build cache at {site.cache} cannot be used") == 1, result.stderr[-4000:]
    assert "Make that folder writable" in result.stderr
    assert "Traceback" not in result.stderr and "s.md" not in result.stderr  # not blamed on a post
    assert "three: y + 1 = 21" in site.page("sessions")
