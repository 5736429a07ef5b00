"""The built site in a real Chromium: loads cleanly and only from itself, shows math without JavaScript,
passes an axe-core audit, and leaves screenshots in tests/artifacts/ for a human to look at."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from scripts.project_copy import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
POST_PAGE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")

VIEWS = {
    "light": {"color_scheme": "light", "viewport": {"width": 1280, "height": 800}},
    "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 800}},
    "phone": {"color_scheme": "light", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    # A narrow window on a computer: content scrolls sideways and a keyboard must be able to scroll it.
    "narrow": {"color_scheme": "light", "viewport": {"width": 390, "height": 844}},
}


@pytest.fixture(scope="session")
def page_paths(built_site) -> dict[str, str]:
    """URL paths of the pages under test: the home page, the first post, and one page of each other kind."""
    posts = sorted(p for p in built_site.rglob("index.html") if POST_PAGE.match(p.relative_to(built_site).as_posix()))
    assert posts, "no post was built"
    paths = {"home": "", "post": posts[0].parent.relative_to(built_site).as_posix() + "/", "tags": "tags/"}
    for kind in ["archive", "category"]:
        first = sorted(built_site.glob(f"{kind}/*/index.html"))[0]
        paths[kind] = first.parent.relative_to(built_site).as_posix() + "/"
    paths["404"] = "404.html"
    return paths


@dataclass
class Load:
    """What one page load did: every request, and everything that went wrong."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)


def open_page(context, url: str):
    """Open ``url`` in ``context``, letting only loopback requests through; return (page, Load)."""
    load = Load()

    def route(route):
        address = route.request.url
        load.requests.append(address)
        if urlparse(address).hostname == "127.0.0.1":
            route.continue_()
        else:
            load.blocked.append(address)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and load.console_errors.append(message.text))
    page.on("pageerror", lambda error: load.console_errors.append(str(error)))
    page.on("requestfailed", lambda request: load.failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: load.responses.append(response))
    page.goto(url, wait_until="networkidle")
    return page, load


def assert_clean(load: Load):
    bad_status = [f"{r.url}: HTTP {r.status}" for r in load.responses if r.status >= 400]
    assert load.requests, "the route recorded no request at all"
    assert not load.blocked, f"requests leaving the site: {load.blocked}"
    assert not load.failed, f"failed requests: {load.failed}"
    assert not bad_status, f"error responses: {bad_status}"
    assert not load.console_errors, f"console errors: {load.console_errors}"


@pytest.mark.parametrize("view", ["light", "dark", "phone"])
@pytest.mark.parametrize("name", ["home", "post"])
def test_page_loads_cleanly_from_the_site_alone(browser, site_url, page_paths, name, view):
    context = browser.new_context(**VIEWS[view])
    try:
        page, load = open_page(context, site_url + page_paths[name])
        assert_clean(load)
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == ("slate" if view == "dark" else "default"), f"{view} view shows the {scheme} palette"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}-{view}.png", full_page=True)
    finally:
        context.close()


