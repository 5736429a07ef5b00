"""A two-layer network as a chain of functions of its parameters, and the Jacobian of each link.

L(W1, W2) = (W2 tanh(W1 x) - y)^2 for one example x (d numbers) and hidden width m, with vectors as
columns. The parameters theta = (W1 row by row, then W2) are what the chain starts from; x and y are data.
The first two links carry W2 along unchanged, because it is used only in the third.
"""

from __future__ import annotations

import numpy as np


def two_layer_loss(theta: np.ndarray, x: np.ndarray, y: float, m: int) -> float:
    """The loss as one function of all md + m parameters."""
    W1, W2 = theta[: m * x.size].reshape(m, x.size), theta[m * x.size :]
    return float((W2 @ np.tanh(W1 @ x) - y) ** 2)


def two_layer_jacobians(theta: np.ndarray, x: np.ndarray, y: float, m: int) -> list[np.ndarray]:
    """[J_loss, J_3, J_2, J_1] at theta, left to right as in the product that gives the gradient (as a row).

    Link 1: theta -> (u = W1 x, W2).  Link 2: (u, W2) -> (h = tanh u, W2).  Link 3: (h, W2) -> W2 h.
    Loss: prediction -> (prediction - y)^2.
    """
    d = x.size
    W1, W2 = theta[: m * d].reshape(m, d), theta[m * d :]
    u = W1 @ x
    h = np.tanh(u)
    prediction = W2 @ h
    J1 = _blocks(np.kron(np.eye(m), x[None, :]), np.eye(m))  # u_i = sum_j W1[i, j] x_j: x in row i's block
    J2 = _blocks(np.diag(1 - h**2), np.eye(m))
    J3 = np.concatenate([W2, h])[None, :]  # d(W2 h) = W2 dh + dW2 h
    J_loss = np.array([[2 * (prediction - y)]])
    return [J_loss, J3, J2, J1]


def _blocks(top_left: np.ndarray, bottom_right: np.ndarray) -> np.ndarray:
    """The block-diagonal matrix [[top_left, 0], [0, bottom_right]]."""
    (a, b), (c, e) = top_left.shape, bottom_right.shape
    out = np.zeros((a + c, b + e))
    out[:a, :b], out[a:, b:] = top_left, bottom_right
    return out
