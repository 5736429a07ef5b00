"""Citations: Pandoc's syntax recognised (and not confused with other brackets), BibTeX read, CSL formatting."""

from __future__ import annotations

from pathlib import Path

import pytest

from live_math._internal.writing.citations import (
    BibError,
    Cited,
    cite,
    edition_number,
    find_citations,
    format_entries,
    load_bib,
    malformed_citations,
    parse_citation,
)
from live_math._internal.writing.source import Source, apply_edits

WRITING = Path(__file__).parents[2] / "writing"
SITE_BIB = Path(__file__).parents[3] / "docs" / "blog" / "references.bib"


@pytest.fixture(scope="module")
def entries():
    return {**load_bib(SITE_BIB, "references.bib"), **load_bib(WRITING / "technical-writing.bib", "own.bib")}


def test_pandoc_citation_forms_are_parsed():
    assert parse_citation("@key") == [Cited("key", "", "")]
    assert parse_citation("@a; @b") == [Cited("a", "", ""), Cited("b", "", "")]
    assert parse_citation("see @key, p. 12") == [Cited("key", "see", "p. 12")]
    assert parse_citation("editor@example.com") is None


def test_links_footnotes_code_and_math_are_not_citations():
    markdown = "[@a](https://x.org) [^1] `[@b]` $[@c]$ [mail@example.com] \\[@d] [@e]\n"
    assert [items for _, _, items in find_citations(Source(markdown))] == [[Cited("e", "", "")]]


def test_a_bracket_naming_a_key_that_is_no_citation_is_reported_not_published():
    markdown = "Fine [@a] and [mail@example.com].\n\nBad [@a; see @b for the history] here.\n"
    (problem,) = malformed_citations(Source(markdown))
    assert problem.startswith("3: '[@a; see @b for the history]' looks like a citation but is not one: write [@key]")
    assert malformed_citations(Source("[@a; see @b, for the history]\n")) == []


def test_a_citation_before_a_colon_is_a_citation_but_a_link_definition_is_not():
    markdown = "- Karpathy's micrograd [@k]: reverse mode.\n\n[@def]: https://example.org\n"
    assert [items for _, _, items in find_citations(Source(markdown))] == [[Cited("k", "", "")]]


def test_bibtex_with_latex_becomes_csl(entries):
    godel = entries["godel1931"]
    assert godel["author"] == [{"family": "Gödel", "given": "Kurt"}]
    assert godel["title"].startswith("Über formal unentscheidbare Sätze der Principia")
    assert godel["page"] == "173–198"
    assert godel["DOI"] == "10.1007/BF01700692"


def test_entries_are_formatted_in_the_csl_style_with_their_doi_or_url_linked(entries):
    formatted = format_entries(["rumelhart1986learning", "goodfellow2016"], entries, "ieee")
    assert formatted["rumelhart1986learning"].startswith("D. E. Rumelhart, G. E. Hinton, and R. J. Williams,")
    assert "<i>Nature</i>, vol. 323, no. 6088, pp. 533–536, 1986" in formatted["rumelhart1986learning"]
    assert '<a href="https://doi.org/10.1038/323533a0">10.1038/323533a0</a>' in formatted["rumelhart1986learning"]
    assert '<a href="https://www.deeplearningbook.org/">' in formatted["goodfellow2016"]
    apa = format_entries(["rumelhart1986learning"], entries, "apa")["rumelhart1986learning"]
    assert apa.startswith("Rumelhart, D. E., Hinton, G. E., &amp; Williams, R. J. (1986).")


def test_citations_are_numbered_by_first_use_and_listed_in_that_order(entries):
    markdown = "A [@goodfellow2016]. B [@rumelhart1986learning; @goodfellow2016]. C [@godel1931, p. 3].\n"
    edits, section, errors = cite(Source(markdown), entries, "ieee", "refs.bib")
    assert errors == []
    text = apply_edits(markdown, edits)
    assert text.startswith("A \\[[1](#ref-goodfellow2016){: .lm-cite }\\]. B \\[[2](#ref-rumelhart1986learning)")
    assert "C \\[[3](#ref-godel1931){: .lm-cite }, p. 3\\]." in text
    ids = [line.split('"')[1] for line in section.splitlines() if line.startswith("<li")]
    assert ids == ["ref-goodfellow2016", "ref-rumelhart1986learning", "ref-godel1931"]
    assert "## References" in section


def test_an_unknown_key_names_the_line_and_the_closest_keys(entries):
    _, _, errors = cite(Source("x\n\nsee [@rumelhart1968]\n", 7), entries, "ieee", "refs.bib")
    assert errors == ["10: citation key 'rumelhart1968' is not in refs.bib; closest: rumelhart1986learning"]


def test_a_bib_that_does_not_parse_names_its_file_and_line():
    with pytest.raises(BibError, match=r"^bad\.bib:11: BibTeX syntax error: premature end of file"):
        load_bib(WRITING / "bad" / "broken.bib", "bad.bib")


def test_a_duplicate_entry_names_its_line(tmp_path):
    bib = tmp_path / "dup.bib"
    bib.write_text("@misc{a,\n  title = {A}\n}\n\n@misc{a,\n  title = {B}\n}\n", encoding="utf-8")
    with pytest.raises(BibError, match=r"^dup\.bib:5: BibTeX error: .*\ba\b"):
        load_bib(bib, "dup.bib")


@pytest.mark.parametrize("written", ["Second", "second edition", "2nd", "2"])
def test_an_edition_in_words_or_as_an_ordinal_reads_2nd_ed(tmp_path, written):
    bib = tmp_path / "e.bib"
    bib.write_text(f"@book{{g,title={{T}},author={{A. Bee}},year={{2008}},edition={{{written}}},publisher={{SIAM}}}}")
    (entry,) = format_entries(["g"], load_bib(bib, "e.bib"), "ieee").values()
    assert "2nd ed." in entry and "Second" not in entry and "2nd edition" not in entry


def test_an_edition_that_is_not_a_number_is_kept():
    assert edition_number("Revised") == "Revised"


def test_a_talk_names_its_event_and_a_thesis_its_kind(tmp_path):
    bib = tmp_path / "t.bib"
    bib.write_text(
        "@misc{t, author={A. Bee}, title={Slides}, year={2023}, eventtitle={ASE60}, venue={MIT}}\n"
        "@mastersthesis{m, author={C. Dee}, title={Errors}, type={M.Sc. thesis}, school={Helsinki}, year={1970}}\n"
        "@misc{r, author={E. Eff}, title={Code}, year={2020}}\n"
    )
    formatted = format_entries(["t", "m", "r"], load_bib(bib, "t.bib"), "ieee")
    assert "presented at the ASE60, MIT" in formatted["t"]
    assert "M.Sc. thesis, Helsinki, 1970" in formatted["m"]
    assert "presented" not in formatted["r"]  # a misc without an event is no talk
