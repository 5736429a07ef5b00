"""Check that no id names two elements of a page.

An id names one element: a link to ``#id``, a ``<label for>``, an SVG ``<use href="#id">`` and
``getElementById`` all reach the first and never the others. Generated HTML is where repeats creep in
(each snippet's output is converted on its own), so the finished page is checked, templates included.
"""

from __future__ import annotations

import re
from collections import Counter

from live_math._internal.checks.html import COMMENT_OR_RAW

# An id attribute inside a start tag, quoted either way or not at all.
ID_ATTRIBUTE = re.compile(r"""<[A-Za-z][^<>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def repeated_ids(html: str) -> list[tuple[str, int]]:
    """Each id that is on more than one element of ``html``, with how many, in the order they first appear."""
    if " id=" not in html:
        return []
    html = COMMENT_OR_RAW.sub("", html)  # an id="…" written in a script or a comment is no element's
    counts = Counter(next(value for value in match if value) for match in ID_ATTRIBUTE.findall(html) if any(match))
    return [(name, n) for name, n in counts.items() if n > 1]


def describe(repeated: list[tuple[str, int]], shown: int = 4) -> str:
    """``repeated`` in words: the first few ids with their counts, and how many more there are."""
    named = ", ".join(f'"{name}" ({count} times)' for name, count in repeated[:shown])
    more = f" and {len(repeated) - shown} more ids" if len(repeated) > shown else ""
    return f"the id {named}{more} is" if len(repeated) == 1 else f"the ids {named}{more} are each"
