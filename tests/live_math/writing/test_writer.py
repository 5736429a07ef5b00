"""The writer's last look at a page: a citation it did not read is an error, never raw text on the page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from live_math._internal.writing.writer import Writing


def page_of(tmp_path, source: str):
    path = tmp_path / "docs" / "post.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    file = SimpleNamespace(src_uri="post.md", abs_src_path=str(path), content_string=source)
    return SimpleNamespace(file=file, present_anchor_ids=None)


def writer_for(tmp_path) -> Writing:
    writer = Writing()
    writer.start_build(tmp_path, tmp_path / "docs", "references.bib", "ieee")
    return writer


def test_a_citation_left_unread_fails_at_its_source_line(tmp_path):
    page = page_of(tmp_path, "---\ntitle: T\n---\n\nText.\n\n<div>see [@late2020] here</div>\n")
    with pytest.raises(PluginError) as caught:
        writer_for(tmp_path).finish_content("<p>Text.</p><div>see [@late2020] here</div>", page)
    assert str(caught.value).startswith("docs/post.md:7: '[@late2020]' would be published as raw text")


def test_an_escaped_bracket_and_code_are_left_alone(tmp_path):
    page = page_of(tmp_path, "Write \\[@key] to cite, as in `[@key]`.\n")
    html = "<p>Write [@key] to cite, as in <code>[@key]</code>.</p>"
    assert writer_for(tmp_path).finish_content(html, page) == html
