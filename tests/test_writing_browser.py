"""Cards and sidenotes in a real Chromium: hover and focus show a reference's card, Escape hides it, the
page stays accessible with a card open, footnotes move to the margin only on very wide screens."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading

import pytest

from tests.test_browser import ARTIFACTS, AXE, VIEWS, assert_clean, open_page
from tests.test_writing import POST_URL, writing_site  # noqa: F401 - the session fixture, shared

WIDE = {"color_scheme": "light", "viewport": {"width": 1800, "height": 1000}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        pass


@pytest.fixture(scope="module")
def post_url(writing_site):  # noqa: F811 - the fixture imported above
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=writing_site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{POST_URL}"
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def post_page(browser, url: str, *, clean: bool = True, **options):
    """The post loaded in a new browser context made with ``options``; with ``clean``, after checking that no
    request failed or left the site."""
    context = browser.new_context(**options)
    try:
        page, load = open_page(context, url)
        if clean:
            assert_clean(load)
        yield page
    finally:
        context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("view", ["light", "dark"])
def test_hovering_a_reference_shows_its_equation_in_a_card(browser, post_url, view):
    with post_page(browser, post_url, **VIEWS[view]) as page:
        card = page.locator("#lm-card")
        page.locator('a.lm-xref[href="#eq:step"]').first.hover()
        card.wait_for(state="visible")
        assert card.locator(".katex-display").count() == 1
        assert "θ" in card.inner_text() or card.locator("math").count() == 1
        assert page.locator('a.lm-xref[href="#eq:step"]').first.get_attribute("aria-describedby") == "lm-card"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"writing-equation-card-{view}.png")
        assert not serious_violations(page), "with the equation card open"
        page.mouse.move(0, 0)
        card.wait_for(state="hidden")


@pytest.mark.parametrize("view", ["light", "dark"])
def test_focusing_a_citation_shows_its_reference_and_escape_hides_it(browser, post_url, view):
    with post_page(browser, post_url, **VIEWS[view]) as page:
        card = page.locator("#lm-card")
        citation = page.locator('a.lm-cite[href="#ref-godel1931"]').first
        citation.focus()
        card.wait_for(state="visible")
        assert "K. Gödel" in card.inner_text() and "Monatshefte" in card.inner_text()
        assert card.get_attribute("role") == "tooltip"
        page.screenshot(path=ARTIFACTS / f"writing-citation-card-{view}.png")
        assert not serious_violations(page), "with the citation card open"
        page.keyboard.press("Escape")
        card.wait_for(state="hidden")
        assert citation.get_attribute("aria-describedby") is None
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#ref-godel1931"  # focus stays


def test_a_figure_reference_and_a_footnote_call_show_cards(browser, post_url):
    with post_page(browser, post_url, clean=False, **VIEWS["light"]) as page:
        card = page.locator("#lm-card")
        page.locator('a.lm-xref[href="#fig-square"]').focus()
        card.wait_for(state="visible")
        assert "A square drawn by the build" in card.inner_text()
        page.locator("a.footnote-ref").first.focus()
        card.wait_for(state="visible")
        assert "Too large a step diverges" in card.inner_text()
        assert "↩" not in card.inner_text()


def test_without_javascript_a_reference_still_leads_to_its_equation(browser, post_url):
    with post_page(browser, post_url, clean=False, java_script_enabled=False, **VIEWS["light"]) as page:
        page.locator('a.lm-xref[href="#eq:stable"]').first.click()
        page.wait_for_function("location.hash === '#eq:stable'")
        box = page.locator('[id="eq:stable"]').bounding_box()
        assert box and 0 <= box["y"] < 1000, "the equation is not scrolled into view"


@pytest.mark.parametrize("view", ["light", "dark"])
def test_footnotes_are_sidenotes_beside_their_call_on_very_wide_screens_only(browser, post_url, view):
    with post_page(browser, post_url, **{**WIDE, "color_scheme": view}) as page:
        note = page.locator(".lm-sidenote")
        note.wait_for(state="visible")
        call = page.locator("a.footnote-ref").first.bounding_box()
        text = page.locator("article.md-content__inner").bounding_box()
        toc = page.locator(".md-sidebar--secondary").bounding_box()
        box = note.bounding_box()
        assert abs(box["y"] - call["y"]) < 40, "the sidenote is not beside the line that calls it"
        assert box["x"] >= text["x"] + text["width"], "the sidenote overlaps the text"
        assert box["x"] + box["width"] <= toc["x"] + 1, "the sidenote overlaps the table of contents"
        page.locator("a.footnote-ref").first.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"writing-sidenote-{view}.png")
        assert not serious_violations(page)
        page.emulate_media(media="print")
        assert not note.is_visible(), "a sidenote is printed: print shows the footnotes at the end"
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_function("document.querySelectorAll('.lm-sidenote').length === 0")


# For each numbered equation: does its formula scroll, and is its number inside the scrolling box and the
# window, with the formula scrolled to its start and to its end?
TAG_PLACES = """() => [...document.querySelectorAll('.lm-equation')].map(eq => {
  let box = eq.querySelector('.katex-display');
  while (box !== eq && getComputedStyle(box).overflowX !== 'auto') box = box.parentElement;
  const places = [];
  for (const end of [false, true]) {
    box.scrollLeft = end ? box.scrollWidth : 0;
    const tag = eq.querySelector('.katex-tag').getBoundingClientRect(), seen = box.getBoundingClientRect();
    const left = Math.max(seen.left, 0), right = Math.min(seen.right, window.innerWidth);
    places.push(tag.width > 0 && tag.left >= left - 0.5 && tag.right <= right + 0.5);
  }
  return {id: eq.id, scrolls: box.scrollWidth > box.clientWidth, visible: places};
})"""


@pytest.mark.parametrize("width", [390, 260])
def test_on_a_phone_an_equation_number_stays_in_view_however_far_its_formula_scrolls(browser, post_url, width):
    phone = {**VIEWS["phone"], "viewport": {"width": width, "height": 844}}
    with post_page(browser, post_url, **phone) as page:
        places = page.evaluate(TAG_PLACES)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator('[id="eq:loss"]').scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"writing-equation-number-{width}px.png")
    assert places and all(eq["visible"] == [True, True] for eq in places), places
    if width == 260:  # narrow enough that the check above saw a formula scroll
        assert any(eq["scrolls"] for eq in places), places
