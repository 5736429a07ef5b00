"""CONTRIBUTING.md's examples work as written: its front matter passes the checks, its snippets build."""

from __future__ import annotations

import ast
import re
import shutil

import yaml
from mkdocs.config import load_config

from live_math._internal.checks import front_matter
from scripts.project_copy import ROOT, build, copy_project

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
POST_HEADER = """---
title: The examples of CONTRIBUTING.md
date: 2026-11-25
authors: [editor]
categories: [Mathematics]
description: Every Markdown example of the contributor's guide, built.
---

# The examples of CONTRIBUTING.md

Each example follows.

<!-- more -->

"""


def markdown_examples() -> list[str]:
    return re.findall(r"^````markdown\n(.*?)^````$", GUIDE, re.M | re.S)


def test_the_guides_front_matter_example_is_valid():
    (example,) = re.findall(r"^```yaml\n---\n(.*?)^---\n```$", GUIDE, re.M | re.S)
    meta = yaml.safe_load(example)
    authors = list(yaml.safe_load((ROOT / "docs/blog/.authors.yml").read_text())["authors"])
    categories = load_config(str(ROOT / "mkdocs.yml")).plugins["material/blog"].config.categories_allowed
    assert front_matter.check_meta(meta, authors, ".authors.yml", categories) == []


def test_the_guides_snippet_examples_build_and_show_their_output(tmp_path):
    examples = markdown_examples()
    assert len(examples) >= 3
    project = copy_project(tmp_path / "project")
    post = project / "docs" / "blog" / "posts" / "examples.md"
    post.write_text(POST_HEADER + "\n\n".join(examples), encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-4000:]
    page = (tmp_path / "site" / "2026" / "11" / "25" / "the-examples-of-contributingmd" / "index.html").read_text()
    assert re.search(r"The mean of 10,000 standard normal samples is -?0\.\d{4}\.", page)
    assert 'The gradient is <span class="arithmatex"><span class="katex">' in page  # printed math typeset
    assert 'aria-label="A parabola whose lowest point, L = 1.00, is at x = 5.00."' in page
    assert "<figcaption>" in page
    assert '<input type="range" id="power-curve-slider" min="0" max="4" step="1" value="3"' in page
    assert 'aria-label="The curve y = |x| to the power 2 on [-3, 3]: 0 at x = 0, 9.00 at x = 3 and x = -3."' in page


def yaml_example(first_key: str) -> dict:
    (example,) = re.findall(rf"^```yaml\n({first_key}:\n.*?)^```$", GUIDE, re.M | re.S)
    return yaml.safe_load(example)


def post(title: str, extra: str = "", body: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: 2026-11-25\nauthors: [ana]\ncategories: [Mathematics]\n"
        f"description: A post of the guide's examples.\n{extra}---\n\n"
        f"# {title}\n\nThe excerpt.\n\n<!-- more -->\n\n{body}"
    )


def test_the_guides_author_page_related_links_and_draft_examples_build_as_described(tmp_path):
    project = copy_project(tmp_path / "project")
    docs = project / "docs"
    authors = yaml_example("authors")
    (key,) = authors["authors"]
    assert key == "ana"
    shutil.copy(docs / "assets/images/avatar.svg", docs / authors["authors"][key]["avatar"])
    listed = yaml.safe_load((docs / "blog/.authors.yml").read_text())
    listed["authors"].update(authors["authors"])
    (docs / "blog/.authors.yml").write_text(yaml.safe_dump(listed))
    assert "With `authors_profiles: true` under the `blog` plugin" in GUIDE
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - blog:\n", "  - blog:\n      authors_profiles: true\n", 1))

    links = yaml_example("links")["links"]
    for entry in links:
        if isinstance(entry, str):  # a path under docs/: give it a page to point at
            (docs / entry).write_text(post("The linked post"))
    (docs / "blog/posts/with-links.md").write_text(post("With links", "links:\n" + yaml.safe_dump(links)))
    broken = '```python exec="on"\nraise ValueError("a draft is not built")\n```\n\nAnd $\\frac{1}{2$.\n'
    (docs / "blog/posts/draft.md").write_text(post("A draft", "draft: true\n", broken))

    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]  # the draft's snippet and formula never ran
    assert not (site / "2026/11/25/a-draft").exists()
    author_page = (site / "author" / key / "index.html").read_text()
    assert "With links" in author_page and authors["authors"][key]["name"] in author_page
    page = (site / "2026/11/25/with-links/index.html").read_text()
    related = page[page.index("md-post__meta md-nav__list") :]
    assert "The linked post" in related  # a path shows that page's title
    (titled,) = [entry for entry in links if isinstance(entry, dict)]
    ((title, address),) = titled.items()
    assert f'href="{address}"' in related and title in related


