"""Slider figures: one frame per value, each distinct picture stored once, a default frame that reads
without JavaScript, a text alternative per value, and clear errors for what an author can get wrong."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from snippets.interactive import compact, slider_figure
from snippets.optimization import gradient_descent
from snippets.plotting import STYLE, draw_descent, svg_markup


def draw_level(level: float) -> Figure:
    """A small figure: a horizontal line at ``level`` on fixed axes."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(3, 2))
        ax = fig.subplots()
        ax.plot([0, 1], [level, level])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 4)
        fig.tight_layout()
    return fig


def describe(level) -> str:
    return f"A horizontal line at height {level}."


def figure(values=(0, 1, 2, 3), default=1, draw=draw_level, **options) -> str:
    options = {"label": "height h", "name": "level", "alt": describe, **options}
    return slider_figure(draw, list(values), default=default, **options)


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def data_of(html: str) -> dict:
    return json.loads(parse(html).select_one(".live-slider__frames script[type='application/json']").string)


def pictures_of(html: str) -> dict[int, str]:
    """Every stored picture by its index, as written (an HTML parser would lowercase SVG's viewBox): the
    one drawn on the page and those kept in templates."""
    stored = {int(i): svg for i, svg in re.findall(r'<template data-picture="(\d+)">(.*?)</template>', html)}
    shown = int(re.search(r'data-shown-picture="(\d+)"', html)[1])
    stored[shown] = re.search(r'<div class="live-slider__picture">(<svg.*?</svg>)</div>', html)[1]
    return stored


def expanded(picture: str, html: str) -> str:
    """``picture`` with each ``<use>`` of a shared part replaced by that part, as canonical XML."""
    shared = re.search(r'<svg class="live-slider__shared".*?</svg>', html)
    parts = {}
    if shared:
        for part in ET.fromstring(shared[0]).find("defs"):
            parts[part.get("id")] = "".join(ET.tostring(child, encoding="unicode") for child in part)
    picture = re.sub(r'<use href="#([\w-]+)"/>', lambda m: parts.get(m[1], m[0]), picture)
    return canonical(picture)


def canonical(svg: str) -> str:
    svg = re.sub(r'\s(xmlns|role|aria-label|class)="[^"]*"', "", svg)
    svg = re.sub(r"<title>.*?</title>", "", svg)
    return ET.canonicalize(svg, strip_text=True)


def test_every_value_gets_the_frame_its_own_drawing_gives():
    html = figure()
    data = data_of(html)
    assert data["texts"] == ["0", "1", "2", "3"]
    assert data["alts"] == [describe(v) for v in range(4)]
    pictures = pictures_of(html)
    assert len(pictures) == 4
    for value, index in enumerate(data["pictures"]):
        # Drawn again on its own, without the slider: the same picture, once the shared parts are put back.
        alone = canonical(compact(svg_markup(draw_level(value), "level", tight=False)))
        assert expanded(pictures[index], html) == alone, f"value {value} shows another picture"


