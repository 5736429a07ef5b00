"""Each link's Jacobian of the two-layer chain against finite differences, and their product against the gradient."""

import numpy as np
import pytest

from snippets import composition as cp
from snippets.autodiff import gradient_finite_differences


def numerical_jacobian(f, at, h=1e-6):
    columns = []
    for j in range(at.size):
        step = np.zeros_like(at)
        step[j] = h
        columns.append((np.atleast_1d(f(at + step)) - np.atleast_1d(f(at - step))) / (2 * h))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("d,m,seed", [(3, 4, 0), (1, 2, 1), (5, 3, 2)])
def test_each_link_and_the_product(d, m, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=d), float(rng.normal())
    theta = rng.normal(size=m * d + m)
    J_loss, J3, J2, J1 = cp.two_layer_jacobians(theta, x, y, m)
    assert [J.shape for J in (J_loss, J3, J2, J1)] == [(1, 1), (1, 2 * m), (2 * m, 2 * m), (2 * m, m * d + m)]

    W1, W2 = theta[: m * d].reshape(m, d), theta[m * d :]
    u, h = W1 @ x, np.tanh(W1 @ x)
    links = [
        (J1, lambda t: np.concatenate([t[: m * d].reshape(m, d) @ x, t[m * d :]]), theta),
        (J2, lambda s: np.concatenate([np.tanh(s[:m]), s[m:]]), np.concatenate([u, W2])),
        (J3, lambda s: s[m:] @ s[:m], np.concatenate([h, W2])),
        (J_loss, lambda p: (p - y) ** 2, np.array([W2 @ h])),
    ]
    for J, f, at in links:
        np.testing.assert_allclose(J, numerical_jacobian(f, at), rtol=1e-6, atol=1e-8)

    gradient = gradient_finite_differences(lambda ps: cp.two_layer_loss(ps[0], x, y, m), [theta])[0]
    np.testing.assert_allclose((J_loss @ J3 @ J2 @ J1)[0], gradient, rtol=1e-6, atol=1e-9)
