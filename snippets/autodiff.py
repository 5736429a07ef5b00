"""Automatic differentiation of numpy code, in the style of micrograd: reverse mode and forward mode.

Reverse mode (``Tensor``): every operation records its inputs and a small function that turns the
gradient of its output into gradients of its inputs (a vector-Jacobian product). ``backward()`` walks
the recorded graph from the loss back to the parameters. This is backpropagation.

Forward mode (``Dual``): every value travels with its derivatives along chosen input directions
(Jacobian-vector products), computed alongside the value itself. Nothing is recorded.

Neither ever forms a Jacobian matrix.
"""

from __future__ import annotations

import numpy as np


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: where numpy copied a value to broadcast it, its gradient is the sum."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Tensor:
    """A numpy array that remembers how it was computed, so gradients can flow back to its inputs."""

    __array_ufunc__ = None  # so that `ndarray - Tensor` calls Tensor.__rsub__ instead of looping in numpy

    def __init__(self, value, parents: tuple[Tensor, ...] = (), op: str = ""):
        self.value = np.asarray(value, dtype=float)
        self.grad = np.zeros_like(self.value)  # d(loss)/d(self), filled in by backward()
        self.parents = parents
        self.op = op  # the operation that made this tensor, for drawing the graph
        self._backward = lambda: None  # set by the operation that made this tensor

    def __add__(self, other):
        other = _tensor(other)
        out = Tensor(self.value + other.value, (self, other), "+")

        def _backward():
            self.grad += _unbroadcast(out.grad, self.value.shape)
            other.grad += _unbroadcast(out.grad, other.value.shape)

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _tensor(other)
        out = Tensor(self.value * other.value, (self, other), "×")

        def _backward():
            self.grad += _unbroadcast(out.grad * other.value, self.value.shape)
            other.grad += _unbroadcast(out.grad * self.value, other.value.shape)

        out._backward = _backward
        return out

    def __matmul__(self, other):
        other = _tensor(other)
        if max(self.value.ndim, other.value.ndim) > 2:
            raise ValueError("Tensor @ takes vectors and matrices only")
        out = Tensor(self.value @ other.value, (self, other), "@")

        def _backward():
            # Like numpy, read a vector as a row on the left, a column on the right.
            A = self.value.reshape(-1, self.value.shape[-1])
            B = other.value.reshape(other.value.shape[0], -1)
            G = out.grad.reshape(A.shape[0], B.shape[1])
            # d(out) = dA @ B + A @ dB: G @ B^T for A, A^T @ G for B.
            self.grad += (G @ B.T).reshape(self.value.shape)
            other.grad += (A.T @ G).reshape(other.value.shape)

        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.value)
        out = Tensor(t, (self,), "tanh")

        def _backward():
            self.grad += out.grad * (1 - t**2)

        out._backward = _backward
        return out

    def mean(self):
        out = Tensor(self.value.mean(), (self,), "mean")

        def _backward():
            self.grad += np.full_like(self.value, out.grad / self.value.size)

        out._backward = _backward
        return out

    def backward(self):
        """Set each .grad in this scalar's graph to d(self)/d(that tensor).

        Every call recomputes the gradients from zero, so calling it twice gives the same ``.grad``
        values. PyTorch differs: its ``backward()`` adds to the ``.grad`` already there, and a training
        loop must zero them between steps.
        """
        if self.value.size != 1:
            raise ValueError(f"backward() needs a single number, not shape {self.value.shape}")
        order = graph(self)
        for tensor in order:
            tensor.grad = np.zeros_like(tensor.value)  # so a second call agrees
        self.grad = np.ones_like(self.value)  # d(loss)/d(loss) = 1
        for tensor in reversed(order):
            tensor._backward()

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        other = _tensor(other)
        out = Tensor(self.value - other.value, (self, other), "−")

        def _backward():
            self.grad += _unbroadcast(out.grad, self.value.shape)
            other.grad -= _unbroadcast(out.grad, other.value.shape)

        out._backward = _backward
        return out

    def __rsub__(self, other):
        return _tensor(other) - self

    __radd__ = __add__
    __rmul__ = __mul__

    def __rmatmul__(self, other):
        return _tensor(other) @ self

    def __repr__(self):
        return f"Tensor(shape={self.value.shape})"


def graph(output: Tensor) -> list[Tensor]:
    """Every tensor ``output`` was computed from, inputs before the results made from them.

    A depth-first walk with its own stack rather than recursion, so a graph of any depth works (Python
    stops recursing at about 1,000 calls). The order is the one the recursive walk gives: a tensor's
    parents, first to last, then the tensor.
    """
    order, seen = [], {output}
    stack = [(output, iter(output.parents))]
    while stack:
        tensor, parents = stack[-1]
        parent = next((p for p in parents if p not in seen), None)
        if parent is None:
            stack.pop()
            order.append(tensor)
        else:
            seen.add(parent)
            stack.append((parent, iter(parent.parents)))
    return order


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