# --- "When the build fails" lists every message the checks give ------------------------------------------

MESSAGE_SOURCES = sorted(
    [
        *(ROOT / "live_math/_internal/checks").glob("*.py"),
        ROOT / "live_math/_internal/math/katex.py",
        *(ROOT / "live_math/_internal/writing").glob("*.py"),
    ]
)
COLLECTIONS = {"report", "errors", "problems", "found"}  # where the checks put a message they found


def failures_section() -> str:
    section = GUIDE.split("\n## When the build fails\n", 1)[1].split("\n## ", 1)[0]
    return " ".join(section.replace("\\|", "|").split())


def literal_pieces(node) -> list[str]:
    """The fixed text of a message: a string, an f-string's literal parts, the parts of a ``+``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return literal_pieces(node.left) + literal_pieces(node.right)
    if isinstance(node, ast.List):
        return [piece for element in node.elts for piece in literal_pieces(element)]
    if isinstance(node, ast.ListComp):
        return literal_pieces(node.elt)
    return []


def said(node) -> list:
    """The expressions ``node`` hands on as a message: added to a report or a list of problems, raised, named
    ``what``, or returned by one of the front matter's ``check_*`` functions (a field's problem)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        owner_name = getattr(owner, "id", None) or getattr(owner, "attr", None)
        if node.func.attr == "add" and owner_name == "report":
            return node.args[1:2]  # (where, what, fix): the fix is the table's other column
        if node.func.attr == "append" and owner_name in COLLECTIONS:
            first = node.args[0]
            return first.elts[1:2] if isinstance(first, ast.Tuple) else [first]  # (where, what, fix)
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        return node.exc.args[:1]
    if isinstance(node, ast.Assign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        named = {getattr(t, "id", None) or getattr(getattr(t, "value", None), "id", None) for t in targets}
        if named & {"what", "found"}:
            return [node.value]
    return []


def messages() -> list[tuple[str, str]]:
    """``(where in the code, the message's longest fixed text)`` for every message the checks can give."""
    found = []
    for path in MESSAGE_SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        expressions = [(node.lineno, e) for node in ast.walk(tree) for e in said(node)]
        # A function returning a list of messages made one per match (Liquid tags, malformed citations).
        expressions += [
            (node.lineno, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Return)
            and isinstance(node.value, ast.ListComp)
            and isinstance(node.value.elt, ast.JoinedStr)
        ]
        if path.name == "front_matter.py":
            checks = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name.startswith("check_")]
            expressions += [(r.lineno, r.value) for f in checks for r in ast.walk(f) if isinstance(r, ast.Return)]
        for line, expression in expressions:
            pieces = [" ".join(p.split()).strip(" :;,.'\"`(){}") for p in literal_pieces(expression)]
            pieces = [p for p in pieces if len(p) >= 8]  # shorter: a message made of others ("{where}: {what}")
            if pieces:
                found.append((f"{path.name}:{line}", max(pieces, key=len)))
    return found


def test_every_message_the_checks_give_is_in_the_table_of_when_the_build_fails():
    found = messages()
    assert len(found) >= 40  # the scan finds the checks' messages at all
    table = failures_section()
    missing = [f"{where}: {text!r}" for where, text in found if text not in table]
    assert not missing, "add these messages and their fix to CONTRIBUTING.md, 'When the build fails':\n" + "\n".join(
        missing
    )
