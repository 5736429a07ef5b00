"""The post's autodiff against independent methods: finite differences, closed forms, and each other."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets import autodiff as ad
from snippets import network as nw


def relative_error(a, b):
    a, b = ad.flatten(a), ad.flatten(b)
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


layer_sizes = st.lists(st.integers(1, 6), min_size=2, max_size=4)


@settings(max_examples=25, deadline=None)
@given(sizes=layer_sizes, examples=st.integers(1, 7), seed=st.integers(0, 2**32 - 1))
def test_network_gradient_matches_finite_differences_and_forward_mode(sizes, examples, seed):
    rng = np.random.default_rng(seed)
    params = nw.init_params(sizes, rng)
    params = [p + 0.1 * rng.normal(size=p.shape) for p in params]  # nonzero biases too
    x = rng.normal(size=(examples, sizes[0]))
    y = rng.normal(size=(examples, sizes[-1]))

    def f(ps):
        return nw.loss(ps, x, y)

    reverse = ad.gradient_reverse(f, params)
    forward = ad.gradient_forward(f, params)
    differences = ad.gradient_finite_differences(f, params, h=1e-6)
    assert [g.shape for g in reverse] == [p.shape for p in params]
    assert relative_error(forward, reverse) < 1e-10
    assert relative_error(reverse, differences) < 1e-6


shapes = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_each_operation_against_finite_differences(shape, seed):
    """Broadcast add, elementwise product, matmul, tanh, subtraction of a constant, mean: all in one loss."""
    m, k, n = shape
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(m, k)), rng.normal(size=(k, n)), rng.normal(size=(n,)), rng.normal(size=(m, n))]
    target = rng.normal(size=(m, n))

    def f(ps):
        A, B, b, C = ps
        z = (A @ B + b).tanh() if not isinstance(A, np.ndarray) else np.tanh(A @ B + b)
        r = z * C - target
        return (r * r).mean()

    reverse = ad.gradient_reverse(f, params)
    assert relative_error(ad.gradient_forward(f, params), reverse) < 1e-10
    assert relative_error(reverse, ad.gradient_finite_differences(f, params)) < 1e-6


def test_least_squares_gradient_has_its_closed_form():
    rng = np.random.default_rng(1)
    X, w, y = rng.normal(size=(20, 3)), rng.normal(size=(3, 1)), rng.normal(size=(20, 1))
    (grad,) = ad.gradient_reverse(lambda ps: nw.mse(X @ ps[0], y), [w])
    np.testing.assert_allclose(grad, 2 / 20 * X.T @ (X @ w - y), rtol=1e-12)


def test_forward_jacobian_of_a_layer_has_its_closed_form():
    rng = np.random.default_rng(2)
    W, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    J = ad.jacobian_forward(lambda v: (W @ v).tanh(), x)
    np.testing.assert_allclose(J, np.diag(1 - np.tanh(W @ x) ** 2) @ W, rtol=1e-12)


def test_a_wrong_derivative_is_caught():
    """The checks in the post can fail: a tanh with a wrong derivative disagrees with finite differences."""
    rng = np.random.default_rng(3)
    params = nw.init_params([2, 3, 1], rng)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    original = ad.Tensor.tanh

    def wrong_tanh(self):
        out = ad.Tensor(np.tanh(self.value), (self,))

        def _backward():
            self.grad += out.grad  # forgets the factor 1 - tanh^2

        out._backward = _backward
        return out

    ad.Tensor.tanh = wrong_tanh
    try:
        reverse = ad.gradient_reverse(lambda ps: nw.loss(ps, x, y), params)
    finally:
        ad.Tensor.tanh = original
    differences = ad.gradient_finite_differences(lambda ps: nw.loss(ps, x, y), params)
    assert relative_error(reverse, differences) > 1e-3


def test_gradient_accumulates_over_shared_use():
    """A tensor used twice gets the sum of both contributions (d(x*x)/dx = 2x)."""
    x = ad.Tensor(np.array([1.5, -2.0]))
    (x * x).mean().backward()
    np.testing.assert_allclose(x.grad, np.array([1.5, -2.0]))


def test_flatten_roundtrip():
    arrays = [np.arange(6.0).reshape(2, 3), np.arange(2.0)]
    back = ad.unflatten(ad.flatten(arrays), [a.shape for a in arrays])
    for a, b in zip(arrays, back, strict=True):
        np.testing.assert_array_equal(a, b)


def test_training_lowers_the_loss():
    rng = np.random.default_rng(0)
    x, y = nw.make_data(rng, 64)
    params = nw.init_params([1, 8, 1], rng)
    _, losses = nw.train(params, x, y, step=0.2, steps=200)
    assert losses[-1] < 0.5 * losses[0]
    assert losses == pytest.approx(sorted(losses, reverse=True), rel=1e-3)


def test_graph_lists_inputs_before_results():
    a, b = ad.Tensor(np.ones(2)), ad.Tensor(np.ones(2))
    c = a * b
    d = (c + a).mean()
    order = ad.graph(d)
    assert order[-1] is d and len(order) == 5
    assert order.index(a) < order.index(c) < order.index(d)


@pytest.mark.parametrize(
    "left,right",
    [((4, 4), (4,)), ((4,), (4, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 5))],
)
def test_matmul_of_vectors_and_matrices_against_finite_differences(left, right):
    """numpy reads a vector as a row on the left and a column on the right; the gradients must follow."""
    rng = np.random.default_rng(4)
    params = [rng.normal(size=left), rng.normal(size=right)]
    weights = rng.normal(size=np.shape(params[0] @ params[1]))

    def f(ps):
        return (nw.tanh(ps[0] @ ps[1]) * weights).mean()

    reverse = ad.gradient_reverse(f, params)
    assert [g.shape for g in reverse] == [left, right]
    assert relative_error(reverse, ad.gradient_finite_differences(f, params)) < 1e-8
    assert relative_error(ad.gradient_forward(f, params), reverse) < 1e-12


def test_matmul_refuses_more_than_two_axes():
    with pytest.raises(ValueError, match="vectors and matrices only"):
        ad.Tensor(np.ones((2, 3, 4))) @ ad.Tensor(np.ones((4, 2)))


def test_a_second_backward_gives_the_same_gradients():
    rng = np.random.default_rng(5)
    params = [ad.Tensor(p) for p in nw.init_params([2, 3, 1], rng)]
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    L = nw.loss(params, x, y)
    L.backward()
    first = [p.grad.copy() for p in params]
    L.backward()
    for a, b in zip(first, [p.grad for p in params], strict=True):
        np.testing.assert_array_equal(a, b)
    expected = ad.gradient_finite_differences(lambda ps: nw.loss(ps, x, y), [p.value for p in params])
    assert relative_error([p.grad for p in params], expected) < 1e-7


def test_backward_needs_a_single_number():
    with pytest.raises(ValueError, match="single number"):
        (ad.Tensor(np.ones(3)) * 2.0).backward()


def test_subtraction_in_both_orders_against_finite_differences():
    rng = np.random.default_rng(6)
    params = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    c = rng.normal(size=(3, 2))

    def f(ps):
        r = (c - ps[0]) - ps[1]
        return (r * r).mean()

    reverse = ad.gradient_reverse(f, params)
    assert relative_error(reverse, ad.gradient_finite_differences(f, params)) < 1e-8


def test_graph_walks_a_chain_far_deeper_than_the_recursion_limit():
    """10,000 multiplications by c: the gradient is c**10000, a closed form the walk must reach."""
    import sys

    depth, c = 10 * sys.getrecursionlimit(), 1.0001
    x = ad.Tensor(np.array([2.0]))
    y = x
    for _ in range(depth):
        y = y * c
    order = ad.graph(y.mean())
    assert len(order) == 2 * depth + 2  # x, each product and its constant, the mean
    assert order[0] is x
    y.mean().backward()
    np.testing.assert_allclose(x.grad, [c**depth], rtol=1e-10)


def test_graph_keeps_the_order_of_a_recursive_walk():
    """The iterative walk lists tensors exactly as a plain recursive depth-first walk does."""
    rng = np.random.default_rng(7)
    params = [ad.Tensor(p) for p in nw.init_params([2, 4, 3, 1], rng)]
    L = nw.loss(params, rng.normal(size=(5, 2)), rng.normal(size=(5, 1)))

    def recursive(output):
        order, seen = [], set()

        def visit(tensor):
            if tensor not in seen:
                seen.add(tensor)
                for parent in tensor.parents:
                    visit(parent)
                order.append(tensor)

        visit(output)
        return order

    assert [id(t) for t in ad.graph(L)] == [id(t) for t in recursive(L)]


def test_dual_matmul_refuses_more_than_two_axes():
    """numpy would stack 3-D operands along the axis Dual keeps for directions: refused, as Tensor does."""
    stacked = ad.Dual(np.ones((2, 3, 4)), np.ones((1, 2, 3, 4)))
    with pytest.raises(ValueError, match="vectors and matrices only"):
        stacked @ np.ones((4, 2))
    with pytest.raises(ValueError, match="vectors and matrices only"):
        np.ones((5, 3)) @ ad.Dual(np.ones((2, 3, 4)), np.ones((1, 2, 3, 4)))


def finite_difference_jacobian(f, x, h=1e-6):
    """Column j: the central difference of f along entry j of x (entries in numpy's order)."""
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        step = np.zeros(x.size)
        step[j] = h
        step = step.reshape(x.shape)
        columns.append((np.ravel(f(x + step)) - np.ravel(f(x - step))) / (2 * h))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize(
    "x_shape,make_f",
    [
        ((3,), lambda W: lambda v: (W[:4, :3] @ v).tanh()),  # vector to vector: 4-by-3
        ((3,), lambda W: lambda v: (v * v).mean()),  # vector to scalar: 1-by-3
        ((2, 3), lambda W: lambda M: (M @ W[:3, :2]).tanh()),  # matrix to matrix: 4-by-6
        ((2,), lambda W: lambda v: (W[:3, :2] @ v) * (W[:3, :2] @ v)),  # 3-by-2, not square
    ],
)
def test_forward_jacobian_is_m_by_n_and_matches_finite_differences(x_shape, make_f):
    rng = np.random.default_rng(8)
    W, x = rng.normal(size=(4, 4)), rng.normal(size=x_shape)
    f = make_f(W)
    J = ad.jacobian_forward(f, x)

    def plain(v):  # the value alone: the same function through a Dual with one direction, ignored
        return f(ad.Dual(v, np.zeros((1, *np.shape(v))))).value

    m = np.size(plain(x))
    assert J.shape == (m, x.size)
    np.testing.assert_allclose(J, finite_difference_jacobian(plain, x), rtol=1e-6, atol=1e-8)


def test_backward_recomputes_where_torch_would_accumulate():
    """Two backward() calls on two different losses: the second gradient is the second loss's alone."""
    x = ad.Tensor(np.array([1.0, 2.0]))
    (x * x).mean().backward()
    (x * 3.0).mean().backward()
    np.testing.assert_allclose(x.grad, [1.5, 1.5])  # d mean(3x)/dx, not 1.5 + x from the first loss