class Dual:
    """A numpy array with its derivatives along k input directions, carried forward with it.

    ``tangent`` has one more axis than ``value``, in front: ``tangent[j]`` is the derivative of ``value``
    along input direction ``j``.
    """

    __array_ufunc__ = None

    def __init__(self, value, tangent):
        self.value = np.asarray(value, dtype=float)
        self.tangent = np.asarray(tangent, dtype=float)

    def __add__(self, other):
        value = self.value + _value(other)
        return Dual(value, _tangent(self, value) + _tangent(other, value))

    def __mul__(self, other):
        value = self.value * _value(other)
        # d(a * b) = da * b + a * db
        return Dual(value, _tangent(self, value) * _value(other) + _value(self) * _tangent(other, value))

    def __matmul__(self, other):
        a, b = _value(self), _value(other)
        if max(a.ndim, b.ndim) > 2:
            # The tangent's direction axis would meet numpy's stacking of 3-D operands: refuse, as Tensor does.
            raise ValueError("Dual @ takes vectors and matrices only")
        value = a @ b
        # d(A @ B) = dA @ B + A @ dB, for all k directions at once (numpy matmul broadcasts over the first axis)
        tangent = 0.0
        if isinstance(self, Dual):
            tangent = tangent + self.tangent @ b
        if isinstance(other, Dual):
            # A vector B has tangent rows dB_j, and A @ dB_j for all j is (dB_j rows) @ A^T.
            tangent = tangent + (other.tangent @ a.T if b.ndim == 1 else a @ other.tangent)
        return Dual(value, tangent)

    def tanh(self):
        t = np.tanh(self.value)
        return Dual(t, self.tangent * (1 - t**2))

    def mean(self):
        k = self.tangent.shape[0]
        return Dual(self.value.mean(), self.tangent.reshape(k, -1).mean(axis=1))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    __radd__ = __add__
    __rmul__ = __mul__

    def __rmatmul__(self, other):
        return Dual.__matmul__(other, self)

    def __repr__(self):
        return f"Dual(shape={self.value.shape}, directions={self.tangent.shape[0]})"


def _value(x):
    return x.value if isinstance(x, Dual) else np.asarray(x, dtype=float)


def _tangent(x, value: np.ndarray):
    """Derivative of ``x`` broadcast to ``value``'s shape; 0 for a constant."""
    if not isinstance(x, Dual):
        return 0.0
    t = x.tangent
    # Put the direction axis in front of the axes numpy adds on the left when broadcasting.
    t = t.reshape(t.shape[:1] + (1,) * (value.ndim - (t.ndim - 1)) + t.shape[1:])
    return np.broadcast_to(t, t.shape[:1] + value.shape)


def gradient_reverse(f, params: list[np.ndarray]) -> list[np.ndarray]:
    """Gradient of the scalar ``f(params)`` by reverse mode: one forward pass, one backward pass."""
    tensors = [Tensor(p) for p in params]
    f(tensors).backward()
    return [t.grad for t in tensors]


def gradient_forward(f, params: list[np.ndarray], directions_per_pass: int | None = None) -> list[np.ndarray]:
    """Gradient of the scalar ``f(params)`` by forward mode, one evaluation of f per batch of unit directions.

    By default all n directions go through in one pass; fewer per pass need less memory and more passes.
    """
    n = sum(p.size for p in params)
    per_pass = directions_per_pass or n
    slopes = []
    for first in range(0, n, per_pass):
        j = np.arange(first, min(first + per_pass, n))
        directions = np.zeros((j.size, n))
        directions[np.arange(j.size), j] = 1.0  # direction j moves only parameter number j
        duals, start = [], 0
        for p in params:
            duals.append(Dual(p, directions[:, start : start + p.size].reshape((j.size, *p.shape))))
            start += p.size
        slopes.append(f(duals).tangent)
    return unflatten(np.concatenate(slopes), [p.shape for p in params])


def gradient_finite_differences(f, params: list[np.ndarray], h: float = 1e-6) -> list[np.ndarray]:
    """Gradient of the scalar ``f(params)`` by central differences: two evaluations of f per parameter."""
    theta = flatten(params)
    shapes = [p.shape for p in params]
    grad = np.empty_like(theta)
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = h
        grad[j] = (f(unflatten(theta + step, shapes)) - f(unflatten(theta - step, shapes))) / (2 * h)
    return unflatten(grad, shapes)


def jacobian_forward(f, x: np.ndarray) -> np.ndarray:
    """The m-by-n Jacobian of ``f`` at ``x`` by forward mode, in one evaluation of f with n directions.

    n is the number of entries of ``x`` and m the number of entries of ``f(x)``; arrays of any shape are
    read in numpy's (row-major) order, so row i, column j is d f(x).flat[i] / d x.flat[j]. A scalar f
    gives a 1-by-n matrix: its gradient as a row.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    directions = np.eye(n).reshape((n, *x.shape))  # direction j moves only entry j of x
    slopes = f(Dual(x, directions)).tangent  # one slope of f(x) per direction: shape (n, *f(x).shape)
    return slopes.reshape(n, -1).T


def flatten(params: list[np.ndarray]) -> np.ndarray:
    """All parameters as one vector theta."""
    return np.concatenate([np.ravel(p) for p in params])


def unflatten(theta: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Cut the vector theta back into arrays of the given shapes."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(np.asarray(theta[start : start + size]).reshape(shape))
        start += size
    return out
