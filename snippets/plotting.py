"""The post's figures as inline SVG strings that read in light and dark mode alike.

Text, axes and ticks are drawn in the page's own text colour (``currentColor``), on a transparent
background; the two data colours are mid-tones with enough contrast on white and on Material's slate.
Output is reproducible: no date, element ids salted by the figure's name.
"""

from __future__ import annotations

import html
import io
import re

import matplotlib
import numpy as np
from matplotlib.figure import Figure

INK = "#010101"  # drawn in this colour, then swapped for currentColor in the SVG text
BLUE = "#3b82f6"
ORANGE = "#ea580c"

STYLE = {
    "svg.fonttype": "none",  # keep text as <text>: selectable, and small
    "font.size": 11,
    "font.family": "sans-serif",
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.facecolor": "none",
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "grid.color": INK,
    "grid.alpha": 0.15,
    "xtick.color": INK,
    "ytick.color": INK,
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.edgecolor": "none",
    "legend.frameon": False,
}


def svg_markup(fig: Figure, name: str, tight: bool = True) -> str:
    """The figure as a bare ``<svg>`` element in the blog's colours, its ids salted by ``name``; no text
    alternative yet (``to_svg`` adds one). ``tight`` crops it to what is drawn; without it the figure
    keeps its own size, as the frames of one slider figure must."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, **STYLE}):
        fig.savefig(buffer, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE, which do not belong inside HTML
    svg = svg.replace(INK, "currentColor")
    # Mathtext names one font only; without a generic fallback a reader lacking DejaVu would get a serif.
    return re.sub(r"font-family: ('[^']*')(?=[;\"])", r"font-family: \1, sans-serif", svg)


def to_svg(fig: Figure, name: str, alt: str) -> str:
    """The figure as an ``<svg>`` element for inlining in HTML, described by ``alt`` for screen readers."""
    svg = svg_markup(fig, name)
    label = html.escape(alt, quote=True)
    # Keep matplotlib's size (a figure sizes itself to its content) but shrink with a narrow column.
    style = 'style="max-width: 100%; height: auto"'
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="live-plot" {style}', 1)
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{label}</title>", svg, count=1)
    return svg


def _figure(width: float, height: float, columns: int = 1):
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height))
        axes = fig.subplots(1, columns, squeeze=False)[0]
    return fig, axes


def draw_descent(
    f, runs: list[tuple[str, np.ndarray]], window: tuple[float, float], size: tuple[float, float] = (7.0, 3.0)
) -> Figure:
    """One panel per gradient descent run: the curve f, and the iterates joined in order (a Figure, for
    ``to_svg`` or for a slider figure's frames).

    An iterate beyond ``window`` is drawn at its edge as a triangle pointing the way it went, so a diverging
    run stays on the picture instead of stretching the axes until the curve is a flat line."""
    lo, hi = window
    with matplotlib.rc_context(STYLE):
        fig, axes = _figure(*size, len(runs))
        xs = np.linspace(lo, hi, 400)
        for ax, (title, iterates) in zip(axes, runs, strict=True):
            shown = np.clip(iterates, lo, hi)
            ax.plot(xs, f(xs), color=INK, linewidth=1.2, alpha=0.6)
            ax.plot(shown, f(shown), color=ORANGE, marker="o", markersize=4, linewidth=1)
            for beyond, marker in ((iterates < lo, "<"), (iterates > hi, ">")):
                if beyond.any():  # not clipped by the axes: half a triangle would hide which way it points
                    ax.plot(
                        shown[beyond],
                        f(shown[beyond]),
                        color=ORANGE,
                        marker=marker,
                        markersize=9,
                        linestyle="none",
                        clip_on=False,
                    )
            ax.plot(shown[:1], f(shown[:1]), color=BLUE, marker="o", markersize=7, linestyle="none")
            ax.set_title(title)
            ax.set_xlabel("$x$")
            ax.set_xlim(lo, hi)
            ax.set_ylim(0, f(np.array(window)).max() * 1.05)
            ax.locator_params(nbins=5)  # few, round ticks: the labels stay legible when a phone shrinks the figure
        axes[0].set_ylabel("$f(x)$")
        fig.tight_layout()
        return fig


def beyond_window(iterates: np.ndarray, window: tuple[float, float]) -> int:
    """How many iterates ``draw_descent`` draws at the edge of ``window`` because they lie outside it."""
    return int(np.count_nonzero((iterates < window[0]) | (iterates > window[1])))


def timing_figure(timings: list[tuple[int, float, float]], alt: str) -> str:
    """Seconds per product against n, both orders, on log-log axes."""
    n, forward, reverse = (np.array(column) for column in zip(*timings, strict=True))
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure(6.0, 3.4)
        ax.loglog(n, forward * 1e3, color=ORANGE, marker="o", label="right to left (forward mode)")
        ax.loglog(n, reverse * 1e3, color=BLUE, marker="s", label="left to right (reverse mode)")
        ax.set_xlabel("width $n$ of each layer")
        ax.set_ylabel("milliseconds (best of several)")
        ax.set_xticks(n, [str(v) for v in n])
        ax.minorticks_off()
        ax.legend()
        fig.tight_layout()
        return to_svg(fig, "timing", alt)


def training_figure(losses: list[float], x: np.ndarray, y: np.ndarray, predict, alt: str) -> str:
    """Left: the loss at every step of training. Right: the data and the trained network's curve."""
    with matplotlib.rc_context(STYLE):
        fig, (left, right) = _figure(7.0, 3.0, 2)
        left.semilogy(np.arange(len(losses)), losses, color=BLUE)
        left.set_xlabel("gradient descent step")
        left.set_ylabel("loss $L(\\theta)$")
        grid = np.linspace(x.min(), x.max(), 200)[:, None]
        right.plot(x[:, 0], y[:, 0], linestyle="none", marker="o", markersize=3, color=INK, alpha=0.45, label="data")
        right.plot(grid[:, 0], predict(grid)[:, 0], color=ORANGE, linewidth=2, label="trained network")
        right.set_xlabel("$x$")
        right.set_ylabel("$y$")
        right.legend(loc="lower right")
        fig.tight_layout()
        return to_svg(fig, "training", alt)
