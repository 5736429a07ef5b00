"""A drawing of a Tensor's computational graph: values flowing down from the inputs, gradients flowing back up."""

from __future__ import annotations

import itertools

import matplotlib
from matplotlib.lines import Line2D

from snippets.autodiff import Tensor, graph
from snippets.plotting import BLUE, INK, ORANGE, STYLE, _figure, to_svg

ROW, COLUMN = 1.0, 2.0  # distance between layers and between neighbours, in data units
BOX_W, BOX_H = 1.7, 0.55


def node_labels(output: Tensor, names: dict[str, Tensor]) -> dict[Tensor, str]:
    """Each tensor's name, or for an unnamed one the operation that made it."""
    named = {tensor: name for name, tensor in names.items()}
    labels = {}
    for tensor in graph(output):
        labels[tensor] = named.get(tensor) or tensor.op or f"{float(tensor.value):g}"
    return labels


def formula(tensor: Tensor, labels: dict[Tensor, str]) -> str:
    """How ``tensor`` was computed from its parents, e.g. ``z = w × x`` or ``a = tanh(z)``."""
    args = [labels[p] for p in tensor.parents]
    if not args:
        return labels[tensor]
    made = f" {tensor.op} ".join(args) if len(args) == 2 else f"{tensor.op}({args[0]})"
    return f"{labels[tensor]} = {made}"


def layout(output: Tensor) -> dict[Tensor, tuple[float, float]]:
    """(x, y) of every tensor: each below all of its parents, an input just above its first use."""
    order = graph(output)
    depth = {}
    for tensor in order:
        depth[tensor] = 1 + max((depth[p] for p in tensor.parents), default=-1)
    for tensor in reversed(order):  # pull each input down to the layer above the first tensor that uses it
        users = [depth[t] for t in order if tensor in t.parents]
        if not tensor.parents and users:
            depth[tensor] = min(users) - 1
    rows: dict[int, list[Tensor]] = {}
    for tensor in order:
        rows.setdefault(depth[tensor], []).append(tensor)
    position: dict[Tensor, tuple[float, float]] = {}
    for level in sorted(rows):
        inner = [t for t in rows[level] if t.parents]
        xs = {t: sum(position[p][0] for p in t.parents) / len(t.parents) for t in inner}
        inputs = [t for t in rows[level] if not t.parents]
        start = max(xs.values(), default=-COLUMN * (len(inputs) + 1) / 2) + COLUMN
        xs.update({t: start + i * COLUMN for i, t in enumerate(inputs)})
        placed = sorted(rows[level], key=xs.get)
        for left, right in itertools.pairwise(placed):  # keep neighbours a column apart
            xs[right] = max(xs[right], xs[left] + COLUMN)
        position.update({t: (xs[t], -level * ROW) for t in placed})
    return position


def graph_figure(output: Tensor, names: dict[str, Tensor], alt: str, digits: int = 4) -> str:
    """The graph of ``output`` after ``backward()``: each tensor with its value and the gradient of the output."""
    labels = node_labels(output, names)
    position = layout(output)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    width = (max(xs) - min(xs) + BOX_W) * 0.95 + 0.4
    height = (max(ys) - min(ys) + BOX_H) * 0.95 + 0.9
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig, (ax,) = _figure(width, height)
        ax.set_axis_off()
        for child in position:
            for k, parent in enumerate(child.parents):
                arrival = 0.36 * (k - (len(child.parents) - 1) / 2)  # each parent's arrows meet the box apart
                departure = arrival if child.parents.count(parent) > 1 else 0.0  # a tensor used twice: two pairs
                _edge(ax, position[parent], position[child], departure, arrival)
        for tensor, (x, y) in position.items():
            ax.add_patch(
                matplotlib.patches.FancyBboxPatch(
                    (x - BOX_W / 2, y - BOX_H / 2),
                    BOX_W,
                    BOX_H,
                    boxstyle="round,pad=0.02",
                    facecolor="none",
                    edgecolor=INK,
                    linewidth=1,
                )
            )
            value, grad = (f"{float(v):.{digits}f}".replace("-", "−") for v in (tensor.value, tensor.grad))
            text = f"{formula(tensor, labels)} = {value}\n∂L/∂{labels[tensor]} = {grad}"
            ax.text(x, y, text, ha="center", va="center", linespacing=1.45, fontsize=10.5)
        ax.set_xlim(min(xs) - BOX_W / 2 - 0.1, max(xs) + BOX_W / 2 + 0.1)
        ax.set_ylim(min(ys) - BOX_H / 2 - 0.1, max(ys) + BOX_H / 2 + 0.1)
        ax.set_aspect("equal")
        handles = [
            Line2D([], [], color=BLUE, linewidth=2, label="values, forward"),
            Line2D([], [], color=ORANGE, linewidth=2, linestyle="--", label="gradients, backward"),
        ]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=10)
        fig.tight_layout()
        return to_svg(fig, "graph", alt)


def _edge(ax, start, end, departure, arrival):
    """A pair of arrows between two boxes: the value going down (solid), its gradient coming back up (dashed)."""
    (x0, y0), (x1, y1) = start, end
    top, bottom = (x0 + departure, y0 - BOX_H / 2), (x1 + arrival, y1 + BOX_H / 2)
    for side, colour, style, (a, b) in ((-1, BLUE, "-", (top, bottom)), (1, ORANGE, "--", (bottom, top))):
        ax.annotate(
            "",
            xy=(b[0] + side * 0.06, b[1]),
            xytext=(a[0] + side * 0.06, a[1]),
            arrowprops={
                "arrowstyle": "-|>",
                "color": colour,
                "linestyle": style,
                "linewidth": 1.4,
                "shrinkA": 1,
                "shrinkB": 1,
                "mutation_scale": 11,
            },
        )


def describe(output: Tensor, names: dict[str, Tensor], digits: int = 4) -> str:
    """The figure in words, for a screen reader: every tensor in computing order, its value and gradient."""
    labels = node_labels(output, names)
    steps = [
        f"{formula(t, labels)} = {float(t.value):.{digits}f}, with ∂L/∂{labels[t]} = {float(t.grad):.{digits}f}"
        for t in graph(output)
    ]
    return "Computational graph, from the inputs down to the loss: " + "; ".join(steps) + "."
