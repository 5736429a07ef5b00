"""Equation numbering and references, on Markdown text: what the post's author writes and what KaTeX gets."""

from __future__ import annotations

from live_math._internal.writing.equations import anchor_equations, link_references, number_equations
from live_math._internal.writing.source import Source, apply_edits, mask_code


def rewrite(markdown: str, line_offset: int = 0):
    source = Source(markdown, line_offset)
    equations, edits, errors = number_equations(source)
    ref_edits, ref_errors = link_references(source, equations)
    return apply_edits(markdown, edits + ref_edits), equations, errors + ref_errors


def test_labelled_displays_are_numbered_in_order_and_unlabelled_ones_are_not():
    text, equations, errors = rewrite("$$\na \\label{eq:a}\n$$\n\n$$\nb\n$$\n\n$$\nc \\label{eq:c}\n$$\n")
    assert errors == []
    assert {name: e.tag for name, e in equations.items()} == {"eq:a": "1", "eq:c": "2"}
    assert text == "$$\na \\tag{1}\n$$\n\n$$\nb\n$$\n\n$$\nc \\tag{2}\n$$\n"


def test_a_manual_tag_is_kept_and_never_repeated_by_an_automatic_number():
    text, equations, errors = rewrite(
        "$$\na \\label{eq:a}\n$$\n\n$$\nb \\tag{2} \\label{eq:b}\n$$\n\n$$\nc \\label{eq:c}\n$$\n"
    )
    assert errors == []
    assert [equations[n].tag for n in ("eq:a", "eq:b", "eq:c")] == ["1", "2", "3"]
    assert text.count("\\tag{2}") == 1  # the manual one; eq:c skipped 2
    assert "\\label" not in text


def test_a_reference_that_is_a_whole_formula_becomes_a_link_and_one_inside_math_an_href():
    text, _, errors = rewrite(
        "$$\nx \\label{eq:x}\n$$\n\nBy $\\eqref{eq:x}$, equation $\\ref{eq:x}$ and $y = \\eqref{eq:x}$.\n"
    )
    assert errors == []
    assert '[(1)](#eq:x){: .lm-xref data-lm-kind="equation" }' in text
    assert '[1](#eq:x){: .lm-xref data-lm-kind="equation" }' in text
    assert "$y = \\href{#eq:x}{\\text{(1)}}$" in text


def test_a_starred_manual_tag_is_referred_to_as_written():
    text, equations, _ = rewrite("$$\nx \\tag*{A} \\label{eq:x}\n$$\n\nSee $\\eqref{eq:x}$.\n")
    assert equations["eq:x"].shown("eqref") == "A"
    assert "[A](#eq:x)" in text


def test_an_unknown_label_names_the_line_the_label_and_the_labels_that_exist():
    markdown = "$$\nx \\label{eq:x}\n$$\n\n$$\ny \\label{eq:y}\n$$\n\nSee $\\eqref{eq:z}$.\n"
    _, _, errors = rewrite(markdown, line_offset=10)
    assert errors == ["19: \\eqref{eq:z}: no equation of this post is labelled 'eq:z'; labels: eq:x, eq:y"]


def test_a_label_defined_twice_names_both_lines():
    _, _, errors = rewrite("$$\nx \\label{eq:x}\n$$\n\n$$\ny \\label{eq:x}\n$$\n")
    assert errors == ["6: \\label{eq:x} is defined twice, on lines 2 and 6; give each equation its own label"]


def test_labels_outside_display_math_and_references_outside_math_are_refused():
    _, _, errors = rewrite("Inline $x \\label{eq:x}$ and a bare \\eqref{eq:x}.\n")
    assert errors[0].startswith("1: \\label{eq:x} is outside display math")
    assert errors[1] == "1: \\eqref{eq:x} is outside math: write it as $\\eqref{eq:x}$"


def test_code_is_left_alone():
    markdown = "`$\\eqref{eq:none}$`\n\n```latex\n$$ x \\label{eq:none} $$\n```\n"
    text, equations, errors = rewrite(markdown)
    assert (text, equations, errors) == (markdown, {}, [])
    assert len(mask_code(markdown)) == len(markdown)


def test_the_converted_display_gets_the_label_as_its_id():
    page = '<p>x</p>\n<div class="arithmatex">\\[\nx \\tag{1}\n\\]</div>\n<div class="arithmatex">\\[y\\]</div>'
    _, equations, _ = rewrite("$$\nx \\label{eq:x}\n$$\n")
    html, added = anchor_equations(page, equations)
    assert added == ["eq:x"]
    assert '<div class="lm-equation" id="eq:x"><div class="arithmatex">\\[\nx \\tag{1}\n\\]</div></div>' in html
    assert '<div class="arithmatex">\\[y\\]</div>' in html


def test_the_page_check_lets_through_only_the_same_page_links_references_become():
    from live_math._internal.checks.math import blocked_command

    assert blocked_command("y = \\href{#eq:x}{\\text{(1)}}") is None
    assert blocked_command("\\href{https://example.com}{x}") == "\\href"
