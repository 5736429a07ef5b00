"""Technical writing in a real build: the test post using every feature builds, and its page holds the
numbers, the links, the References and what the cards need; broken inputs stop the build with the place."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from live_math._internal import published
from scripts.project_copy import build, copy_project

WRITING = Path(__file__).parent / "writing"
POSTS = "docs/blog/posts"
POST_URL = "2026/11/22/every-technical-writing-feature-at-once/"


def build_with(tmp_path: Path, *files: Path):
    project = copy_project(tmp_path / "project")
    for file in files:
        shutil.copy(file, project / POSTS / file.name)
    return build(project, tmp_path / "site", env={"BLOG_CACHE_DIR": str(tmp_path / "cache")})


@pytest.fixture(scope="session")
def writing_site(tmp_path_factory) -> Path:
    """The project with the technical-writing test post added, built strictly once."""
    tmp_path = tmp_path_factory.mktemp("writing")
    result = build_with(tmp_path, WRITING / "technical-writing.md", WRITING / "technical-writing.bib")
    if result.returncode != 0:
        pytest.fail(f"the technical-writing post did not build:\n{result.stderr[-4000:]}")
    return tmp_path / "site"


@pytest.fixture(scope="module")
def article(writing_site):
    html = (writing_site / POST_URL / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article")


def test_labelled_equations_are_numbered_and_carry_their_label_as_id(article):
    numbered = {eq["id"]: eq.select_one(".katex-tag").get_text() for eq in article.select(".lm-equation")}
    assert numbered == {"eq:loss": "(1)", "eq:step": "(2)", "eq:optimum": "(⋆)", "eq:stable": "(3)"}
    displays = article.select("div.arithmatex")
    assert len(displays) == 5  # the unlabelled display is there, without a number
    assert sum(1 for d in displays if d.select_one(".katex-tag")) == 4


def test_references_link_to_their_equation_and_read_its_number(article):
    links = [(a["href"], a.get_text()) for a in article.select("a.lm-xref[data-lm-kind=equation]")]
    assert ("#eq:loss", "(1)") in links
    assert ("#eq:step", "(2)") in links
    assert ("#eq:stable", "3") in links  # \ref: no parentheses
    assert ("#eq:stable", "(3)") in links  # in the footnote
    inside_math = article.select('.katex a[href="#eq:step"]')
    assert inside_math and inside_math[0].get_text() == "(2)"
    assert "\\eqref" not in article.get_text().replace("$\\eqref{eq:nowhere}$", "")


def test_figures_and_tables_are_numbered_and_referenced(article):
    kinds = "a.lm-xref[data-lm-kind=figure], a.lm-xref[data-lm-kind=table]"
    links = {a["href"]: a.get_text() for a in article.select(kinds)}
    assert links == {"#fig-square": "Figure 1", "#tab-steps": "Table 1"}
    assert article.select_one("figure#fig-square figcaption").get_text().strip().startswith("Figure 1.")


def test_citations_are_numbered_links_to_a_references_section_with_doi_and_url_links(article):
    cites = [(a["href"], a.get_text()) for a in article.select("a.lm-cite")]
    assert cites == [
        ("#ref-rumelhart1986learning", "1"),
        ("#ref-goodfellow2016", "2"),
        ("#ref-rumelhart1986learning", "1"),
        ("#ref-godel1931", "3"),
        ("#ref-goodfellow2016", "2"),
    ]
    assert "[2, p. 200]" in article.get_text()
    entries = article.select("ol.lm-references > li")
    assert [li["id"] for li in entries] == ["ref-rumelhart1986learning", "ref-goodfellow2016", "ref-godel1931"]
    assert entries[0].select_one("a")["href"] == "https://doi.org/10.1038/323533a0"  # from the site-wide .bib
    assert entries[1].select_one("a")["href"] == "https://www.deeplearningbook.org/"  # from the post's own
    assert article.find(id="references").get_text(strip=True).startswith("References")
    assert "[@" not in article.get_text().replace("`[@nowhere]`", "").replace("[@nowhere]", "")
    assert "[editor@example.com]" in article.get_text()


def test_the_search_index_keeps_the_tex_and_reads_references_as_numbers(writing_site):
    index = json.loads((writing_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith(POST_URL))
    assert "\\tag{1}" in text and "\\frac{1}{n}" in text  # TeX, not KaTeX's HTML
    assert "katex" not in text
    assert "\\label" not in text


def test_excerpts_and_feeds_show_no_raw_citation_or_reference(writing_site):
    home = BeautifulSoup((writing_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    excerpt = next(a for a in home.select("article.md-post--excerpt") if "Every technical" in a.get_text())
    assert "[@" not in excerpt.get_text() and "\\eqref" not in excerpt.get_text()
    hrefs = [a["href"] for a in excerpt.select("a.lm-cite, a.lm-xref")]
    assert hrefs and all(h.startswith(POST_URL + "#") for h in hrefs), hrefs
    for feed in writing_site.glob("feed_*"):
        text = feed.read_text(encoding="utf-8")
        assert "[@" not in text and "\\eqref" not in text, feed.name


def test_the_cards_and_sidenotes_assets_are_served_and_nothing_else_is_fetched(writing_site):
    html = (writing_site / POST_URL / "index.html").read_text(encoding="utf-8")
    # Published by the plugin from its package, linked without a line in mkdocs.yml.
    assert re.search(r'<script src="[./]*assets/live-math/cards\.js"', html)
    assert re.search(r'href="[./]*assets/live-math/writing\.css"', html)
    package = Path(published.__file__).parent
    for name in ("cards.js", "writing.css", "slider_figure.js", "slider.css", "notebook.css"):
        assert (writing_site / "assets/live-math" / name).read_bytes() == (package / name).read_bytes()
    assert not list(writing_site.rglob("*.bib")), "bibliographies are sources, not pages"


BAD = {
    "unknown-label.md": [
        "docs/blog/posts/unknown-label.md:17: \\eqref{eq:los}: no equation of this post is labelled 'eq:los';"
        " labels: eq:loss"
    ],
    "duplicate-label.md": [
        "docs/blog/posts/duplicate-label.md:20: \\label{eq:a} is defined twice, on lines 14 and 20",
    ],
    "unknown-key.md": [
        "docs/blog/posts/unknown-key.md:11: citation key 'rumelhart1968' is not in docs/blog/references.bib;"
        " closest: rumelhart1986learning"
    ],
    "broken-bib.md": ["docs/blog/posts/broken.bib:11: BibTeX syntax error: premature end of file"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_broken_reference_or_bibliography_fails_the_build_naming_the_place(tmp_path, name):
    files = [WRITING / "bad" / name] + ([WRITING / "bad" / "broken.bib"] if name == "broken-bib.md" else [])
    result = build_with(tmp_path, *files)
    assert result.returncode != 0, f"{name} built"
    for expected in BAD[name]:
        assert expected in result.stderr, f"{expected!r} not in:\n{result.stderr[-3000:]}"


def test_every_broken_input_is_tested():
    assert sorted(p.name for p in (WRITING / "bad").glob("*.md")) == sorted(BAD)
