"""How an inline value (`` `{py} expr:spec` `` in a post) is written into the page: run inside the worker.

``show(value, spec, math)`` formats ``value`` with Python's format specification ``spec`` (``.3f``, ``,``,
``.1e``, ``.0%``). Inside a formula (``math``), scientific notation becomes TeX, ``1.5 \\times 10^{-3}``, and
the text is left as it is (it is TeX); in prose, the characters Markdown would read as markup are escaped,
so the value appears as printed (unless the spec is ``md``), and a line break becomes a space (a value must
not end a table row).
"""

from __future__ import annotations

import numbers
import re

SCIENTIFIC = re.compile(r"^(?P<mantissa>[-+]?[\d.,_]+)[eE](?P<exponent>[-+]?\d+)$")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|#$])")  # `$` would open a formula
HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def show(value, spec: str, math: bool) -> str:
    """``value`` formatted by ``spec``, ready for a formula (``math``) or for prose. The spec ``md`` writes
    ``str(value)`` as Markdown, unescaped (a sentence with its own ``$n$`` or ``*emphasis*``)."""
    if spec == "md":
        return " ".join(str(value).splitlines())
    text = format(value, spec)
    if math:
        scientific = SCIENTIFIC.match(text) if isinstance(value, numbers.Real) else None
        if scientific:
            exponent = int(scientific["exponent"])
            return f"{scientific['mantissa']} \\times 10^{{{exponent}}}" if exponent else scientific["mantissa"]
        return text
    text = " ".join(text.splitlines())
    text = MARKDOWN_SPECIALS.sub(r"\\\1", text)
    return "".join(HTML_SPECIALS.get(character, character) for character in text)
