"""hooks/front_matter.py: each rule on its own, without building a site (builds are in test_bad_inputs.py)."""

import datetime as dt

import pytest

from live_math._internal.checks import front_matter

AUTHORS = ["editor", "guest"]
CATEGORIES = ["Mathematics", "Numerics"]
VALID = {
    "title": "A title",
    "date": dt.date(2026, 11, 25),
    "authors": ["editor"],
    "categories": ["Mathematics"],
    "description": "One sentence.",
}


def problems_with(**changes):
    meta = {k: v for k, v in {**VALID, **changes}.items() if v is not ...}
    return front_matter.check_meta(meta, AUTHORS, "docs/blog/.authors.yml", CATEGORIES)


def test_a_complete_front_matter_has_no_problem():
    assert problems_with() == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"title": ...}, "title: missing"),
        ({"title": "  "}, "title: must be non-empty text"),
        ({"date": ...}, "date: missing"),
        ({"date": "yesterday"}, "date: 'yesterday' is not a date"),
        ({"date": {"updated": dt.date(2026, 1, 1)}}, "date: a mapping of dates needs `created: YYYY-MM-DD`"),
        ({"authors": ["nobody"]}, "authors: 'nobody' is not one of editor, guest (keys of docs/blog/.authors.yml)"),
        ({"authors": "editor"}, "authors: must be a list, e.g. `authors: [editor]`"),
        ({"authors": []}, "authors: missing"),
        ({"categories": ["Cooking"]}, "categories: 'Cooking' is not one of Mathematics, Numerics"),
        ({"description": ...}, "description: missing"),
        ({"description": 42}, "description: must be non-empty text, got 42"),
        ({"tags": "one two"}, "tags: must be a list of words"),
    ],
)
def test_each_problem_names_its_field(changes, expected):
    problems = problems_with(**changes)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)


def test_every_problem_is_reported_not_only_the_first():
    problems = problems_with(title=..., authors=["nobody"], categories=["Cooking"])
    assert [p.split(":")[0] for p in problems] == ["title", "authors", "categories"]


@pytest.mark.parametrize(
    "value", [dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4), {"created": dt.date(2026, 1, 2)}]
)
def test_dates_material_accepts_are_accepted(value):
    assert front_matter.check_date(value) is None


def test_an_impossible_date_is_reported_as_not_real():
    meta, _ = front_matter.read_front_matter("---\ndate: 2026-02-30\n---\n")
    assert front_matter.check_date(meta["date"]) == "'2026-02-30' is not a real date"


def test_a_date_in_quotes_is_text_and_the_fix_is_said():
    meta, _ = front_matter.read_front_matter("---\ndate: '2026-02-03'\n---\n")
    assert front_matter.check_date(meta["date"]) == "'2026-02-03' is quoted, so it is text: write it without quotes"


def test_front_matter_body_line_is_the_line_after_the_closing_dashes():
    _, body_line = front_matter.read_front_matter("---\ntitle: x\ndate: 2026-01-01\n---\nbody\n")
    assert body_line == 5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# no front matter\n", "missing"),
        ("---\ntitle: [x\n---\n", "not valid YAML: line 3"),
        ("---\n- a list\n---\n", "must be a mapping"),
    ],
)
def test_unreadable_front_matter_says_why(text, expected):
    with pytest.raises(ValueError, match=r"^" + expected.replace("[", r"\[")):
        front_matter.read_front_matter(text)


def test_liquid_tags_in_prose_are_found_with_their_line():
    body = "Intro.\n\n{% include x.html %}\n\nOn {{ page.date }} and {{ site.url }}.\n"
    found = front_matter.find_liquid(body, first_line=10)
    assert [f.split(":")[0] for f in found] == ["12", "14", "14"]
    assert "{% include x.html %}" in found[0]
    assert "replace it with Markdown" in found[0]


def test_braces_in_code_and_math_are_not_liquid():
    body = "\n".join(
        [
            "Inline `{{ shown }}` and ``{% also %}`` and math $x^{{n}}$ and $$y_{{k}}$$.",
            "```jinja",
            "{% for p in posts %}{{ p }}{% endfor %}",
            "```",
            "~~~~",
            "~~~",
            "{{ still inside the four-tilde fence }}",
            "~~~~",
            "$$",
            "\\frac{{a}}{{b}}",
            "$$",
        ]
    )
    assert front_matter.find_liquid(body, first_line=1) == []


def test_liquid_after_a_closed_fence_is_found():
    body = "```python\nprint('{{ x }}')\n```\n{{ leftover }}\n"
    assert [f.split(":")[0] for f in front_matter.find_liquid(body, first_line=1)] == ["4"]


@pytest.mark.parametrize(
    "line, reported",
    [
        (
            "title: Newton's method: a double well",
            """:2: front matter: not valid YAML: mapping values are not allowed here; a value containing ': ' """
            """or starting with one of @ ` * & ! | > % must be quoted: title: "Newton's method: a double well\"""",
        ),
        ('description: @home "is" here', r""":3: front matter: not valid YAML: found character '@' that cannot"""),
        ("authors: [editor", ":6: front matter: not valid YAML: expected ',' or ']'"),
        (
            "\tauthors: [editor]",
            ":5: front matter: not valid YAML: found character '\\t' that cannot start any token; indent with spaces",
        ),
    ],
)
def test_a_yaml_mistake_is_reported_at_its_line_with_the_usual_fix(tmp_path, line, reported):
    fields = ["title: T", "description: D", "date: 2026-01-02", "authors: [editor]"]
    key = line.strip().split(":")[0]
    fields = [line if field.startswith(key) else field for field in fields] + ["categories: [Mathematics]"]
    post = tmp_path / "p.md"
    post.write_text("---\n" + "\n".join(fields) + "\n---\n\nText.\n", encoding="utf-8")
    (problem,) = front_matter.check_post(post, "p.md", ["editor"], "a.yml", ["Mathematics"])
    assert problem.startswith("p.md" + reported), problem
    if "@" in line:
        assert problem.endswith('must be quoted: description: "@home \\"is\\" here"')


def test_a_field_problem_names_the_fields_line_and_a_missing_field_the_file():
    text = "---\ntitle: T\ndate: 2026-01-02\ncategories: [Cooking]\n---\n"
    post_problems = front_matter.check_meta(front_matter.read_front_matter(text)[0], ["ed"], "a.yml", ["Maths"])
    where = {problem.split(":")[0]: front_matter.field_line(text, problem) for problem in post_problems}
    assert where == {"authors": "", "categories": ":4", "description": ""}
