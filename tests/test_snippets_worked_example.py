"""The worked example's gradients against plain-numpy finite differences and closed forms, and its drawing."""

import numpy as np
import pytest

from snippets import graph_figure as gf
from snippets import network as nw
from snippets.autodiff import Tensor
from snippets.worked_example import backward_steps, central_difference, forward_steps, loss_from, scalar_chain


@pytest.mark.parametrize("w,x,y", [(0.5, 2.0, 0.5), (-1.3, 0.4, 0.9), (2.0, -0.7, -0.2)])
def test_every_gradient_of_the_chain_matches_finite_differences(w, x, y):
    nodes = scalar_chain(w, x, y)
    for name, tensor in nodes.items():
        by_differences = central_difference(loss_from(name, w, x, y), float(tensor.value))
        assert float(tensor.grad) == pytest.approx(by_differences, rel=1e-7, abs=1e-9), name


def test_the_chain_has_its_closed_form():
    w, x, y = 0.5, 2.0, 0.5
    nodes = scalar_chain(w, x, y)
    a = np.tanh(w * x)
    assert float(nodes["L"].value) == pytest.approx((a - y) ** 2, rel=1e-15)
    assert float(nodes["w"].grad) == pytest.approx(2 * (a - y) * (1 - a**2) * x, rel=1e-14)
    assert float(nodes["y"].grad) == pytest.approx(-2 * (a - y), rel=1e-14)


def test_the_drawing_shows_every_value_and_gradient_in_the_pages_colour():
    nodes = scalar_chain(0.5, 2.0, 0.5)
    svg = gf.graph_figure(nodes["L"], nodes, alt="the graph of L")
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>the graph of L</title>" in svg
    assert "currentColor" in svg and "#010101" not in svg
    for text in ("z = w × x = 1.0000", "a = tanh(z) = 0.7616", "r = a − y", "∂L/∂w = 0.4395", "∂L/∂y = −0.5232"):
        assert text in svg, text


def test_layout_puts_each_tensor_below_its_parents_and_keeps_neighbours_apart():
    rng = np.random.default_rng(0)
    params = [Tensor(p) for p in nw.init_params([2, 3, 1], rng)]
    L = nw.loss(params, rng.normal(size=(4, 2)), rng.normal(size=(4, 1)))
    position = gf.layout(L)
    assert len(position) == len(set(position.values()))
    for tensor, (_, y) in position.items():
        assert all(position[p][1] > y for p in tensor.parents)
    rows = {}
    for x, y in position.values():
        rows.setdefault(y, []).append(x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= gf.COLUMN - 1e-9 for a, b in zip(xs, xs[1:], strict=False))


def test_unnamed_tensors_are_labelled_by_their_operation():
    w = Tensor(2.0)
    out = (w * 3.0).tanh()
    labels = gf.node_labels(out, {"w": w})
    assert sorted(labels.values()) == ["3", "tanh", "w", "×"]


@pytest.mark.parametrize("w,x,y", [(0.5, 2.0, 0.5), (-1.3, 0.4, 0.9)])
def test_the_hand_computation_agrees_with_the_tensor_class(w, x, y):
    nodes = scalar_chain(w, x, y)
    forward = forward_steps(w, x, y)
    assert [value for *_, value in forward] == pytest.approx([float(nodes[k].value) for k in "zarL"], rel=1e-15)
    backward = {name: value for name, _, value in backward_steps(w, x, y)}
    assert set(backward) == set(nodes)
    for name, value in backward.items():
        assert value == pytest.approx(float(nodes[name].grad), rel=1e-14, abs=1e-300), name


def test_the_text_alternative_names_every_step_in_computing_order():
    nodes = scalar_chain(0.5, 2.0, 0.5)
    text = gf.describe(nodes["L"], nodes)
    positions = [text.index(f"{step} = ") for step in ("z = w × x", "a = tanh(z)", "r = a − y", "L = r × r")]
    assert positions == sorted(positions)
    assert "∂L/∂x = 0.1099" in text and "∂L/∂L = 1.0000" in text


def _redo_by_hand(tex: str) -> float:
    """The arithmetic after the last '=' of a table entry (or the whole entry), as a reader would redo it."""
    expression = tex.rsplit("=", 1)[-1].replace("\\times", "*").replace("^2", "**2")
    tanh = "\\tanh"
    if expression.strip().startswith(tanh):
        expression = "np.tanh(" + expression.strip().removeprefix(tanh) + ")"
    return float(eval(expression, {"np": np}))  # noqa: S307 - our own helper's TeX, not input


@pytest.mark.parametrize("w,x,y", [(0.5, 2.0, 0.5), (-1.3, 0.4, 0.9), (2.0, -0.7, -0.2)])
def test_every_entry_can_be_redone_by_hand_from_its_printed_operands(w, x, y):
    """The post prints each value to four decimals; the operands shown beside it must give those digits."""
    for name, rule, value in backward_steps(w, x, y)[1:]:
        assert f"{_redo_by_hand(rule):.4f}" == f"{value:.4f}", (name, rule, value)
    for step, numbers, value in forward_steps(w, x, y):
        assert f"{_redo_by_hand(numbers):.4f}" == f"{value:.4f}", (step, numbers, value)


def test_four_decimal_operands_would_not_do():
    """Why the operands carry six decimals: at four, 0.2197 × 2 is 0.4394, not the 0.4395 of dL/dw."""
    dz = dict((name, value) for name, _, value in backward_steps(0.5, 2.0, 0.5))["z"]
    dw = dict((name, value) for name, _, value in backward_steps(0.5, 2.0, 0.5))["w"]
    assert f"{round(dz, 4) * 2:.4f}" != f"{dw:.4f}"
