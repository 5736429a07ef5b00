"""Inline values (live_math/_internal/execution/inline.py): `{py} expr:spec` in prose, lists, tables,
captions, admonitions and formulas takes the value from the page's session, in the sandboxed worker; it is
cached like a block, and an edit evaluates only what changed."""

from __future__ import annotations

import re
import zipfile

import nbformat
import pytest
from bs4 import BeautifulSoup

from live_math._internal.execution.inline import split_specification
from live_math._internal.execution.values import show
from tests.live_math.execution.test_execution import POSTS, Site, post

BODY = """
    ```python exec="on" session="fit"
    slope = 2 / 3
    big = 1234567.891
    tiny = 0.000123
    label = "a_b*c <d> | e"
    print("fitted")
    ```

    The slope is `{py} slope:.3f` and `{py} big:,.1f` units; `{py} slope:.0%` of it.

    - in a list: `{py} tiny:.1e`

    | quantity | value |
    | --- | --- |
    | slope | `{py} slope:.4f` |
    | label | `{py} label` |

    !!! note "Admonition"
        Inside: `{py} 2 * slope:.2f`.

    ```python exec="on" session="other"
    slope = -1
    print("other")
    ```

    Here `{py} slope` is the other session's, and `{py:fit} slope:.2f` the first one's.

    Inline math $\\epsilon = `{py:fit} tiny:.2e`$ and a display:

    $$
    m = `{py:fit} slope:.3f`, \\quad t = `{py:fit} tiny:.3e`
    $$

    /// caption
    A caption with `{py:fit} big:.0f`.
    ///

    Shown as syntax: `` `{py} slope` ``.
"""


def text_of(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for mathml in soup.select(".katex-mathml"):
        mathml.decompose()
    return re.sub(r"\s+", " ", soup.select_one("article").get_text(" "))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("inline"), {"values.md": post("Values", BODY)})
    site.stats = site.build_ok(LIVE_MATH_SANDBOX="available")
    return site


def test_values_appear_formatted_in_prose_lists_tables_admonitions_and_captions(site):
    text = text_of(site.page("values"))
    assert "The slope is 0.667 and 1,234,567.9 units; 67% of it." in text
    assert "in a list: 1.2e-04" in text
    assert "slope 0.6667" in text and "label a_b*c <d> | e" in text  # specials shown as printed, one cell
    assert "Inside: 1.33." in text
    assert "A caption with 1234568" in text
    assert "Shown as syntax: `{py} slope` ." in text
    assert "{py}" not in text.replace("`{py} slope`", "")


def test_each_value_comes_from_its_session(site):
    assert "Here -1 is the other session's, and 0.67 the first one's." in text_of(site.page("values"))


def test_in_a_formula_scientific_notation_is_tex(site):
    html = site.page("values")
    annotations = [a.get_text() for a in BeautifulSoup(html, "html.parser").select("annotation")]
    assert "\\epsilon = 1.23 \\times 10^{-4}" in annotations
    assert any("m = 0.667, \\quad t = 1.230 \\times 10^{-4}" in a for a in annotations)
    assert "katex-error" not in html


def test_values_are_counted_as_blocks_and_a_warm_build_runs_nothing(site):
    assert len(site.stats["executed"]) == 2 + 13 and not site.stats["cached"]  # 2 fences, 13 values
    assert all(re.fullmatch(rf"{POSTS}/values\.md:\d+(:\d+)?", where) for where in site.stats["executed"])
    warm = site.build_ok(LIVE_MATH_SANDBOX="available")
    assert warm["executed"] == [] and len(warm["cached"]) == 15


def test_a_prose_edit_runs_nothing_and_an_edited_value_evaluates_only_itself(tmp_path):
    site = Site(tmp_path, {"values.md": post("Values", BODY)})
    site.build_ok()
    site.edit("values.md", "The slope is", "Measured, the slope is")
    assert site.build_ok()["executed"] == []
    site.edit("values.md", "`{py} slope:.3f`", "`{py} slope:.5f`")
    edited = site.build_ok()
    (value,) = edited["executed"]
    assert value.endswith(f":{site.line_of('values.md', '{py} slope:.5f')}:24")  # after "Measured, the slope is "
    assert edited["replayed"] == [site.locations("values.md")[0]]  # the fence before it, for its state
    assert "Measured, the slope is 0.66667" in text_of(site.page("values"))


