"""Each post with live snippets as a downloadable notebook: its cells, its zip, and a fresh kernel running it
to the outputs the page shows."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from live_math._internal.execution.executor import OWN_OPTIONS
from live_math._internal.execution.fences import find_fences
from live_math._internal.notebook.bundle import helper_files, imported_modules, requirements, zip_bundle
from live_math._internal.notebook.cells import Block, notebook

PAGE = """# Title

Intro with $x^2$.

<!-- more -->

```python exec="on" session="a"
x = 1
print(x)
```

Between.

```python exec="on" session="a"
print(x + 1)
```

```python exec="on" html="true"
print("<b>bold</b>")
```

```python exec="on" session="b" measured="true"
print("12 ms")
```
"""


def blocks_of(markdown: str, outputs: list[str | None]) -> list[Block]:
    fences = find_fences(markdown, markdown, OWN_OPTIONS)
    return [Block(f, out, bool(f.options.get("html"))) for f, out in zip(fences, outputs, strict=True)]


def test_cells_follow_the_page_with_a_reset_where_each_session_begins():
    nb = notebook("Title", "Intro.", PAGE, blocks_of(PAGE, ["1\n", "2\n", "<b>bold</b>\n", None]))
    kinds = [(c["cell_type"], c["source"].split("\n")[0]) for c in nb["cells"]]
    assert kinds == [
        ("markdown", "# Title"),
        ("code", '# Setup for this notebook. On the page, blocks marked html="true" print HTML (plots as SVG); the'),
        ("markdown", "# Title"),
        ("code", "x = 1"),
        ("markdown", "Between."),
        ("code", "print(x + 1)"),
        ("code", "%reset -f"),
        ("code", "%%printed_html"),
        ("code", "%reset -f"),
        ("code", 'print("12 ms")'),
    ]
    assert "<!-- more -->" not in nb["cells"][2]["source"] and "$x^2$" in nb["cells"][2]["source"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "live_math" in c["metadata"]]
    assert code[0]["outputs"][0]["text"] == "1\n"
    assert code[2]["outputs"][0]["data"]["text/html"] == "<b>bold</b>\n"
    assert code[3]["outputs"] == [] and code[3]["metadata"]["live_math"]["measured"]
    assert [c["id"] for c in nb["cells"]] == [f"cell-{n}" for n in range(1, len(nb["cells"]) + 1)]
    nbformat.validate(copy.deepcopy(nb))  # a copy: validate may normalize what it is given


def test_interleaved_sessions_get_no_reset_that_would_wipe_one_of_them():
    page = '```python exec="on" session="a"\nx = 1\nprint(x)\n```\n\n```python exec="on" session="b"\nprint(2)\n```\n\n'
    page += '```python exec="on" session="a"\nprint(x)\n```\n'
    nb = notebook("T", "I.", page, blocks_of(page, ["1\n", "2\n", "1\n"]))
    assert not any(c["source"].startswith("%reset") for c in nb["cells"])


def test_imports_are_found_including_from_imports():
    code = "import numpy as np\nfrom snippets.autodiff import Tensor\nimport snippets.costs, os.path\n"
    expected = {"numpy", "snippets.autodiff", "snippets.autodiff.Tensor", "snippets.costs", "os.path"}
    assert imported_modules(code) == expected


def test_helper_files_follow_imports_relative_ones_and_named_data(tmp_path):
    helpers = tmp_path / "helpers"
    (helpers / "data").mkdir(parents=True)
    (helpers / "__init__.py").write_text("")
    (helpers / "a.py").write_text("from .b import f\n")
    (helpers / "b.py").write_text("def f():\n    return open('helpers/data/table.csv').read()\n")
    (helpers / "unused.py").write_text("X = 1\n")
    (helpers / "data" / "table.csv").write_text("x\n1\n")
    (helpers / "data" / "other.csv").write_text("y\n")
    found = helper_files(["from helpers.a import f\nprint(f())"], [helpers])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "helpers/__init__.py",
        "helpers/a.py",
        "helpers/b.py",
        "helpers/data/table.csv",
    ]


def test_requirements_pin_what_the_code_imports_and_what_that_needs():
    pins = requirements(["import numpy\nimport matplotlib.pyplot as plt\nimport json"], [], set())
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"numpy", "matplotlib", "pyparsing", "cycler"} <= names  # pyparsing and cycler: matplotlib's own
    assert "json" not in names and all("==" in pin for pin in pins)
    import numpy

    assert f"numpy=={numpy.__version__}" in pins


def test_the_zip_is_the_same_bytes_every_time(tmp_path):
    nb = notebook("T", "I.", PAGE, blocks_of(PAGE, ["1\n", "2\n", "<b>bold</b>\n", None]))
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "h.py").write_text("X = 1\n")
    first = zip_bundle("t", "T", "http://x/t/", nb, tmp_path, [tmp_path / "helpers" / "h.py"], ["numpy==2.0"])
    second = zip_bundle("t", "T", "http://x/t/", nb, tmp_path, [tmp_path / "helpers" / "h.py"], ["numpy==2.0"])
    assert first == second
    (tmp_path / "t.zip").write_bytes(first)
    with zipfile.ZipFile(tmp_path / "t.zip") as archive:
        assert archive.namelist() == ["t/README.txt", "t/helpers/h.py", "t/requirements.txt", "t/t.ipynb"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- the real post, built once per session -----------------------------------------------------------


@pytest.fixture(scope="module")
def post_zip(built_site) -> Path:
    (page,) = [p for p in built_site.glob("2026/*/*/*/index.html") if "backpropagation" in str(p)]
    html = page.read_text(encoding="utf-8")
    pattern = r'class="live-math-notebook" data-search-exclude><a href="([^"]+)" download>.*?\(zip, (\d+) KB'
    link = re.search(pattern, html)
    assert link, "the post has no notebook link under its title"
    assert html.index("</h1>") < html.index('class="live-math-notebook"') < html.index("<h2")
    zipped = page.parent / link[1]
    assert abs(zipped.stat().st_size / 1024 - int(link[2])) <= 1, "the link states the zip's size"
    return zipped


def test_the_post_notebook_runs_in_a_fresh_kernel_to_the_outputs_the_page_shows(post_zip, tmp_path):
    with zipfile.ZipFile(post_zip) as archive:
        archive.extractall(tmp_path)
    (folder,) = tmp_path.iterdir()
    assert (folder / "requirements.txt").read_text().count("numpy==") == 1
    notebook_path = folder / f"{folder.name}.ipynb"
    original = nbformat.read(notebook_path, as_version=4)
    ran = nbformat.read(notebook_path, as_version=4)
    NotebookClient(ran, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()

    compared = 0
    for before, after in zip(original.cells, ran.cells, strict=True):
        if before.cell_type != "code":
            continue
        errors = [o for o in after.outputs if o.output_type == "error"]
        assert not errors, f"cell {before['id']} failed: {errors[0]['ename']}: {errors[0]['evalue']}"
        if before.metadata.get("live_math", {}).get("measured") is False:
            assert _shown(after) == _shown(before), f"cell {before['id']} printed something else than the page"
            compared += 1
    assert compared >= 15


def _shown(cell) -> str:
    texts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            texts.append(output.text)
        elif "text/html" in output.get("data", {}):
            texts.append(output.data["text/html"])
        elif "text/markdown" in output.get("data", {}):
            texts.append(output.data["text/markdown"])
    return "".join(texts)


# What only the site reads: Jupyter would show it as written.
SITE_ONLY = {
    "a citation": re.compile(r"\[[^\]\n]*@\w"),
    "an equation label or reference": re.compile(r"\\(?:label|eqref|ref)\s*\{"),
    "a caption block": re.compile(r"^\s*///", re.M),
    "an empty reference link": re.compile(r"\[\]\(#"),
    "an attribute list": re.compile(r"\{:?\s*[#.][^}]*\}\s*$", re.M),
    "the excerpt marker": re.compile(r"<!--\s*more\s*-->"),
}


def test_the_post_notebook_reads_like_the_page(post_zip, built_site):
    with zipfile.ZipFile(post_zip) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".ipynb")]
        nb = nbformat.reads(archive.read(name).decode(), as_version=4)
    markdown_cells = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    for text in markdown_cells:
        for what, pattern in SITE_ONLY.items():
            found = pattern.search(text)
            assert not found, (
                f"{what} survives in a Markdown cell: {text[max(0, found.start() - 80) : found.end() + 80]!r}"
            )
    everything = "\n".join(markdown_cells)
    title = "So you think you understand backpropagation?"
    assert everything.count(f"# {title}") == 1  # the title once
    # The page's numbers: equations, citations with a References cell in page order, captions as text.
    page = next(built_site.glob("2026/*/*/so-you-think*/index.html")).read_text(encoding="utf-8")
    assert everything.count("\\tag{") == page.count('class="lm-equation"') >= 3
    assert 'same chain as <a class="lm-xref" data-lm-kind="equation" href="#eq:network">(2)</a>' in page
    assert "same chain as (2) with more links" in everything
    assert markdown_cells[-1].startswith("## References\n\n\\[1\\] ")
    assert markdown_cells[-1].count("\\[") == page.count('class="lm-ref-number"') >= 5
    assert 'lecture "So You Think You Know How to Take Derivatives?" \\[1\\]' in everything
    # Printed Markdown shows as Markdown, as on the page: a table is rendered, not left as lines of pipes.
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    as_markdown = [cell for cell in code if any("text/markdown" in o.get("data", {}) for o in cell.outputs)]
    assert any("| --" in cell.outputs[0].data["text/markdown"] for cell in as_markdown)
    assert all(cell.source.startswith("%%printed_markdown\n") for cell in as_markdown)
    streams = [o.text for cell in code for o in cell.outputs if o.output_type == "stream"]
    assert not any(line.startswith("|") for text in streams for line in text.splitlines())


def test_a_prose_edit_makes_a_new_zip_without_looking_for_helpers_and_packages_again(tmp_path, monkeypatch):
    import io
    from types import SimpleNamespace

    from live_math._internal.notebook import bundle
    from live_math._internal.notebook.page import NotebookMaker

    looked = []
    real = bundle.helper_files
    monkeypatch.setattr(bundle, "helper_files", lambda codes, helpers: looked.append(codes) or real(codes, helpers))
    executor = SimpleNamespace(helpers=[tmp_path / "snippets"], build=SimpleNamespace(fingerprint="f1"))
    maker = NotebookMaker(tmp_path, executor, "", tmp_path / "cache")
    fences = find_fences(PAGE, PAGE, OWN_OPTIONS)
    outputs = ["out"] * len(fences)

    def zip_of(markdown: str) -> bytes:
        return maker._zip("post", "Title", "post/", markdown, fences, outputs)

    first = zip_of(PAGE)
    edited = zip_of(PAGE.replace("Between.", "Between, edited."))
    assert len(looked) == 1 and first != edited
    assert b"Between, edited." in zipfile.ZipFile(io.BytesIO(edited)).read("post/post.ipynb")
    executor.build.fingerprint = "f2"  # a helper file or a package changed
    zip_of(PAGE)
    assert len(looked) == 2


def test_prose_takes_the_pages_numbers_names_and_references():
    from live_math._internal.notebook.prose import readable

    markdown = (
        "# T\n\nSee [@knuth1984literate, p. 3] and $\\eqref{eq:a}$.\n\n$$\nx = 1 \\label{eq:a}\n$$\n\n"
        "$$\ny = 2 + \\eqref{eq:a}\n$$\n\n| a |\n| - |\n| 1 |\n\n/// table-caption | #tab-x\nThe rates.\n///\n\n"
        "As [](#tab-x) shows, `[@code]` stays.\n\n## Next {#next}\n"
    )
    page_html = (
        '<figure id="tab-x"><table></table><figcaption><span class="caption-prefix">Table 1.</span> The rates.'
        '</figcaption></figure><ol class="lm-references">\n<li id="ref-knuth1984literate"><span class="lm-ref-number">'
        "[1]</span>D. E. Knuth, <i>Literate programming</i>.</li>\n</ol>"
    )
    text, references = readable(markdown, page_html, "T")
    assert text.count("\n") == markdown.count("\n")  # every fence keeps its line
    assert "See \\[1, p. 3\\] and (1)." in text and "x = 1 \\tag{1}" in text and "y = 2 + \\text{(1)}" in text
    assert "Table 1. The rates." in text and "As Table 1 shows, `[@code]` stays." in text
    assert "## Next\n" in text + "\n" and "///" not in text and not text.lstrip().startswith("# T")
    assert references == "## References\n\n\\[1\\] D. E. Knuth, <i>Literate programming</i>."


def test_the_notebook_cache_is_keyed_by_every_module_that_makes_a_notebooks_prose():
    # A zip is found by the page and a hash of the code that makes it (page.code_files), not by the prose it
    # holds: a module prose.py or the notebook code reaches that the hash missed would leave old zips standing.
    import ast
    import importlib.util

    from live_math._internal.notebook import page

    files = {path.resolve() for path in page.code_files()}
    for name in ("prose", "cells", "bundle", "ipynb", "page"):
        source = importlib.util.find_spec(f"live_math._internal.notebook.{name}").origin
        tree = ast.parse(open(source, encoding="utf-8").read())
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        # Only where the zip is written, never what it holds.
        modules.discard("live_math._internal.caching")
        for module in sorted(m for m in modules if m.startswith("live_math.")):
            origin = importlib.util.find_spec(module).origin
            assert origin and Path(origin).resolve() in files, f"{name}.py imports {module}, not in code_files()"


def test_a_cached_zip_is_not_reused_when_the_front_matter_moves_the_snippets_lines(tmp_path):
    # The Markdown a page converts has no front matter, so a tag added to it changes no text the key holds;
    # but each code cell records its line in the post, which moves.
    import io
    import json
    from types import SimpleNamespace

    from live_math._internal.caching import later
    from live_math._internal.notebook.page import NotebookMaker

    executor = SimpleNamespace(
        helpers=[tmp_path / "snippets"],
        build=SimpleNamespace(fingerprint="f1"),
        shown_output=lambda location: ("out", False),
        shown_values=lambda path: [],
    )
    maker = NotebookMaker(tmp_path, executor, "", tmp_path / "cache")
    (tmp_path / "docs").mkdir()

    def lines_in_zip(front_matter: str) -> list[int]:
        source = f"---\n{front_matter}---\n\n{PAGE}"
        post = tmp_path / "docs" / "post.md"
        post.write_text(source)
        file = SimpleNamespace(
            src_uri="post.md", content_string=source, abs_src_path=str(post), dest_uri="post/index.html"
        )
        page = SimpleNamespace(file=file, title="Title", url="post/")
        maker.remember(page, PAGE)
        maker.add("<h1>Title</h1><p>Between.</p>", page, str(tmp_path / "site"))
        later.wait()
        archive = zipfile.ZipFile(io.BytesIO((tmp_path / "site" / "post" / "post.zip").read_bytes()))
        cells = json.loads(archive.read("post/post.ipynb"))["cells"]
        return [cell["metadata"]["live_math"]["line"] for cell in cells if "live_math" in cell["metadata"]]

    before = lines_in_zip("title: Title\n")
    after = lines_in_zip("title: Title\ntags: [one]\n")
    assert after == [line + 1 for line in before] and before
