"""The figures are inline-ready, accessible, theme-neutral and reproducible."""

import re

import numpy as np

from snippets import plotting


def svg():
    return plotting.timing_figure([(8, 2e-3, 1e-3), (16, 8e-3, 2e-3)], alt="Two lines & a test")


def test_svg_is_inline_ready_and_accessible():
    out = svg()
    assert out.startswith("<svg")
    assert 'role="img"' in out and 'aria-label="Two lines &amp; a test"' in out
    assert "<title>Two lines &amp; a test</title>" in out
    assert plotting.INK not in out and "currentColor" in out
    assert "<text" in out  # text kept as text
    families = re.findall(r"font-family: ([^;\"]*)", out)
    assert families and all(f.endswith("sans-serif") for f in families), set(families)
    assert "max-width: 100%; height: auto" in out.split(">", 1)[0]  # shrinks with a narrow column


def test_svg_is_reproducible():
    assert svg() == svg()


def test_other_figures_render():
    xs = np.array([0.0, 1.0, 2.0])
    out = plotting.to_svg(
        plotting.draw_descent(lambda x: (x - 1) ** 2, [("a", xs), ("b", xs)], (0.0, 2.0)), "d", "descent"
    )
    assert out.count("<title>") == 1
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (10, 1))
    out = plotting.training_figure([1.0, 0.5, 0.2], x, x, lambda g: g, alt="training")
    assert 'aria-label="training"' in out


def test_markdown_helpers():
    from snippets import markdown

    assert markdown.sci(0.000321, 2) == "3.21\\times 10^{-4}"
    assert markdown.sci(6.0e44) == "6.0\\times 10^{44}"
    t = markdown.table(["a", "b"], [["1", "2"]], align="lr")
    assert t.splitlines() == ["| a | b |", "| :-- | --: |", "| 1 | 2 |"]
    src = markdown.source(markdown.sci)
    assert src.startswith("```python\ndef sci(") and src.endswith("```\n")
