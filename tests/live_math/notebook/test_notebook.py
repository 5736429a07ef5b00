"""Each post with live snippets as a downloadable notebook: its cells, its zip, and a fresh kernel running it
to the outputs the page shows."""

from __future__ import annotations

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
    kinds = [(c.cell_type, c.source.split("\n")[0]) for c in nb.cells]
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
    assert "<!-- more -->" not in nb.cells[2].source and "$x^2$" in nb.cells[2].source
    code = [c for c in nb.cells if c.cell_type == "code" and "live_math" in c.metadata]
    assert code[0].outputs[0]["text"] == "1\n"
    assert code[2].outputs[0]["data"]["text/html"] == "<b>bold</b>\n"
    assert code[3].outputs == [] and code[3].metadata["live_math"]["measured"]
    assert [c["id"] for c in nb.cells] == [f"cell-{n}" for n in range(1, len(nb.cells) + 1)]
    nbformat.validate(nb)


def test_interleaved_sessions_get_no_reset_that_would_wipe_one_of_them():
    page = '```python exec="on" session="a"\nx = 1\nprint(x)\n```\n\n```python exec="on" session="b"\nprint(2)\n```\n\n'
    page += '```python exec="on" session="a"\nprint(x)\n```\n'
    nb = notebook("T", "I.", page, blocks_of(page, ["1\n", "2\n", "1\n"]))
    assert not any(c.source.startswith("%reset") for c in nb.cells)


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
    return "".join(texts)


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