BLOCK = '```python exec="on"\nx = {}\nprint(x)\n```\n\n'


@pytest.mark.parametrize(
    "body, expected",
    [
        (BLOCK.format(1) + "Value: `{py} y + 1`.", "NameError: name 'y' is not defined"),
        (BLOCK.format(1) + "Value: `{py} 1 / 0`.", "ZeroDivisionError: division by zero"),
        (BLOCK.format("'a'") + "Value: `{py} x:.2f`.", "ValueError: Unknown format code 'f'"),
        ("Value: `{py} 1 + 1`.", "no code block comes before this inline value"),
        (BLOCK.format(1) + "Value: `{py:missing} x`.", "NameError: name 'x'"),
        # A citation makes the page's Markdown grow a References section at its end: the line stays right.
        (BLOCK.format(1) + "Value: `{py} y` [@rumelhart1986learning].", "NameError: name 'y' is not defined"),
    ],
    ids=["name", "exception", "format", "nothing before", "unknown session", "after a citation"],
)
def test_a_failing_value_names_line_column_expression_and_cause(tmp_path, body, expected):
    site = Site(tmp_path, {"bad.md": post("Bad", body)})
    result = site.build()
    assert result.returncode != 0
    line = site.line_of("bad.md", "{py")
    headline = rf"{POSTS}/bad\.md:{line}:8: inline value `{{py(:missing)?}} [^`]+`: "
    assert re.search(headline, result.stderr), result.stderr
    assert expected in result.stderr
    if "name" in expected or "nothing" in expected:
        assert "Put it after the block that computes the name" in result.stderr


def test_the_notebook_shows_the_values_as_the_page_does(site):
    archive = next((site.tmp / "site").rglob("values/*.zip"))
    with zipfile.ZipFile(archive) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith(".ipynb"))
        notebook = nbformat.reads(bundle.read(name).decode(), as_version=4)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "The slope is 0.667 and 1,234,567.9 units" in prose
    assert "{py}" not in prose.replace("`{py} slope`", "")


@pytest.mark.parametrize(
    "content, expected",
    [
        ("x", ("x", "")),
        ("x:.3f", ("x", ".3f")),
        ("d[1:2]", ("d[1:2]", "")),
        ("d['a:b']:>8", ("d['a:b']", ">8")),
        ("f(a=b[:3]):,", ("f(a=b[:3])", ",")),
        ("{'k': 1}['k']:.1f", ("{'k': 1}['k']", ".1f")),
    ],
)
def test_the_format_specification_is_split_at_the_last_colon_outside_the_expression(content, expected):
    assert split_specification(content) == expected


@pytest.mark.parametrize(
    "value, spec, math, expected",
    [
        (0.00015, ".2e", True, "1.50 \\times 10^{-4}"),
        (12345.0, ".1e", True, "1.2 \\times 10^{4}"),
        (2.5, ".1e", True, "2.5"),
        (0.00015, ".2e", False, "1.50e-04"),
        ("a_b", "", False, "a\\_b"),
        ("x < y & z", "", False, "x &lt; y &amp; z"),
        ("two\nlines", "", False, "two lines"),
        ("costs $5", "", False, "costs \\$5"),
        ("grows with $n$, *fast*", "md", False, "grows with $n$, *fast*"),
        (0.25, ".0%", False, "25%"),
    ],
)
def test_show_formats_for_prose_and_for_tex(value, spec, math, expected):
    assert show(value, spec, math) == expected


def test_under_serve_an_edited_value_resumes_from_the_snapshot_of_the_block_before_it(tmp_path):
    from tests.live_math.execution.test_snapshots import replace, serve

    site = Site(tmp_path, {"s.md": post("Values", BODY)})  # serve() edits s.md
    reports, _, _, _ = serve(site, [replace("`{py} slope:.3f`", "`{py} slope:.5f`")], sandbox="available")
    assert len(reports[0]["executed"]) == 15
    (value,) = reports[1]["executed"]
    assert value.endswith(":14") and reports[1]["replayed"] == []
    assert "The slope is 0.66667" in text_of(site.page("values"))


