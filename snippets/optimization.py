"""Continuous optimization by the simplest means: trying many points, and following the derivative downhill."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PEAKS_CSV = Path(__file__).parent / "data" / "peaks.csv"


def grid_argmin(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, points: int) -> tuple[float, float]:
    """Return ``(argmin, min)`` of ``f`` over ``points`` evenly spaced values in ``[lo, hi]``.

    ``f`` must accept a numpy array and evaluate itself elementwise.
    """
    xs = np.linspace(lo, hi, points)
    values = f(xs)
    best = int(np.argmin(values))
    return float(xs[best]), float(values[best])


@dataclass(frozen=True)
class Peak:
    name: str
    height_m: float
    latitude: float
    longitude: float


def read_peaks(path: Path = PEAKS_CSV) -> list[Peak]:
    """Read the table of peaks (``#`` lines are comments: they name the source)."""
    with path.open(encoding="utf-8") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        return [
            Peak(row["name"], float(row["height_m"]), float(row["latitude"]), float(row["longitude"])) for row in rows
        ]


def gradient_descent(derivative: Callable, x0, step: float, steps: int) -> np.ndarray:
    """Return the iterates x0, x1, ..., x_steps of x_{k+1} = x_k - step * derivative(x_k)."""
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        xs.append(xs[-1] - step * derivative(xs[-1]))
    return np.array(xs)
