"""The Jekyll importer: the seed draft and small crafted posts, good and bad, through its command line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest
import yaml

from scripts import import_jekyll
from scripts.project_copy import ROOT

# CI keeps a read-only copy of the shared folder beside the clone.
SEED = ROOT.parent / "shared" / "seed" / "000_b6954f51a2e2c74e.txt"
DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE = re.compile(r"(?<!\$)\$([^$\n]+?)\$(?!\$)")


def run_importer(source: Path, *args: str) -> int:
    """Run the importer's command line on ``source`` and check that the source was left exactly as it was."""
    before = source.read_bytes(), source.stat().st_mtime_ns
    status = import_jekyll.main([str(source), *args])
    assert (source.read_bytes(), source.stat().st_mtime_ns) == before, "the importer modified its source"
    return status


def write_post(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def split(post: Path) -> tuple[dict, str]:
    _, header, body = post.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(header), body


def import_ok(tmp_path: Path, name: str, text: str, *args: str) -> tuple[dict, str]:
    out = tmp_path / "out"
    assert run_importer(write_post(tmp_path, name, text), "--out", str(out), *args) == 0
    (post,) = out.glob("*.md")
    return split(post)


def import_fails(tmp_path: Path, capsys, name: str, text: str, *args: str) -> str:
    """Run an import that must fail; return its error message after checking nothing was written."""
    out = tmp_path / "out"
    assert run_importer(write_post(tmp_path, name, text), "--out", str(out), *args) == 1
    assert not out.exists() or not any(out.iterdir()), "a failed import wrote a file"
    return capsys.readouterr().err


def arithmatex(text: str) -> tuple[list[str], list[str]]:
    """(display, inline) formulas as pymdownx.arithmatex sees them in ``text``, the way the site renders it."""
    html = markdown.markdown(
        text, extensions=["pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}}
    )
    display = re.findall(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', html, re.DOTALL)
    inline = re.findall(r'<span class="arithmatex">\\\((.*?)\\\)</span>', html, re.DOTALL)
    return [" ".join(f.split()) for f in display], [" ".join(f.split()) for f in inline]


# --- the seed draft --------------------------------------------------------------------------------


@pytest.fixture
def seed() -> Path:
    if not SEED.is_file():
        pytest.skip(f"SEED DRAFT NOT FOUND at {SEED}: the shared folder is not beside this clone")
    return SEED


def test_seed_imports_with_every_formula_kept_as_math(seed, tmp_path, capsys):
    out = tmp_path / "posts"
    assert run_importer(seed, "--date", "2026-11-25", "--out", str(out)) == 0
    target = Path(capsys.readouterr().out.strip())
    assert target.parent == out and target.is_file()
    meta, body = split(target)
    assert meta["title"] == "So you think you understand backpropagation?"
    assert meta["date"] == dt.date(2026, 11, 25)
    assert meta["authors"] == ["editor"]
    assert meta["description"].startswith("In this blog post")

    source = seed.read_text(encoding="utf-8").split("---\n", 2)[2]
    source_display = [" ".join(f.split()) for f in DISPLAY.findall(source)]
    source_inline = [f.strip() for f in INLINE.findall(DISPLAY.sub("", source))]
    display, inline = arithmatex(body)
    assert display == source_display, "a display formula of the draft was lost or merged with prose"
    assert inline == source_inline
    assert len(display) == 5 and len(inline) == 5  # counted by eye in the draft, guarding the regexes above


def test_seed_headings_move_under_the_title(seed, tmp_path):
    out = tmp_path / "posts"
    assert run_importer(seed, "--date", "2026-11-25", "--out", str(out)) == 0
    _, body = split(next(out.glob("*.md")))
    h1 = [line for line in body.splitlines() if line.startswith("# ")]
    assert h1 == ["# So you think you understand backpropagation?"]
    assert "## Intro" in body.splitlines() and "### Required prior knowledge" in body.splitlines()
    assert "<!-- more -->" in body


def test_seed_without_a_date_is_refused(seed, tmp_path, capsys):
    assert run_importer(seed, "--out", str(tmp_path / "out")) == 1
    assert "--date" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- dates -------------------------------------------------------------------------------------------


def test_date_from_the_filename_prefix(tmp_path):
    meta, _ = import_ok(tmp_path, "2024-01-31-hello.md", "---\nlayout: post\ntitle: Hello\n---\nText.\n")
    assert meta["date"] == dt.date(2024, 1, 31)


def test_date_from_the_command_line(tmp_path):
    meta, _ = import_ok(tmp_path, "hello.md", "---\ntitle: Hello\n---\nText.\n", "--date", "2025-03-04")
    assert meta["date"] == dt.date(2025, 3, 4)


def test_front_matter_date_wins_over_filename_and_option(tmp_path):
    text = "---\ntitle: Hello\ndate: 2023-05-06 10:00:00 +0200\n---\nText.\n"
    meta, _ = import_ok(tmp_path, "2024-01-31-hello.md", text, "--date", "2025-03-04")
    assert meta["date"] == dt.date(2023, 5, 6)


def test_impossible_filename_date_is_refused(tmp_path, capsys):
    err = import_fails(tmp_path, capsys, "2024-02-30-hello.md", "---\ntitle: Hello\n---\nText.\n")
    assert "2024-02-30" in err


def test_unreadable_front_matter_date_is_refused(tmp_path, capsys):
    err = import_fails(tmp_path, capsys, "hello.md", "---\ntitle: Hello\ndate: last tuesday\n---\nText.\n")
    assert "date" in err and "last tuesday" in err


# --- categories and tags -------------------------------------------------------------------------------


def test_space_separated_categories_and_tags_become_lists(tmp_path):
    text = "---\ntitle: Hello\ncategories: Mathematics Numerics\ntags: calculus\n---\nText.\n"
    meta, _ = import_ok(tmp_path, "2024-01-31-hello.md", text)
    assert meta["categories"] == ["Mathematics", "Numerics"]
    assert meta["tags"] == ["calculus"]


def test_category_lists_are_kept(tmp_path):
    text = "---\ntitle: Hello\ncategories: [Machine learning, Mathematics]\n---\nText.\n"
    meta, _ = import_ok(tmp_path, "2024-01-31-hello.md", text)
    assert meta["categories"] == ["Machine learning", "Mathematics"]
    assert "tags" not in meta


def test_a_nested_category_value_is_refused(tmp_path, capsys):
    err = import_fails(tmp_path, capsys, "2024-01-31-x.md", "---\ntitle: X\ncategories: {a: 1}\n---\nText.\n")
    assert "categories" in err


# --- math --------------------------------------------------------------------------------------------------


def test_kramdown_inline_double_dollars_become_inline_math(tmp_path):
    text = "---\ntitle: Hello\n---\nThe loss $$L(\\theta)$$ is small and $$x^2$$ too.\n"
    _, body = import_ok(tmp_path, "2024-01-31-hello.md", text)
    assert "The loss $L(\\theta)$ is small and $x^2$ too." in body
    assert arithmatex(body) == ([], ["L(\\theta)", "x^2"])


def test_display_blocks_stay_display_even_when_glued_to_prose(tmp_path):
    text = "---\ntitle: Hello\n---\nAbove:\n$$\na = b\n$$\nBelow, then one line:\n$$c = d$$\nEnd.\n"
    _, body = import_ok(tmp_path, "2024-01-31-hello.md", text)
    display, inline = arithmatex(body)
    assert display == ["a = b", "c = d"] and inline == []
    assert "Below, then one line:" in body and "End." in body


def test_dollars_in_code_are_left_alone(tmp_path):
    text = "---\ntitle: Hello\n---\nText.\n\n```sh\necho $$HOME $$x$$\n```\n"
    _, body = import_ok(tmp_path, "2024-01-31-hello.md", text)
    assert "echo $$HOME $$x$$" in body


# --- what cannot be imported -------------------------------------------------------------------------------


def test_liquid_tags_are_reported_with_line_numbers_and_nothing_is_written(tmp_path, capsys):
    text = "---\ntitle: Hello\n---\nFirst line.\n{% include figure.html %}\nSee {{ site.url }}.\n"
    err = import_fails(tmp_path, capsys, "2024-01-31-hello.md", text)
    assert "line 5: {% include figure.html %}" in err
    assert "line 6: {{ site.url }}" in err


@pytest.mark.parametrize(
    "text, expected",
    [
        ("---\ntitle: [unclosed\n---\nText.\n", ["not valid YAML"]),
        ("# Just a heading\n\nText.\n", ["no front matter"]),
        ("---\ntitle: X\nText.\n", ["not closed"]),
        ("---\nlayout: post\n---\nText.\n", ["title"]),
        ("---\nlayout: page\ntitle: About\n---\nText.\n", ["layout", "'page'"]),
        ("---\ntitle: X\npermalink: /x/\ncomments: true\n---\nText.\n", ["comments", "permalink"]),
    ],
    ids=["bad yaml", "no front matter", "unclosed front matter", "no title", "page layout", "unknown keys"],
)
def test_unsupported_input_is_refused_with_the_reason(tmp_path, capsys, text, expected):
    err = import_fails(tmp_path, capsys, "2024-01-31-x.md", text)
    for words in expected:
        assert words in err


def test_existing_post_is_not_overwritten_without_force(tmp_path, capsys):
    source = write_post(tmp_path, "2024-01-31-hello.md", "---\ntitle: Hello\n---\nNew text.\n")
    out = tmp_path / "out"
    out.mkdir()
    existing = write_post(out, "hello.md", "an earlier post\n")
    assert run_importer(source, "--out", str(out)) == 1
    assert "already exists" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == "an earlier post\n"
    assert run_importer(source, "--out", str(out), "--force") == 0
    assert "New text." in existing.read_text(encoding="utf-8")


def test_missing_source_file_is_reported(tmp_path, capsys):
    assert import_jekyll.main([str(tmp_path / "nope.md"), "--out", str(tmp_path / "out")]) == 2
    assert "cannot read" in capsys.readouterr().err
