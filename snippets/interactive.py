"""A figure the reader steps through with a slider, every frame drawn as SVG when the site is built.

``slider_figure`` draws one matplotlib figure per parameter value and returns HTML for a snippet to print
with ``html="true"``: the default value's frame, a labelled range slider that
the live-math plugin's ``slider_figure.js`` turns on, and the other frames kept inert in ``<template>``
elements until asked for. The browser only swaps frames; nothing is computed there. Without JavaScript
the default frame shows with its value and a note saying so.

The page carries each distinct picture once: identical frames share one copy, and the parts of a picture
that several frames have in common (axes, ticks, a curve that does not move) are kept once in a hidden
``<svg>`` and drawn in each frame with ``<use>``.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from snippets.plotting import svg_markup

MAX_FRAMES = 40  # each frame adds to the page's weight; an author may allow more with max_frames=
SVG = "http://www.w3.org/2000/svg"
NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
# Coordinates below a hundredth of a point are invisible; matplotlib writes six decimals.
GEOMETRY = re.compile(r'\b(d|x|y|width|height|transform|viewBox)="([^"]*)"')
DECIMAL = re.compile(r"-?\d+\.\d+")


@dataclass(frozen=True)
class Frames:
    """The distinct pictures of a slider figure and, for each value, which picture it shows."""

    shared: list[str]  # parts drawn by several pictures, each an SVG <g> element with its own id
    pictures: list[str]  # distinct <svg> elements, referring to shared parts with <use>
    picture_of: list[int]  # picture_of[i] is the index in pictures of the i-th value's frame


def slider_figure(
    draw: Callable[[Any], Figure],
    values: Sequence,
    label: str,
    default,
    *,
    name: str,
    alt: Callable[[Any], str],
    value_text: Callable[[Any], str] | None = None,
    max_frames: int = MAX_FRAMES,
) -> str:
    """HTML for a figure with a slider stepping through ``values``, showing ``draw(value)`` for each.

    ``label`` names the parameter next to the slider (e.g. "step size η"); ``default`` is the value shown
    first, and the only one shown without JavaScript. ``name`` (lowercase letters, digits, hyphens) seeds
    the SVG ids and must differ between the figures of a page. ``alt(value)`` describes that value's
    frame for screen readers. ``value_text(value)`` is how a value reads next to the slider (e.g.
    ``lambda eta: f"{eta:.2f}"``); by default the value with at most six significant digits.
    More than ``max_frames`` values is an error, raised before anything is drawn.
    """
    values = list(values)
    _check(values, name, max_frames)
    start = _index_of(default, values, name)
    value_text = value_text or _plain
    texts = [str(value_text(value)) for value in values]
    alts = [str(alt(value)).strip() for value in values]
    for value, text in zip(values, alts, strict=True):
        if not text:
            raise ValueError(f"slider_figure {name!r}: alt({value!r}) is empty; describe what that frame shows")
    frames = render_frames(draw, values, name)
    return slider_html(frames, name=name, label=label, texts=texts, alts=alts, start=start)


def _check(values: list, name: str, max_frames: int) -> None:
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"slider_figure name {name!r}: use lowercase letters, digits and hyphens, e.g. 'descent-eta'")
    if max_frames < 1:
        raise ValueError(f"slider_figure {name!r}: max_frames must be at least 1, got {max_frames}")
    if not values:
        raise ValueError(f"slider_figure {name!r}: values is empty; give at least one value to draw")
    if len(values) > max_frames:
        raise ValueError(
            f"slider_figure {name!r}: {len(values)} values but max_frames={max_frames}; each frame adds to "
            f"the page's weight, so pass fewer values or raise max_frames= if the page can afford it"
        )
    repeated = [value for value, count in Counter(map(repr, values)).items() if count > 1]
    if repeated:
        raise ValueError(f"slider_figure {name!r}: values repeat ({', '.join(repeated)}); give each value once")


def _index_of(default, values: list, name: str) -> int:
    """Where ``default`` is in ``values``; a float a rounding error away (``np.linspace``) counts too."""
    for index, value in enumerate(values):
        if value == default:
            return index
    if isinstance(default, numbers.Real):
        close = [i for i, v in enumerate(values) if isinstance(v, numbers.Real) and math.isclose(v, default)]
        if len(close) == 1:
            return close[0]
    shown = ", ".join(_plain(v) for v in values[:6]) + (", …" if len(values) > 6 else "")
    raise ValueError(f"slider_figure {name!r}: default {default!r} is not one of the values ({shown})")


def _plain(value) -> str:
    """A value as a reader wants it: 0.1 rather than np.float64(0.1) or 0.30000000000000004."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return f"{float(value):.6g}"


def render_frames(draw: Callable[[Any], Figure], values: list, name: str) -> Frames:
    """Draw every value's frame, keep each distinct picture once, and pull out the parts they share."""
    pictures: list[str] = []
    seen: dict[str, int] = {}
    picture_of = []
    for value in values:
        fig = draw(value)
        if not isinstance(fig, Figure):
            raise TypeError(
                f"slider_figure {name!r}: draw({value!r}) returned {type(fig).__name__}, "
                "not a matplotlib Figure; return the figure it drew"
            )
        # Uncropped, so every frame has the figure's size and the picture does not jump as the slider moves.
        svg = compact(svg_markup(fig, name, tight=False))
        digest = hashlib.sha256(svg.encode()).hexdigest()
        if digest not in seen:
            seen[digest] = len(pictures)
            pictures.append(svg)
        picture_of.append(seen[digest])
    shared, pictures = share_parts(pictures, name)
    return Frames(shared, pictures, picture_of)


