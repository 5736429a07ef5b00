"""The post's worked example, L = (tanh(w x) - y)^2: backpropagation by the Tensor class, checked by hand."""

from __future__ import annotations

import numpy as np

from snippets.autodiff import Tensor


def scalar_chain(w: float, x: float, y: float) -> dict[str, Tensor]:
    """Compute L = (tanh(w x) - y)^2 one operation at a time, then backpropagate; every tensor by its name."""
    w, x, y = Tensor(w), Tensor(x), Tensor(y)
    z = w * x
    a = z.tanh()
    r = a - y
    L = r * r
    L.backward()
    return {"w": w, "x": x, "y": y, "z": z, "a": a, "r": r, "L": L}


def loss_from(name: str, w: float, x: float, y: float):
    """L as a function of the one quantity ``name``, everything computed before it held fixed; plain numpy.

    Finite differences of these functions check every gradient of ``scalar_chain`` without the Tensor class.
    """
    z = w * x
    a = np.tanh(z)
    return {
        "w": lambda v: (np.tanh(v * x) - y) ** 2,
        "x": lambda v: (np.tanh(w * v) - y) ** 2,
        "y": lambda v: (a - v) ** 2,
        "z": lambda v: (np.tanh(v) - y) ** 2,
        "a": lambda v: (v - y) ** 2,
        "r": lambda v: v**2,
        "L": lambda v: v,
    }[name]


def central_difference(f, at: float, h: float = 1e-6) -> float:
    """(f(at + h) - f(at - h)) / 2h."""
    return float((f(at + h) - f(at - h)) / (2 * h))