def test_a_measured_value_is_marked_as_a_measurement_and_refused_in_a_formula(tmp_path):
    body = '```python exec="on"\nimport time\nstart = time.perf_counter()\nprint("timed")\n```\n\n'
    sentence = "It took `{py measured} time.perf_counter() - start:.3f` s."
    site = Site(tmp_path, {"m.md": post("Measured", body + sentence)})
    stats = site.build_ok()
    (span,) = BeautifulSoup(site.page("measured"), "html.parser").select("span.measured")
    assert span.has_attr("data-search-exclude") and re.fullmatch(r"\d\.\d{3}", span.get_text())
    assert len(stats["executed"]) == 2
    site.edit("m.md", sentence, "$t = `{py measured} 1`$")
    result = site.build()
    assert result.returncode != 0 and "a measured value cannot sit in a formula" in result.stderr


def test_values_sharing_a_line_are_frozen_and_verified_each_for_itself(tmp_path):
    import json
    import subprocess
    import sys

    from scripts.project_copy import ROOT

    site = Site(tmp_path, {"v.md": post("V", BLOCK.format(3) + "Twice: `{py} x` and `{py} x + 1`.")})
    verify = [sys.executable, str(ROOT / "scripts" / "verify.py"), "-f", str(site.project / "mkdocs.yml")]
    frozen = subprocess.run([*verify, "--refreeze"], capture_output=True, text=True, timeout=300)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    stored = json.loads((site.project / "frozen" / POSTS / "v.md.json").read_text())
    assert [(block["at"].rsplit(":", 1)[-1], block["output"]) for block in stored["blocks"][1:]] == [
        ("8", ["3"]),
        ("21", ["4"]),
    ]
    checked = subprocess.run(verify, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0 and f"{POSTS}/v.md: unchanged" in checked.stdout, checked.stdout


def test_a_measured_value_is_frozen_as_a_measurement_and_verify_only_asks_it_to_print(tmp_path):
    import json
    import subprocess
    import sys

    from scripts.project_copy import ROOT

    body = '```python exec="on" silent="true"\nimport time\n```\n\nNow: `{py measured} time.perf_counter_ns()`.'
    site = Site(tmp_path, {"t.md": post("T", body)})
    verify = [sys.executable, str(ROOT / "scripts" / "verify.py"), "-f", str(site.project / "mkdocs.yml")]
    assert subprocess.run([*verify, "--refreeze"], capture_output=True, text=True, timeout=300).returncode == 0
    stored = json.loads((site.project / "frozen" / POSTS / "t.md.json").read_text())
    assert [block["measured"] for block in stored["blocks"]] == [False, True]
    checked = subprocess.run(verify, capture_output=True, text=True, timeout=300)  # a new time: still unchanged
    assert checked.returncode == 0 and f"{POSTS}/t.md: unchanged" in checked.stdout, checked.stdout


def test_a_replayed_session_shows_the_numbers_of_its_new_run_everywhere(tmp_path):
    body = (
        '```python exec="on" session="s" measured="true"\nimport time\nt = time.perf_counter_ns()\nprint(t)\n```\n\n'
        '```python exec="on" session="s"\nprint("second")\n```\n\nMeasured: `{py:s measured} t`.\n'
    )
    site = Site(tmp_path, {"r.md": post("Replay", body)})
    site.build_ok()

    def shown() -> tuple[str, str]:
        soup = BeautifulSoup(site.page("replay"), "html.parser")
        return soup.select_one("div.measured").get_text().strip(), soup.select_one("span.measured").get_text()

    before = shown()
    assert before[0] == before[1]
    site.edit("r.md", 'print("second")', 'print("second, edited")')
    stats = site.build_ok()
    assert stats["replayed"] == [site.locations("r.md")[0]]  # the timing block ran again for its state
    after = shown()
    assert after[0] == after[1] != before[0]  # its new number, in its own output and in the text alike
