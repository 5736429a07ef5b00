"""The post's worked example, L = (tanh(w x) - y)^2: backpropagation by the Tensor class, checked by hand."""

from __future__ import annotations

import numpy as np

from snippets.autodiff import Tensor


def scalar_chain(w: float, x: float, y: float) -> dict[str, Tensor]:
    """L = (tanh(w x) - y)^2 step by step, then backpropagated."""
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


def forward_steps(w: float, x: float, y: float) -> list[tuple[str, str, float]]:
    """The forward pass by hand, in plain floats: each step as TeX, the numbers it combines, and its result."""
    z = w * x
    a = float(np.tanh(z))
    r = a - y
    return [
        ("z = w\\,x", f"{w:g} \\times {_factor(x)}", z),
        ("a = \\tanh z", f"\\tanh {_factor(z)}", a),
        ("r = a - y", f"{_factor(a)} - {_factor(y)}", r),
        ("L = r^2", f"{_squared(r)}", r * r),
    ]


def backward_steps(w: float, x: float, y: float) -> list[tuple[str, str, float]]:
    """The backward pass by hand, in plain floats: for each quantity, its name, the chain rule as TeX, dL/d(it).

    A second implementation of what ``scalar_chain`` computes with the Tensor class. The operands are
    written to six decimals, so that redoing each product by hand from them gives the value to four.
    """
    z = w * x
    a = float(np.tanh(z))
    r = a - y
    dL = 1.0
    dr = dL * 2 * r
    da = dr * 1.0
    dy = dr * -1.0
    dz = da * (1 - a * a)
    dw, dx = dz * x, dz * w

    def d(v):
        return f"\\tfrac{{\\partial L}}{{\\partial {v}}}"

    return [
        ("L", "1", dL),
        ("r", f"{d('L')} \\cdot 2r = 1 \\times 2 \\times {_factor(r)}", dr),
        ("a", f"{d('r')} \\cdot 1 = {_number(dr)}", da),
        ("y", f"{d('r')} \\cdot (-1) = {_number(-dr)}", dy),
        ("z", f"{d('a')} \\cdot (1 - a^2) = {_factor(da)} \\times (1 - {_squared(a)})", dz),
        ("w", f"{d('z')} \\cdot x = {_factor(dz)} \\times {_factor(x)}", dw),
        ("x", f"{d('z')} \\cdot w = {_factor(dz)} \\times {_factor(w)}", dx),
    ]


def _factor(v: float) -> str:
    """An operand in TeX, as ``_number`` writes it, in parentheses when negative."""
    return _number(v) if v >= 0 else f"({_number(v)})"


def _number(v: float) -> str:
    """A number to six decimals without trailing zeros: what the tables print for a step's operands."""
    return f"{v:.6f}".rstrip("0").rstrip(".")


def _squared(v: float) -> str:
    return f"{_factor(v)}^2"
