"""The step-size figure: each frame's title and description say what its run does, judged against the closed
form x_k - 5 = (1 - 2 eta)^k (x_0 - 5) for f(x) = 1 + (x - 5)^2, and diverging runs stay on the picture."""

import json
import re

import numpy as np
import pytest

from snippets import step_size as ss
from snippets.optimization import gradient_descent
from snippets.plotting import beyond_window, draw_descent

MINIMUM, X0, STEPS, WINDOW = 5.0, 0.0, 10, (-10.0, 20.0)
ETAS = [round(0.05 * k, 2) for k in range(1, 25)]  # the post's values


def f(x):
    return 1 + (x - MINIMUM) ** 2


def df(x):
    return 2 * (x - MINIMUM)


def closed_form(eta):
    return MINIMUM + (1 - 2 * eta) ** np.arange(STEPS + 1) * (X0 - MINIMUM)


def regime(eta):
    """What the factor 1 - 2 eta makes of the run, from the closed form rather than from the iterates."""
    q = 1 - 2 * eta
    if q == 0:
        return ss.LANDS
    if q == -1:
        return ss.BOUNCES
    return ss.APPROACHES if 0 < q < 1 else ss.OVERSHOOTS if -1 < q < 0 else ss.DIVERGES


@pytest.mark.parametrize("eta", ETAS + [0.01, 0.49, 0.51, 0.99, 1.01, 1.7])
def test_behaviour_of_a_run_is_what_its_factor_says(eta):
    assert ss.behaviour(gradient_descent(df, X0, eta, STEPS), MINIMUM) == regime(eta)
    assert ss.behaviour(closed_form(eta), MINIMUM) == regime(eta)


def test_the_posts_values_cover_the_three_regimes_the_text_names():
    seen = {ss.behaviour(closed_form(eta), MINIMUM) for eta in ETAS}
    assert {ss.APPROACHES, ss.OVERSHOOTS, ss.DIVERGES} <= seen


def test_behaviour_of_runs_that_follow_no_single_pattern():
    assert ss.behaviour(np.array([0.0, 3.0, 4.0, 7.0]), MINIMUM) == ss.MIXED  # closer, closer, further
    assert ss.behaviour(np.array([0.0, 4.0, 4.5, 5.5]), MINIMUM) == ss.MIXED  # crosses only at the end
    assert ss.behaviour(np.array([0.0, 5.0, 6.0]), MINIMUM) == ss.MIXED  # lands, then leaves
    with pytest.raises(ValueError, match="starts at the minimum"):
        ss.behaviour(np.array([5.0, 5.0]), MINIMUM)


def slider_data(page_html):
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', page_html, re.S)[1])


@pytest.fixture(scope="module")
def figure():
    return ss.step_size_slider(
        f,
        df,
        x0=X0,
        minimum=MINIMUM,
        steps=STEPS,
        etas=ETAS,
        default=0.9,
        window=WINDOW,
        curve="the parabola f(x) = 1 + (x - 5) squared",
    )


def test_every_frames_description_says_what_the_run_does_and_where_it_ends(figure):
    data = slider_data(figure)
    assert data["texts"] == [f"{eta:.2f}" for eta in ETAS]
    phrases = {
        ss.APPROACHES: "close in on it from one side",
        ss.LANDS: "lands exactly on it",
        ss.OVERSHOOTS: "jump from side to side of it, landing closer",
        ss.BOUNCES: "bounce between x = 0 and x = 10",
        ss.DIVERGES: "land further away at every step",
    }
    for eta, alt in zip(ETAS, data["alts"], strict=True):
        exact = closed_form(eta)
        end = f"{exact[-1]:.4f}".replace("-", "−")
        assert f"step size {eta:.2f}" in alt and f"After {STEPS} steps x = {end}," in alt, alt
        assert phrases[regime(eta)] in alt, alt
        left = abs(exact[-1] - MINIMUM)
        assert (f"{left:.4f} from" if left >= 1e-4 else "less than 0.0001 from") in alt, alt
        assert f"by {1 - 2 * eta + 0.0:.2f}".replace("-", "−") in alt, alt  # the factor 1 - 2 eta
        outside = int(np.count_nonzero((exact < WINDOW[0]) | (exact > WINDOW[1])))
        if outside:
            assert regime(eta) == ss.DIVERGES
            assert f"{outside} of the {STEPS + 1} points lie beyond the plotted range" in alt, alt
        else:
            assert "beyond the plotted range" not in alt, alt


def test_every_frames_title_names_its_behaviour(figure):
    # Each frame is its own picture (the titles differ), and the title is drawn in it as text.
    data = slider_data(figure)
    assert sorted(set(data["pictures"])) == list(range(len(ETAS)))
    for eta in ETAS:
        title = f"η = {eta:.2f}: {ss.TITLES[regime(eta)]}"
        assert figure.count(title) == 1, title


def test_diverging_iterates_are_drawn_inside_the_axes_at_the_edge_they_left_by():
    iterates = closed_form(1.2)
    outside = beyond_window(iterates, WINDOW)
    assert outside == 7  # |x_k - 5| = 5 * 1.4^k leaves the window from k = 4 on
    fig = draw_descent(f, [("diverges", iterates)], WINDOW)
    (ax,) = fig.axes
    for line in ax.lines:
        assert np.all((WINDOW[0] <= line.get_xdata()) & (line.get_xdata() <= WINDOW[1]))
    edge_markers = [line for line in ax.lines if line.get_marker() in ("<", ">")]
    left = next(line for line in edge_markers if line.get_marker() == "<")
    right = next(line for line in edge_markers if line.get_marker() == ">")
    assert len(left.get_xdata()) == np.count_nonzero(iterates < WINDOW[0]) and set(left.get_xdata()) == {WINDOW[0]}
    assert len(right.get_xdata()) == np.count_nonzero(iterates > WINDOW[1]) and set(right.get_xdata()) == {WINDOW[1]}
    assert len(left.get_xdata()) + len(right.get_xdata()) == outside
    assert ax.get_ylim()[1] >= f(np.array(WINDOW)).max()  # the edge points' heights are on the picture too


def test_a_run_inside_the_window_gets_no_edge_markers():
    fig = draw_descent(f, [("converges", closed_form(0.1))], WINDOW)
    assert not [line for line in fig.axes[0].lines if line.get_marker() in ("<", ">")]
