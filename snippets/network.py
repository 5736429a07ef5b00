"""A small neural network (a multilayer perceptron) written once, runnable on arrays, Tensors and Duals."""

from __future__ import annotations

import numpy as np

from snippets.autodiff import Dual, Tensor


def tanh(z):
    """tanh of an array, a Tensor or a Dual (each of those knows its own derivative)."""
    return z.tanh() if isinstance(z, (Tensor, Dual)) else np.tanh(z)


def init_params(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Weights and biases [W1, b1, W2, b2, ...] of layers sizes[0] -> sizes[1] -> ... , randomly initialised."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        # Scaled so that each layer's outputs start out about as large as its inputs.
        params.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))
        params.append(np.zeros(fan_out))
    return params


def mlp(params, x):
    """The network: affine, tanh, affine, tanh, ..., affine. One row of x per example."""
    h = x
    layers = list(zip(params[0::2], params[1::2], strict=True))
    for i, (W, b) in enumerate(layers):
        h = h @ W + b
        if i < len(layers) - 1:
            h = tanh(h)
    return h


def mse(prediction, target):
    """Mean squared error: the average of (prediction - target)^2."""
    r = prediction - target
    return (r * r).mean()


def loss(params, x, y):
    """L(theta): how badly the network with parameters ``params`` fits the examples (x, y)."""
    return mse(mlp(params, x), y)


def make_data(rng: np.random.Generator, n: int, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """n noisy samples of y = sin(3x) on [-1, 1], as column vectors."""
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = np.sin(3 * x) + noise * rng.normal(size=(n, 1))
    return x, y


def train(params, x, y, step: float, steps: int):
    """Gradient descent on the loss, with the gradient computed by backpropagation."""
    losses = []
    for _ in range(steps):
        theta = [Tensor(p) for p in params]
        L = loss(theta, x, y)
        L.backward()  # backpropagation: fills t.grad = dL/dt for every t in theta
        params = [t.value - step * t.grad for t in theta]
        losses.append(float(L.value))
    return params, losses
