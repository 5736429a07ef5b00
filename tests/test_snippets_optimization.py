"""Grid search, gradient descent and the peaks table, against closed forms."""

import numpy as np

from snippets import optimization as opt


def test_grid_argmin_of_a_parabola():
    argmin, minimum = opt.grid_argmin(lambda x: 1 + (x - 5) ** 2, -10, 20, 30_001)
    assert abs(argmin - 5) < 1e-9
    assert abs(minimum - 1) < 1e-12


def test_grid_argmin_is_only_as_fine_as_the_grid():
    argmin, _ = opt.grid_argmin(lambda x: (x - np.pi) ** 2, 0, 10, 11)
    assert argmin == 3.0


def test_gradient_descent_matches_the_closed_form_on_a_quadratic():
    # For f(x) = 1 + (x - 5)^2, x_{k+1} - 5 = (1 - 2 step)(x_k - 5).
    for step in (0.1, 0.45, 1.05):
        xs = opt.gradient_descent(lambda x: 2 * (x - 5), 0.0, step, 12)
        k = np.arange(13)
        np.testing.assert_allclose(xs, 5 + (1 - 2 * step) ** k * (0.0 - 5), rtol=1e-12)


def test_gradient_descent_on_vectors():
    xs = opt.gradient_descent(lambda v: 2 * v, np.array([1.0, -2.0]), 0.25, 3)
    assert xs.shape == (4, 2)
    np.testing.assert_allclose(xs[-1], np.array([1.0, -2.0]) * 0.5**3)


def test_peaks_table_is_the_eight_thousanders_with_everest_highest():
    peaks = opt.read_peaks()
    assert len(peaks) == 14
    assert all(p.height_m > 8000 for p in peaks)
    assert max(peaks, key=lambda p: p.height_m).name == "Mount Everest"
    # Every summit lies in the Himalaya or Karakoram.
    assert all(27 < p.latitude < 36 and 74 < p.longitude < 89 for p in peaks)
    assert opt.PEAKS_CSV.read_text().startswith("#") and "Source:" in opt.PEAKS_CSV.read_text()
