"""The backpropagation post as built: live figures and numbers, and a wrong gradient stops the build."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from scripts.project_copy import ROOT, build, copy_project
from scripts.prose_in_code import count_prose

POST = ROOT / "docs" / "blog" / "posts" / "so-you-think-you-understand-backpropagation.md"
PAGE = "2026/11/25/so-you-think-you-understand-backpropagation/index.html"


def test_every_snippet_runs_in_its_sections_own_session():
    # One session per section, each importing what it needs: editing a snippet re-runs only the earlier
    # blocks of its own section to rebuild the state it runs in, not the whole post.
    fences = re.findall(r"^\s*```python ([^\n]*)$", POST.read_text(encoding="utf-8"), flags=re.M)
    assert len(fences) >= 20
    assert all('exec="on"' in f for f in fences), fences
    matches = [re.search(r'session="([^"]+)"', f) for f in fences]
    assert all(matches), fences
    sessions = [match[1] for match in matches]
    runs = [name for name, _ in itertools.groupby(sessions)]
    assert len(runs) == len(set(runs)), f"a session's blocks are split by another's: {runs}"
    assert len(runs) >= 4 and max(Counter(sessions).values()) <= len(fences) // 2, Counter(sessions)


def test_built_page_has_its_figures_and_finished_numbers(built_site):
    page = (built_site / PAGE).read_text(encoding="utf-8")
    figures = re.findall(r"<figure>.*?</figure>", page, flags=re.S)
    svg_figures = [f for f in figures if "<svg" in f]
    assert len(svg_figures) == 4  # descent, computational graph, timing, training
    for figure in svg_figures:
        assert 'role="img"' in figure and "<title>" in figure and "<figcaption>" in figure
        assert "currentColor" in figure  # text follows the light or dark palette
    assert "Traceback" not in page and "np.float64" not in page
    assert 'class="katex"' in page and "\\(" not in page  # every formula typeset at build time
    for expected in ("8{,}848.86", "27.988333", "86.925278"):  # the Everest row, from the data file
        assert expected in page or expected.replace("{,}", ",") in page


def test_a_wrong_derivative_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project", keep_posts=True)
    for other in (project / "docs" / "blog" / "posts").glob("*.md"):
        if other.name != POST.name:
            other.unlink()  # only this post's snippets matter here
    autodiff = project / "snippets" / "autodiff.py"
    source = autodiff.read_text(encoding="utf-8")
    correct = "self.grad += out.grad * (1 - t**2)"
    assert source.count(correct) == 1
    autodiff.write_text(source.replace(correct, "self.grad += out.grad"), encoding="utf-8")  # forgets tanh'
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert POST.name in result.stderr, result.stderr[-3000:]


def test_the_posts_prose_is_written_as_prose_not_in_string_literals():
    # Sentences printed from f-strings are prose edited as Python; inline values let them be Markdown (timings
    # too, as measured values). What code still prints: a figure's alt text, table labels, a caption.
    count = count_prose(POST.read_text(encoding="utf-8"))
    assert count.total > 4000, count  # the whole post was counted
    assert count.share() <= 0.05, count


def test_prose_count_leaves_out_code_formulas_and_placeholders():
    post = (
        "---\ntitle: Not counted\n---\n\n"
        "Two words $x + y = z$ and `inline code` here.\n\n"
        '```python exec="on"\n'
        'x = 1  # a comment\nprint(f"One {x:.3f} two $\\\\frac{{a}}{{b}}$ three", "four")\n'
        "```\n\n"
        '```python exec="on" measured="true"\n'
        'print(f"took {t * 1e3:.1f} ms")\n'
        "```\n\n"
        "```text\nnot prose either\n```\n"
    )
    count = count_prose(post)
    assert (count.markdown, count.in_strings, count.in_measured) == (4, 6, 2)
    assert count.share() == 6 / 10 and count.share(measured=False) == 4 / 10
