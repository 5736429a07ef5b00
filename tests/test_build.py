"""The real site, built strictly once per session (``built_site``): every page the blog promises, a feed a reader
parses, math finished at build time, a search index of TeX source, and nothing loaded from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from scripts.project_copy import ROOT, build, copy_project

POST_SOURCES = sorted((ROOT / "docs" / "blog" / "posts").glob("*.md"))
POST_PAGE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
# Link relations a browser does not fetch: they name a page, they do not load one.
NOT_FETCHED = {"canonical", "alternate", "next", "prev", "author", "license"}
# TeX as an author writes it: \( \[ or $…$ (pandoc's rule, so "costs $5 and $10" is not math).
TEX = re.compile(r"\\[(\[]|\$(?=\S)[^$]*?(?<=\S)\$(?!\d)")


def front_matter(path: Path) -> dict:
    _, header, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(header)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def post_pages(site: Path) -> list[Path]:
    return [p for p in html_pages(site) if POST_PAGE.match(p.relative_to(site).as_posix())]


def test_there_is_a_post_to_check():
    assert POST_SOURCES, "docs/blog/posts/ holds no post"


def test_every_promised_page_exists(built_site):
    for relative in ["index.html", "404.html", "tags/index.html", "feed_rss_created.xml", "sitemap.xml"]:
        assert (built_site / relative).is_file(), f"{relative} was not built"
    assert list(built_site.glob("archive/*/index.html")), "no archive page was built"
    assert list(built_site.glob("category/*/index.html")), "no category page was built"
    assert len(post_pages(built_site)) == len(POST_SOURCES), "not every post in docs/blog/posts/ became a page"


def test_home_page_lists_every_post(built_site):
    home = soup_of(built_site / "index.html")
    listed = {a.get_text(strip=True) for a in home.select("article h2 a")}
    for source in POST_SOURCES:
        assert front_matter(source)["title"] in listed, f"{source.name} is not listed on the home page"


def test_post_has_reading_time_and_share_metadata(built_site):
    pages = {soup_of(p).find("meta", attrs={"property": "og:title"})["content"]: p for p in post_pages(built_site)}
    for source in POST_SOURCES:
        meta = front_matter(source)
        assert meta["title"] in pages, f"no built page has the og:title of {source.name}"
        soup = soup_of(pages[meta["title"]])
        assert "min read" in soup.get_text(), f"{source.name}: no reading time"
        og_url = soup.find("meta", attrs={"property": "og:url"})
        assert og_url and og_url["content"].endswith("/"), f"{source.name}: no og:url"
        # Compared whole, so a quote in the description that ended the attribute early is caught.
        wanted = " ".join(meta["description"].split())
        for attrs in [{"name": "description"}, {"property": "og:description"}]:
            tag = soup.find("meta", attrs=attrs)
            assert tag and " ".join(tag["content"].split()) == wanted, f"{source.name}: {attrs} is not the description"


def test_feed_parses_and_lists_every_post(built_site):
    feed = feedparser.parse((built_site / "feed_rss_created.xml").read_bytes())
    assert not feed.bozo, f"the feed is not well-formed: {feed.bozo_exception}"
    entries = {entry.title: entry.link for entry in feed.entries}
    for source in POST_SOURCES:
        title = front_matter(source)["title"]
        assert title in entries, f"the feed does not list {title!r}"
        target = built_site / urlparse(entries[title]).path.lstrip("/") / "index.html"
        assert target.is_file(), f"the feed links {title!r} to {entries[title]}, which is not a built page"
    for entry in feed.entries:
        # Feed readers show these as plain text: TeX delimiters there would reach the reader raw.
        for text in [entry.title, entry.get("summary", "")]:
            assert not TEX.search(text), f"TeX in the feed entry {entry.title!r}: {text[:200]!r}"


def test_page_titles_are_plain_text(built_site):
    for page in html_pages(built_site):
        title = soup_of(page).title.get_text()
        assert not TEX.search(title) and "<" not in title, f"{page}: markup or TeX in <title>: {title!r}"


def test_sitemap_lists_every_post(built_site):
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for page in post_pages(built_site):
        assert page.parent.relative_to(built_site).as_posix() + "/</loc>" in sitemap


def test_every_formula_is_typeset(built_site):
    # TeX left raw outside a formula fails the build itself (checks/math.py; tests/test_checks.py).
    formulas = 0
    for page in html_pages(built_site):
        for element in soup_of(page).select(".arithmatex"):
            formulas += 1
            assert element.select_one(".katex"), f"{page}: formula left untypeset: {str(element)[:200]}"
            assert not element.select_one(".katex-error"), f"{page}: KaTeX error markup: {str(element)[:200]}"
    assert formulas > 0, "the site has no formula at all, so this test checked nothing"


def test_search_index_holds_tex_source_not_katex_markup(built_site):
    documents = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    texts = [doc["text"] for doc in documents]
    assert any("\\(" in text or "\\[" in text for text in texts), "no TeX source in the search index"
    for doc in documents:
        for markup in ['class="katex', "katex-mathml", "<math"]:
            assert markup not in doc["text"], f"KaTeX markup in the search index entry {doc['location']}"


@pytest.mark.parametrize("tag, attribute", [("script", "src"), ("img", "src"), ("link", "href"), ("source", "srcset")])
def test_no_page_loads_anything_from_another_site(built_site, tag, attribute):
    for page in html_pages(built_site):
        for element in soup_of(page).find_all(tag, attrs={attribute: True}):
            if tag == "link" and NOT_FETCHED & set(element.get("rel", [])):
                continue
            assert not re.match(r"^(https?:)?//", element[attribute]), f"{page}: <{tag}> loads {element[attribute]}"


def test_no_stylesheet_pulls_in_a_remote_file(built_site):
    for stylesheet in built_site.rglob("*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        remote = re.findall(r"""(?:url\(|@import)\s*["']?((?:https?:)?//[^"')\s]+)""", css)
        assert not remote, f"{stylesheet.relative_to(built_site)} loads {remote[:3]}"


def test_katex_assets_are_copied_from_the_pinned_package(built_site):
    katex = ROOT / "node_modules" / "katex" / "dist"
    assert (built_site / "assets/katex/katex.min.css").read_bytes() == (katex / "katex.min.css").read_bytes()
    fonts = {p.name for p in (katex / "fonts").glob("*.woff2")}
    assert fonts and fonts == {p.name for p in (built_site / "assets/katex/fonts").glob("*.woff2")}


def test_404_page_links_back_into_the_site(built_site):
    # The 404 page is served at any missing address, so its links are absolute paths from the site root.
    links = [
        a["href"]
        for a in soup_of(built_site / "404.html").select("article a[href]")
        if "headerlink" not in a.get("class", [])
    ]
    assert links, "the 404 page offers no way back"
    for href in links:
        assert href.startswith("/"), f"404 page link {href} depends on the address it is served at"
        assert (built_site / href.lstrip("/") / "index.html").is_file(), f"404 page links to missing {href}"


def test_home_page_paginates_when_posts_outnumber_a_page(tmp_path):
    project = copy_project(tmp_path / "project")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    per_page = next(p["blog"] for p in config["plugins"] if isinstance(p, dict) and "blog" in p)["pagination_per_page"]
    for day in range(1, per_page + 2):
        (project / "docs" / "blog" / "posts" / f"post-{day}.md").write_text(
            f"---\ntitle: Post number {day}\ndate: 2026-01-{day:02d}\nauthors: [editor]\n"
            f"categories: [Mathematics]\ndescription: Filler post {day}.\n---\n\n# Post number {day}\n\nText.\n",
            encoding="utf-8",
        )
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = (soup_of(tmp_path / "site" / p) for p in ["index.html", "page/2/index.html"])
    assert len(first.select("article h2 a")) == per_page
    assert [a.get_text(strip=True) for a in second.select("article h2 a")] == ["Post number 1"]
    assert first.select_one(".md-pagination"), "no pagination links on the home page"
