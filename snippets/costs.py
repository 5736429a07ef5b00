"""What a chain of matrix products costs in each order: counted multiplications and measured seconds."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from snippets.autodiff import graph


def multiplications(shapes: list[tuple[int, int]], order: str) -> int:
    """Scalar multiplications needed to multiply matrices of the given shapes, left to right or right to left.

    ``order`` is ``"reverse"`` (start at the left end: a row vector times matrices, as in reverse mode)
    or ``"forward"`` (start at the right end, as in forward mode). An (a x b) times (b x c) product
    costs a*b*c multiplications.
    """
    for (_, inner), (rows, _) in zip(shapes[:-1], shapes[1:], strict=True):
        if inner != rows:
            raise ValueError(f"shapes do not chain: {shapes}")
    if order == "reverse":
        rows = shapes[0][0]  # the running product keeps the first matrix's rows
        return sum(rows * b * c for b, c in shapes[1:])
    if order == "forward":
        cols = shapes[-1][1]  # the running product keeps the last matrix's columns
        return sum(a * b * cols for a, b in shapes[:-1])
    raise ValueError(f"order must be 'forward' or 'reverse', not {order!r}")


def loss_chain_shapes(n: int, layers: int) -> list[tuple[int, int]]:
    """Shapes of J_L J_k ... J_1 for a scalar loss after ``layers`` maps of R^n: a 1 x n row, then n x n."""
    return [(1, n)] + [(n, n)] * layers


def best_time(fn: Callable[[], object], budget: float = 0.02, repeats: int = 3) -> float:
    """Shortest time of one call of ``fn`` in seconds, over at least ``repeats`` calls and ``budget`` seconds.

    The minimum is the least disturbed by other work on the machine. numpy runs on one thread here:
    on a shared machine extra BLAS threads add waiting rather than speed, and blur comparisons.
    """
    times = []
    with threadpool_limits(limits=1, user_api="blas"):
        deadline = time.perf_counter() + budget
        while len(times) < repeats or time.perf_counter() < deadline:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(times)


def best_times(fns: dict[str, Callable[[], object]], rounds: int = 7) -> dict[str, float]:
    """Shortest time of one call of each function, calling them in turn, one call each per round.

    Interleaving spreads a burst of other work on a shared machine over all of them instead of
    slowing down one, so their ratios hold better than those of timings taken one after another.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(rounds):
            for name, fn in fns.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def peak_memory(fn: Callable[[], object]) -> int:
    """Most bytes Python and numpy had allocated at once while ``fn()`` ran, beyond what was allocated before."""
    if tracemalloc.is_tracing():
        raise RuntimeError("peak_memory needs tracemalloc to itself, and it is already tracing")
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def time_chain_orders(sizes: list[int], layers: int, rng: np.random.Generator, budget: float = 0.02):
    """For each n in ``sizes``, time the product (1 x n row) @ J_k @ ... @ J_1 both ways with numpy.

    Returns a list of ``(n, seconds_forward, seconds_reverse)``; also checks that both orders agree.
    """
    results = []
    for n in sizes:
        row = rng.normal(size=(1, n))
        jacobians = [rng.normal(size=(n, n)) / np.sqrt(n) for _ in range(layers)]  # J_k, ..., J_1

        def forward(row=row, jacobians=jacobians):
            product = jacobians[-1]
            for J in reversed(jacobians[:-1]):
                product = J @ product  # matrix times matrix
            return row @ product

        def reverse(row=row, jacobians=jacobians):
            product = row
            for J in jacobians:
                product = product @ J  # row vector times matrix
            return product

        a, b = forward(), reverse()
        if not np.allclose(a, b, rtol=1e-8, atol=1e-10 * np.abs(b).max()):
            raise AssertionError(f"the two orders disagree for n={n}")
        results.append((n, best_time(forward, budget), best_time(reverse, budget)))
    return results


# What each operation's vector-Jacobian product reads (Tensor.op → which values it must keep): a matrix
# product both operands, an elementwise product both factors, tanh its own output (1 - tanh²), and a sum,
# a difference or a mean nothing but shapes.
_KEPT = {"@": "operands", "×": "operands", "tanh": "output"}


def kept_for_vjps(output) -> tuple[int, int]:
    """Numbers a reverse mode that keeps only what each vector-Jacobian product reads keeps for ``output``.

    ``output`` is a Tensor (snippets.autodiff). Returns (computed, inputs): the kept values that were
    computed on the way (activations, residuals), and those that were given (parameters, data), each
    array counted once however many products read it.
    """
    kept = {}
    for tensor in graph(output):
        rule = _KEPT.get(tensor.op)
        for read in tensor.parents if rule == "operands" else (tensor,) if rule == "output" else ():
            kept[id(read)] = read
    computed = sum(t.value.size for t in kept.values() if t.parents)
    return computed, sum(t.value.size for t in kept.values() if not t.parents)
