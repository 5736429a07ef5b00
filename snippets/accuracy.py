"""How accurate a central-difference gradient is as its step h shrinks: the formula's error against rounding."""

from __future__ import annotations

import numpy as np

from snippets.autodiff import flatten, gradient_finite_differences


def difference_errors(f, params: list[np.ndarray], exact: list[np.ndarray], steps: list[float]) -> np.ndarray:
    """Relative error of the central-difference gradient of ``f`` against ``exact``, for each step h."""
    exact = flatten(exact)
    return np.array(
        [
            np.linalg.norm(flatten(gradient_finite_differences(f, params, h)) - exact) / np.linalg.norm(exact)
            for h in steps
        ]
    )


def formula_error_coefficient(steps, errors, largest: int = 3) -> float:
    """c in error ≈ c h², read off the ``largest`` steps, where the formula's own error outweighs rounding.

    The central difference (f(x+h) - f(x-h)) / 2h differs from f'(x) by f'''(x) h²/6 + O(h⁴).
    """
    steps, errors = np.asarray(steps), np.asarray(errors)
    biggest = np.argsort(steps)[::-1][:largest]
    return float(np.median(errors[biggest] / steps[biggest] ** 2))