def test_frames_that_look_the_same_are_stored_once():
    html = figure(values=[0, 1, 2, 3, 4, 5], draw=lambda v: draw_level(v // 2), default=2)
    assert data_of(html)["pictures"] == [0, 0, 1, 1, 2, 2]
    assert len(pictures_of(html)) == 3
    soup = parse(html)
    assert len(soup.select("template")) == 2  # the shown picture is not stored a second time
    assert len(soup.select("svg.live-plot")) == 1


def test_parts_common_to_all_frames_are_stored_once():
    html = figure()
    shared = parse(html).select(".live-slider__shared defs > g")
    assert shared, "the axes are the same in every frame, yet nothing is shared"
    for picture in pictures_of(html).values():
        assert picture.count("<use href=") >= len(shared) // 2
    # Tick labels are drawn once on the page, not once per frame.
    assert html.count(">0.6</text>") == 1


def test_without_javascript_the_default_frame_shows_with_its_value_and_a_note():
    soup = parse(figure(values=[0, 1, 2, 3], default=2))
    shown = soup.select_one(".live-slider__picture svg")
    assert shown["role"] == "img" and shown["aria-label"] == describe(2)
    assert shown.title.string == describe(2)
    control = soup.select_one(".live-slider__control")
    assert control.has_attr("hidden"), "the slider would show, dead, without the script"
    slider = control.select_one("input[type=range]")
    assert slider.has_attr("disabled") and slider["value"] == "2"
    note = soup.select_one(".live-slider__note").get_text()
    assert note.startswith("Showing height h = 2.") and "4 values of height h, from 0 to 3" in note
    # The other frames are inert templates; they, the data and the shared tick labels stay out of search.
    assert soup.select_one(".live-slider__frames").has_attr("data-search-exclude")
    assert soup.select_one(".live-slider__shared").has_attr("data-search-exclude")


def test_the_slider_is_labelled_and_says_its_value_in_words():
    html = figure(values=[0.1, 0.2, 0.3], default=0.2, value_text=lambda v: f"{v:.2f} s")
    soup = parse(html)
    slider = soup.select_one("input[type=range]")
    label = soup.select_one(f"label[for='{slider['id']}']")
    assert label.get_text() == "height h"
    assert (slider["min"], slider["max"], slider["step"]) == ("0", "2", "1")
    assert slider["aria-valuetext"] == "0.20 s"
    assert soup.select_one("output").get_text() == "0.20 s"
    assert soup.select_one("[aria-live=polite]") is not None
    assert data_of(html)["texts"] == ["0.10 s", "0.20 s", "0.30 s"]


def test_a_default_a_rounding_error_away_is_found():
    values = np.linspace(0.1, 0.5, 5)
    assert values[2] != 0.3
    html = figure(values=values, default=0.3, draw=lambda v: draw_level(1))
    assert parse(html).select_one("input[type=range]")["value"] == "2"
    assert data_of(html)["texts"] == ["0.1", "0.2", "0.3", "0.4", "0.5"]


def test_text_that_looks_like_markup_stays_text():
    html = figure(values=[0, 1], default=0, label="a < b", alt=lambda v: f"</script><b>{v}</b> & more")
    soup = parse(html)
    assert soup.select_one("label").get_text() == "a < b"
    assert data_of(html)["alts"] == ["</script><b>0</b> & more", "</script><b>1</b> & more"]
    assert soup.select_one(".live-slider__picture svg")["aria-label"] == "</script><b>0</b> & more"
    assert soup.find("b") is None


def test_the_output_is_reproducible():
    assert figure() == figure()


def test_twenty_frames_the_size_of_the_posts_plots_stay_under_150_kb():
    def f(x):
        return 1 + (x - 5) ** 2

    def draw(eta):
        iterates = gradient_descent(lambda x: 2 * (x - 5), 0.0, eta, steps=10)
        return draw_descent(f, [(f"η = {eta:.2f}", iterates)], window=(-10, 20))

    etas = [round(0.05 * k, 2) for k in range(1, 21)]
    html = slider_figure(draw, etas, label="η", default=0.3, name="weight", alt=lambda eta: f"Descent with η = {eta}")
    assert len(pictures_of(html)) == 20
    assert len(html.encode()) <= 150 * 1024, f"{len(html.encode()) / 1024:.0f} KB"


def never_drawn(value):
    raise AssertionError("drew a frame before checking the arguments")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"values": range(41)}, "41 values but max_frames=40"),
        ({"values": range(6), "max_frames": 5}, "6 values but max_frames=5; each frame adds"),
        ({"values": []}, "values is empty"),
        ({"values": [1, 2, 2]}, "values repeat (2)"),
        ({"default": 9}, "default 9 is not one of the values (0, 1, 2, 3)"),
        ({"name": "Has Space"}, "use lowercase letters, digits and hyphens"),
        ({"max_frames": 0}, "max_frames must be at least 1"),
    ],
)
def test_bad_arguments_are_refused_before_drawing(options, message):
    with pytest.raises(ValueError) as error:
        figure(draw=never_drawn, **options)
    assert message in str(error.value)


def test_an_empty_description_is_refused():
    with pytest.raises(ValueError, match=r"alt\(1\) is empty; describe what that frame shows"):
        figure(values=[0, 1], default=0, alt=lambda v: "" if v else "zero", draw=never_drawn)


def test_a_draw_function_that_returns_no_figure_is_named():
    with pytest.raises(TypeError, match=r"draw\(0\) returned str, not a matplotlib Figure"):
        figure(draw=lambda v: "<svg/>")


def test_compact_keeps_the_picture_and_drops_what_the_page_does_not_need():
    raw = svg_markup(draw_level(1), "level")
    small = compact(raw)
    assert len(small) < 0.8 * len(raw)
    assert "<metadata" not in small and "xlink:" not in small and '<g id="' not in small
    numbers = re.findall(r'\b(?:d|x|y)="([^"]*)"', small)
    assert numbers and not any(re.search(r"\.\d{3}", n) for n in numbers)
    assert [t for t in re.findall(r">([^<>]+)</text>", raw)] == re.findall(r">([^<>]+)</text>", small)
