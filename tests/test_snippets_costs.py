"""Operation counts of the two multiplication orders, against their closed forms."""

import numpy as np
import pytest

from snippets import costs
from snippets import network as nw
from snippets.autodiff import Tensor


@pytest.mark.parametrize("n,k", [(1, 1), (3, 2), (10, 4), (100, 7)])
def test_counts_for_a_scalar_loss_chain(n, k):
    shapes = costs.loss_chain_shapes(n, k)
    assert costs.multiplications(shapes, "reverse") == k * n**2
    assert costs.multiplications(shapes, "forward") == (k - 1) * n**3 + n**2


def test_counts_for_uneven_shapes():
    # (2x3)(3x4)(4x5): left first 2*3*4 + 2*4*5 = 64; right first 3*4*5 + 2*3*5 = 90.
    shapes = [(2, 3), (3, 4), (4, 5)]
    assert costs.multiplications(shapes, "reverse") == 64
    assert costs.multiplications(shapes, "forward") == 90


def test_shapes_must_chain():
    with pytest.raises(ValueError):
        costs.multiplications([(1, 3), (4, 4)], "reverse")
    with pytest.raises(ValueError):
        costs.multiplications([(1, 3), (3, 3)], "sideways")


def test_timing_reports_every_size_and_positive_times():
    result = costs.time_chain_orders([4, 8], layers=3, rng=np.random.default_rng(0), budget=0.001)
    assert [n for n, _, _ in result] == [4, 8]
    assert all(f > 0 and r > 0 for _, f, r in result)


def test_best_time_is_a_minimum_over_at_least_the_requested_calls():
    calls = []
    t = costs.best_time(lambda: calls.append(1), budget=0.0, repeats=5)
    assert len(calls) >= 5
    assert 0 <= t < 0.1


def test_best_times_calls_each_function_once_per_round_in_turn():
    order = []
    fns = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
    result = costs.best_times(fns, rounds=3)
    assert order == ["a", "b"] * 3
    assert set(result) == {"a", "b"} and all(0 <= t < 0.1 for t in result.values())


def test_best_times_ranks_a_slower_function_slower():
    import time

    result = costs.best_times({"fast": lambda: None, "slow": lambda: time.sleep(0.005)}, rounds=3)
    assert result["slow"] >= 0.005 > result["fast"]


@pytest.mark.parametrize("sizes,examples", [([1, 16, 16, 1], 128), ([2, 3, 4, 1], 5), ([3, 1], 7)])
def test_what_the_vjps_keep_is_the_hidden_values_and_the_residual(sizes, examples):
    """Counted by hand for an MLP with a squared error: each hidden layer's tanh outputs (read by its own
    derivative and by the next matrix product) and the residual; given: the input, the weights (the biases
    are only added, so nothing reads them)."""
    rng = np.random.default_rng(0)
    params = nw.init_params(sizes, rng)
    x, y = rng.normal(size=(examples, sizes[0])), rng.normal(size=(examples, sizes[-1]))
    computed, given = costs.kept_for_vjps(nw.loss([Tensor(p) for p in params], x, y))
    assert computed == examples * (sum(sizes[1:-1]) + sizes[-1])
    assert given == examples * sizes[0] + sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))


def test_a_sum_keeps_nothing():
    a, b = Tensor(np.ones(3)), Tensor(np.ones(3))
    assert costs.kept_for_vjps((a + b - a).mean()) == (0, 0)
