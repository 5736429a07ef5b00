"""The markup of cross-references and citations, which the site's cards script shows as hover/focus cards.

A reference is an ordinary link to the element it names (an equation, a figure, a reference entry), so it
works with no JavaScript; ``cards.js`` (published/, linked by the plugin) finds links with these classes and
shows a copy of their target in a card while the link is hovered or focused (Escape hides it).
"""

from __future__ import annotations

import re

XREF_CLASS = "lm-xref"  # equations, figures, tables
CITE_CLASS = "lm-cite"  # citations


def anchor_for_key(key: str) -> str:
    """The id of a reference entry: ``ref-`` and the citation key, with characters unsafe in a URL replaced."""
    return "ref-" + re.sub(r"[^\w:.-]", "-", key)


def xref_link(text: str, target: str, kind: str) -> str:
    """A Markdown link (attr_list) to ``#target`` reading ``text``, as a card-showing cross-reference."""
    return f'[{text}](#{target}){{: .{XREF_CLASS} data-lm-kind="{kind}" }}'


def cite_link(number: int, key: str) -> str:
    """A Markdown link to the key's entry of the References section, reading its number."""
    return f"[{number}](#{anchor_for_key(key)}){{: .{CITE_CLASS} }}"