def test_math_is_visible_without_javascript(browser, site_url, page_paths, built_site):
    # The post holds the math; the home page's excerpt has none, so there is nothing to check there.
    html = (built_site / page_paths["post"] / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    context = browser.new_context(java_script_enabled=False)
    try:
        page, load = open_page(context, site_url + page_paths["post"])
        assert_clean(load)
        formulas = page.locator(".katex")
        assert formulas.count() == html.count('class="katex"')
        for index in range(formulas.count()):
            box = formulas.nth(index).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"formula {index} has no size"
        fonts = [r.url for r in load.responses if "/assets/katex/fonts/" in r.url and r.status == 200]
        assert any(url.endswith(".woff2") for url in fonts), "KaTeX's fonts were not loaded"
    finally:
        context.close()


AUDITED = [("home", "light"), ("home", "dark"), ("post", "light"), ("post", "dark"), ("post", "narrow")] + [
    (name, "light") for name in ["tags", "archive", "category", "404"]
]


def assert_no_serious_violation(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert results["passes"] or results["violations"], "axe-core did not run"
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("name, view", AUDITED)
def test_no_serious_accessibility_violation(browser, site_url, page_paths, name, view):
    context = browser.new_context(**VIEWS[view])
    try:
        page, load = open_page(context, site_url + page_paths[name])
        assert_clean(load)
        assert_no_serious_violation(page)
    finally:
        context.close()


def test_post_weight_is_recorded(browser, site_url, page_paths):
    """Write what loading the post costs (bytes and requests per resource type) to tests/artifacts/."""
    context = browser.new_context(**VIEWS["light"])
    try:
        _, load = open_page(context, site_url + page_paths["post"])
        assert_clean(load)
        sizes, counts = Counter(), Counter()
        for response in load.responses:
            kind = response.request.resource_type
            sizes[kind] += len(response.body())
            counts[kind] += 1
        assert sizes["document"] > 0 and counts["stylesheet"] > 0
        ARTIFACTS.mkdir(exist_ok=True)
        report = {
            "page": page_paths["post"],
            "requests": sum(counts.values()),
            "bytes": sum(sizes.values()),
            "by_type": {kind: {"requests": counts[kind], "bytes": sizes[kind]} for kind in sorted(counts)},
            "files": sorted(urlparse(r.url).path for r in load.responses),
        }
        (ARTIFACTS / "post-weight.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    finally:
        context.close()


def test_axe_core_is_installed():
    assert Path(AXE).is_file(), f"{AXE} is missing: run `npm ci`"


def test_search_finds_the_post(browser, site_url, page_paths):
    """The search partial is overridden (for its accessible name): Material's search must still work."""
    context = browser.new_context(**VIEWS["light"])
    try:
        page, load = open_page(context, site_url)
        # Typed key by key like a reader: a query set in one go by fill() was sometimes never searched.
        page.locator("input.md-search__input").press_sequentially("backprop", delay=50)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        assert results.count() > 0
        assert page.locator(".md-search").get_attribute("aria-label")
        assert_clean(load)
    finally:
        context.close()


@pytest.mark.parametrize("ci, outcome", [("", "skipped"), ("true", "error")])
def test_missing_chromium_skips_locally_and_fails_in_ci(tmp_path, ci, outcome):
    env = {**os.environ, "CHROMIUM": str(tmp_path / "no-chromium"), "CI": ci}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-rsf", "-p", "no:cacheprovider", f"{__file__}::test_search_finds_the_post"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"1 {outcome}" in result.stdout, result.stdout[-2000:]
    assert "BROWSER TESTS NOT RUN: no Chromium at" in result.stdout
    assert (result.returncode != 0) == (outcome == "error")


def test_palette_toggle_switches_to_dark_and_code_has_copy_buttons(browser, site_url, page_paths):
    context = browser.new_context(**VIEWS["light"])
    try:
        page, load = open_page(context, site_url + page_paths["post"])
        page.get_by_title("Switch to dark mode").click()
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        code_blocks = page.locator(".md-typeset pre > code").count()
        assert code_blocks > 0, "the post shows no code, so the copy buttons cannot be checked"
        assert page.locator(".md-typeset pre button[data-md-type='copy']").count() == code_blocks
        assert_clean(load)
    finally:
        context.close()


# --- the slider figure of tests/demo_posts/slider-figure.md ----------------------------------------

SLIDER_POST = "2026/11/27/step-size-one-frame-at-a-time/"


def slider_state(page) -> dict:
    """What the reader sees and hears of the slider figure now."""
    return page.evaluate(
        """() => {
            const figure = document.querySelector(".live-slider");
            const svg = figure.querySelector(".live-slider__picture svg");
            const input = figure.querySelector("input[type=range]");
            const used = [...svg.querySelectorAll("use[href^='#step-size-part-']")];
            return {
                value: input.value,
                valuetext: input.getAttribute("aria-valuetext"),
                output: figure.querySelector("output").textContent,
                label: svg.getAttribute("aria-label"),
                title: svg.querySelector("title").textContent,
                drawing: svg.innerHTML.replace(/<title>.*?<\\/title>/, ""),
                pictures: figure.querySelectorAll(".live-slider__picture svg").length,
                width: svg.getBoundingClientRect().width,
                sharedWidths: used.map((u) => u.getBBox().width),
                status: figure.querySelector(".live-slider__status").textContent,
            };
        }"""
    )


def test_slider_figure_steps_through_its_frames_from_the_keyboard(browser, demo_site_url):
    context = browser.new_context(**VIEWS["light"])
    try:
        page, load = open_page(context, demo_site_url + SLIDER_POST)
        assert_clean(load)
        data = json.loads(page.locator(".live-slider__frames script").text_content())
        start = slider_state(page)
        assert start["value"] == "5" and start["output"] == start["valuetext"] == "0.30"
        assert start["label"] == start["title"] == data["alts"][5]
        # The axes are a part all frames share, drawn with <use>: it spans most of the picture.
        assert max(start["sharedWidths"]) > 0.5 * start["width"], "the parts frames share are not drawn"
        assert page.get_by_label("step size η").is_visible()
        assert not page.locator(".live-slider__note").is_visible()

        page.keyboard.press("Tab")
        for _ in range(20):  # Tab to the slider, as a keyboard reader would
            if page.evaluate("document.activeElement.type") == "range":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "step-size-slider"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        moved = slider_state(page)
        assert moved["value"] == "7" and moved["output"] == moved["valuetext"] == "0.40"
        assert moved["label"] == moved["title"] == data["alts"][7] != start["label"]
        assert moved["drawing"] != start["drawing"] and moved["pictures"] == 1
        assert max(moved["sharedWidths"]) > 0.5 * moved["width"]
        page.wait_for_function("document.querySelector('.live-slider__status').textContent !== ''")
        assert slider_state(page)["status"] == data["alts"][7]

        page.keyboard.press("Home")
        first = slider_state(page)
        assert first["value"] == "0" and first["output"] == "0.05" and first["label"] == data["alts"][0]
        page.keyboard.press("End")
        assert slider_state(page)["output"] == "1.00"
        for _ in range(15):
            page.keyboard.press("ArrowLeft")
        back = slider_state(page)
        assert back["value"] == "4" and back["output"] == "0.25"
        page.keyboard.press("ArrowRight")
        assert slider_state(page)["drawing"] == start["drawing"], "the first frame did not come back as it was"
        assert_clean(load)
    finally:
        context.close()


def test_slider_figure_without_javascript_shows_the_default_frame_and_says_so(browser, demo_site_url):
    context = browser.new_context(java_script_enabled=False, **VIEWS["light"])
    try:
        page, load = open_page(context, demo_site_url + SLIDER_POST)
        assert_clean(load)
        pictures = page.locator(".live-slider svg.live-plot")
        assert pictures.count() == 1 and pictures.first.is_visible()
        assert pictures.first.bounding_box()["width"] > 100
        assert not page.locator(".live-slider input[type=range]").is_visible()
        note = page.locator(".live-slider__note")
        assert note.is_visible()
        assert note.text_content().startswith("Showing step size η = 0.30. With JavaScript on, a slider steps")
        assert "through 20 values of step size η, from 0.05 to 1.00." in note.text_content()
    finally:
        context.close()


@pytest.mark.parametrize("view", ["light", "dark", "phone"])
def test_slider_figure_passes_the_audit_and_is_screenshot(browser, demo_site_url, view):
    context = browser.new_context(**VIEWS[view])
    try:
        page, load = open_page(context, demo_site_url + SLIDER_POST)
        assert_clean(load)
        page.locator(".live-slider input[type=range]").focus()
        page.keyboard.press("ArrowRight")
        assert_no_serious_violation(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".live-slider").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"slider-figure-{view}.png")
    finally:
        context.close()
