"""The finite-difference error against cases whose error is known exactly, and the memory measurement."""

import numpy as np
import pytest

from snippets import accuracy, costs
from snippets import autodiff as ad
from snippets import network as nw


def sum_of_sines(ps):
    return sum(np.sin(p).sum() for p in ps)


def test_difference_error_of_sine_is_one_minus_sinc():
    # (sin(x+h) - sin(x-h)) / 2h = cos(x) sin(h)/h exactly, so every entry is off by the factor 1 - sin(h)/h.
    params = [np.array([0.3, -1.2]), np.array([[2.0]])]
    exact = [np.cos(p) for p in params]
    steps = [1e-1, 3e-2, 1e-2]
    errors = accuracy.difference_errors(sum_of_sines, params, exact, steps)
    np.testing.assert_allclose(errors, [1 - np.sin(h) / h for h in steps], rtol=1e-5)
    assert accuracy.formula_error_coefficient(steps, errors) == pytest.approx(1 / 6, rel=1e-3)


def test_rounding_takes_over_at_tiny_steps():
    params = [np.array([0.3, -1.2, 0.8])]
    exact = [np.cos(params[0])]
    steps = [1e-1, 1e-2, 1e-3, 1e-12]
    errors = accuracy.difference_errors(sum_of_sines, params, exact, steps)
    c = accuracy.formula_error_coefficient(steps, errors)
    assert errors[-1] > 1e6 * c * 1e-12**2  # far above what the formula's own error would be


def test_forward_mode_in_batches_of_directions_gives_the_same_gradient():
    rng = np.random.default_rng(7)
    params = nw.init_params([2, 3, 1], rng)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))

    def f(ps):
        return nw.loss(ps, x, y)

    all_at_once = ad.flatten(ad.gradient_forward(f, params))
    for per_pass in (1, 4, 13, 100):
        np.testing.assert_allclose(ad.flatten(ad.gradient_forward(f, params, per_pass)), all_at_once, rtol=1e-13)
    np.testing.assert_allclose(all_at_once, ad.flatten(ad.gradient_finite_differences(f, params)), rtol=1e-6)


def test_peak_memory_sees_a_temporary_array():
    small = costs.peak_memory(lambda: np.ones(10))
    big = costs.peak_memory(lambda: np.ones(1_000_000).sum())  # 8 MB, freed before fn returns
    assert 8_000_000 <= big < 9_000_000 and small < 100_000


def test_forward_mode_with_all_directions_holds_more_than_one_direction_at_a_time():
    rng = np.random.default_rng(8)
    params = nw.init_params([1, 16, 16, 1], rng)
    x, y = nw.make_data(rng, 64)

    def f(ps):
        return nw.loss(ps, x, y)

    all_at_once = costs.peak_memory(lambda: ad.gradient_forward(f, params))
    one_by_one = costs.peak_memory(lambda: ad.gradient_forward(f, params, 1))
    assert all_at_once > 20 * one_by_one
