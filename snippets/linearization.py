"""How well a Jacobian predicts a function's change: the remainder f(x + dx) - f(x) - J dx."""

from __future__ import annotations

import numpy as np


def remainders(f, J: np.ndarray, x: np.ndarray, direction: np.ndarray, scales: list[float]):
    """For dx = scale * direction, return arrays of |dx|, |f(x + dx) - f(x)| and |f(x + dx) - f(x) - J dx|."""
    sizes, changes, errors = [], [], []
    for scale in scales:
        dx = scale * direction
        change = f(x + dx) - f(x)
        sizes.append(np.linalg.norm(dx))
        changes.append(np.linalg.norm(change))
        errors.append(np.linalg.norm(change - J @ dx))
    return np.array(sizes), np.array(changes), np.array(errors)


def order(sizes: np.ndarray, errors: np.ndarray) -> float:
    """The slope p of a straight-line fit of log(error) against log(size): error ~ size^p."""
    return float(np.polyfit(np.log(sizes), np.log(errors), 1)[0])