def compact(svg: str) -> str:
    """matplotlib's SVG without what a page does not need: metadata, indentation, six-decimal coordinates
    and the ``<g>`` ids (``figure_1``, ``line2d_3``…), which nothing refers to and every figure repeats."""
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # SVG 2's plain href works in every current browser and saves declaring the xlink namespace.
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace("xlink:href=", "href=")
    svg = GEOMETRY.sub(lambda m: f'{m[1]}="{" ".join(DECIMAL.sub(_round, m[2]).split())}"', svg)
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)
    return re.sub(r">\s+<", "><", svg).strip()


def _round(number: re.Match) -> str:
    text = f"{float(number[0]):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def share_parts(pictures: list[str], name: str) -> tuple[list[str], list[str]]:
    """Move every part (a child of the figure or of an axes) found in two or more pictures into a shared
    ``<g id="{name}-part-N">``, and leave a ``<use>`` of it in each picture; one picture keeps all its parts."""
    if len(pictures) < 2:
        return [], pictures
    trees = [ET.fromstring(svg) for svg in pictures]
    parts_of = [_parts(tree) for tree in trees]
    keys = [[_markup(part) for _, part in parts] for parts in parts_of]
    counts = Counter(key for picture in keys for key in set(picture))
    shared_ids: dict[str, str] = {}
    for parts, picture_keys in zip(parts_of, keys, strict=True):
        for (parent, part), key in zip(parts, picture_keys, strict=True):
            if counts[key] < 2:
                continue
            if key not in shared_ids:
                shared_ids[key] = f"{name}-part-{len(shared_ids)}"
            use = ET.Element(f"{{{SVG}}}use", {"href": f"#{shared_ids[key]}"})
            parent[list(parent).index(part)] = use
    shared = [f'<g id="{part_id}">{key}</g>' for key, part_id in shared_ids.items()]
    return shared, [_markup(tree) for tree in trees]


def _parts(tree: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    """(parent, part) pairs: the figure's own children and its axes' children, and the trailing defs."""
    parts = []
    for child in tree:
        if child.tag != f"{{{SVG}}}g":
            if child.tag == f"{{{SVG}}}defs" and child.find(f"{{{SVG}}}clipPath") is not None:
                parts.append((tree, child))
            continue
        for item in child:  # the figure group: its background patch, its axes, a suptitle
            if item.tag == f"{{{SVG}}}g" and _is_axes(item):
                parts.extend((item, part) for part in item)
            else:
                parts.append((child, item))
    return parts


def _is_axes(group: ET.Element) -> bool:
    """An axes group holds its axis groups (two <g> with tick groups), unlike a patch or a line."""
    return sum(1 for child in group if child.tag == f"{{{SVG}}}g") >= 2


def _markup(element: ET.Element) -> str:
    """``element`` as HTML-embedded SVG: no namespace declarations (an HTML parser supplies them), which
    ElementTree's own serializer would add as ``ns0:`` prefixes."""
    tag = element.tag.rpartition("}")[2]
    attributes = "".join(f' {key}="{_escape(value, quote=True)}"' for key, value in element.attrib.items())
    inner = _escape(element.text or "") + "".join(_markup(child) + _escape(child.tail or "") for child in element)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def slider_html(frames: Frames, *, name: str, label: str, texts: list[str], alts: list[str], start: int) -> str:
    """The figure's HTML: the start frame drawn, the slider (hidden until the script shows it), the other
    pictures in templates, and a note that stands in for the slider without JavaScript."""
    e = html.escape
    shown = frames.picture_of[start]
    live = _labelled(frames.pictures[shown], alts[start])
    templates = "".join(
        f'<template data-picture="{index}">{svg}</template>'
        for index, svg in enumerate(frames.pictures)
        if index != shown
    )
    shared = ""
    if frames.shared:
        # Hidden by size in the CSS, not display:none: browsers have differed on drawing references into an
        # undisplayed SVG (Chromium 156 draws both; zero size is the safe way everywhere).
        parts = "".join(frames.shared)
        shared = '<svg class="live-slider__shared" aria-hidden="true" focusable="false" data-search-exclude="">'
        shared += f"<defs>{parts}</defs></svg>"
    data = json.dumps({"pictures": frames.picture_of, "texts": texts, "alts": alts}, ensure_ascii=False)
    data = data.replace("</", "<\\/")  # a "</script>" in an alt text must not end the element
    count = len(texts)
    note = f"Showing {label} = {texts[start]}."
    if count > 1:
        note += f" With JavaScript on, a slider steps through {count} values of {label}"
        note += f", from {texts[0]} to {texts[-1]}."
    return (
        f'<div class="live-slider" id="{name}" data-shown-picture="{shown}">'
        f"{shared}"
        f'<div class="live-slider__picture">{live}</div>'
        f'<div class="live-slider__control" hidden>'
        f'<label for="{name}-slider">{e(label)}</label>'
        f'<input type="range" id="{name}-slider" min="0" max="{count - 1}" step="1" value="{start}" '
        f'aria-valuetext="{e(texts[start])}" disabled>'
        f'<output for="{name}-slider" aria-hidden="true">{e(texts[start])}</output>'
        f"</div>"
        f'<p class="live-slider__note">{e(note)}</p>'
        f'<p class="live-slider__status" aria-live="polite"></p>'
        f'<div class="live-slider__frames" hidden data-search-exclude>{templates}'
        f'<script type="application/json">{data}</script></div>'
        f"</div>"
    )


def _labelled(svg: str, alt: str) -> str:
    label = html.escape(alt, quote=True)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="live-plot"', 1)
    return re.sub(r"(<svg[^>]*>)", lambda start: f"{start[1]}<title>{label}</title>", svg, count=1)
