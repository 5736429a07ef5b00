"""What the step size does to gradient descent, told from the iterates themselves, and the slider figure
that lets a reader step through it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from snippets.interactive import slider_figure
from snippets.optimization import gradient_descent
from snippets.plotting import beyond_window, draw_descent

# What a run of gradient descent does near a minimum, judged by the distance to it from step to step.
APPROACHES = "approaches"  # every step lands closer, on the same side
LANDS = "lands"  # a step lands exactly on the minimum, and the run stays there
OVERSHOOTS = "overshoots"  # every step jumps across the minimum, and lands closer
BOUNCES = "bounces"  # every step jumps across, to exactly the same distance
DIVERGES = "diverges"  # every step lands further away
MIXED = "mixed"  # none of the above all along the run

TITLES = {
    APPROACHES: "closes in from one side",
    LANDS: "lands on the minimum",
    OVERSHOOTS: "jumps across, closes in",
    BOUNCES: "jumps across, never closer",
    DIVERGES: "jumps further every time",
    MIXED: "no steady pattern",
}


def behaviour(iterates: np.ndarray, minimum: float) -> str:
    """Which of ``APPROACHES``, ``LANDS``, ``OVERSHOOTS``, ``BOUNCES``, ``DIVERGES`` or ``MIXED`` the run
    ``iterates`` (x_0, x_1, …, not starting at ``minimum``) does on its way to or from ``minimum``."""
    offsets = np.asarray(iterates, dtype=float) - minimum
    if offsets[0] == 0:
        raise ValueError("the run starts at the minimum, so no step can show anything")
    distance = np.abs(offsets)
    arrived = distance <= 1e-12 * distance[0]
    if arrived.any():
        first = int(np.argmax(arrived))
        if not arrived[first:].all():
            return MIXED
        if first == 1:
            return LANDS
        # A run closing in fast ends exactly on the minimum once the distance falls below the rounding
        # error: judge it by the steps before that.
        offsets, distance = offsets[:first], distance[:first]
    ratios = distance[1:] / distance[:-1]
    crosses = np.sign(offsets[1:]) != np.sign(offsets[:-1])
    if np.allclose(ratios, 1, rtol=1e-12, atol=0) and crosses.all():
        return BOUNCES
    if (ratios < 1).all():
        return OVERSHOOTS if crosses.all() else APPROACHES if not crosses.any() else MIXED
    return DIVERGES if (ratios > 1).all() else MIXED


def describe_run(iterates: np.ndarray, minimum: float, window: tuple[float, float], step: float, curve: str) -> str:
    """A frame's text alternative: the run, what it does, where it ends, and which points sit at the edge."""
    x0, steps, end = iterates[0], len(iterates) - 1, iterates[-1]
    offsets = iterates - minimum
    text = f"{steps} steps of gradient descent with step size {step:.2f} on {curve}, from x = {x0:g}."
    factor = offsets[1] / offsets[0] + 0.0  # + 0.0 turns -0.0 into 0.0
    # Up to rounding, which is relative to x, not to the distance left: that can end up below it.
    if np.allclose(offsets[1:], factor * offsets[:-1], rtol=0, atol=1e-9 * abs(offsets[0])):
        text += f" Each step multiplies x − {minimum:g}, the signed distance to the minimum, by {factor:.2f}"
    else:
        text += f" The minimum is at x = {minimum:g}"
    text += {
        APPROACHES: ", and the points close in on it from one side",
        LANDS: ": the first step lands exactly on it, and the points stay there",
        OVERSHOOTS: ", and the points jump from side to side of it, landing closer each time",
        BOUNCES: f", and the points bounce between x = {x0:g} and x = {iterates[1]:g}, never closer",
        DIVERGES: ", and the points land further away at every step",
        MIXED: "",
    }[behaviour(iterates, minimum)]
    left = abs(end - minimum)
    text += f". After {steps} steps x = {end:.4f}, "
    text += f"{left:.4f} from the minimum." if left >= 1e-4 else "less than 0.0001 from the minimum."
    outside = beyond_window(iterates, window)
    if outside:
        text += (
            f" {outside} of the {len(iterates)} points lie beyond the plotted range, x from {window[0]:g} to "
            f"{window[1]:g}, and are drawn at its edge as triangles pointing the way they went."
        )
    return text.replace("-", "−")  # a minus sign, not a hyphen, as the screen reader should say it


def step_size_slider(
    f: Callable,
    derivative: Callable,
    *,
    x0: float,
    minimum: float,
    steps: int,
    etas: Sequence[float],
    default: float,
    window: tuple[float, float],
    curve: str,
) -> str:
    """HTML for a slider figure: ``steps`` of gradient descent on ``f`` from ``x0`` for each step size in
    ``etas``, its title saying what the run does, its text alternative where it ends. ``curve`` names ``f``
    in words for screen readers, e.g. "the parabola f(x) = 1 + (x - 5) squared"."""

    def run(eta: float) -> np.ndarray:
        return gradient_descent(derivative, x0, eta, steps)

    def draw(eta: float):
        title = f"η = {eta:.2f}: {TITLES[behaviour(run(eta), minimum)]}"
        return draw_descent(f, [(title, run(eta))], window, size=(4.6, 3.2))

    return slider_figure(
        draw,
        etas,
        label="step size η",
        default=default,
        name="step-size",
        alt=lambda eta: describe_run(run(eta), minimum, window, eta, curve),
        value_text=lambda eta: f"{eta:.2f}",
    )
