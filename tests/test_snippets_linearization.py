"""The linearization remainder against cases whose remainder is known exactly."""

import numpy as np

from snippets import linearization as lin


def test_remainder_of_a_square_is_exactly_dx_squared():
    x, d = np.array([0.7, -1.3]), np.array([0.6, 0.8])  # |d| = 1
    sizes, changes, errors = lin.remainders(lambda v: v**2, np.diag(2 * x), x, d, [1e-1, 1e-2, 1e-3])
    np.testing.assert_allclose(sizes, [1e-1, 1e-2, 1e-3])
    np.testing.assert_allclose(errors, np.linalg.norm(d**2) * sizes**2, rtol=1e-6)
    assert abs(lin.order(sizes, errors) - 2) < 1e-6


def test_a_wrong_jacobian_leaves_a_first_order_remainder():
    x, d = np.array([0.7, -1.3]), np.array([0.6, 0.8])
    sizes, _, errors = lin.remainders(lambda v: v**2, np.diag(2 * x) * 1.1, x, d, [1e-2, 1e-3, 1e-4])
    assert abs(lin.order(sizes, errors) - 1) < 0.05
