"""How much of a post's prose is written inside Python string literals instead of as Markdown.

A sentence printed by a snippet, `print(f"The loss fell to {x:.3f}.")`, is prose a writer edits as Python.
This counts the words of a post in both places: in its Markdown outside code, and in the string literals of
its Python fences (found with ``tokenize``; an f-string's placeholders and format specifications are not
words). Formulas are not words either: `$…$`, `$$…$$` and TeX commands such as `\\mapsto` are left out.

Words printed by a ``measured="true"`` fence are counted apart: such output holds timings of the machine
that built the page, which only a measured fence may print (an inline value is reproduced and verified like
any other output), so a sentence that reports a timing has to stay in code.

    .venv/bin/python -m scripts.prose_in_code docs/blog/posts/some-post.md
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)(?P<ticks>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<code>.*?)^(?P=indent)(?P=ticks)\s*$",
                   flags=re.M | re.S)  # fmt: skip
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", flags=re.S)
COMMENT = re.compile(r"<!--.*?-->", flags=re.S)
INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", flags=re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", flags=re.S)
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")


@dataclass
class ProseCount:
    """Words of prose in a post's Markdown, inside its snippets' string literals, and inside those of its
    measured snippets (a subset of the latter)."""

    markdown: int
    in_strings: int
    in_measured: int

    @property
    def total(self) -> int:
        """All the post's prose words, wherever they are written."""
        return self.markdown + self.in_strings

    def share(self, *, measured: bool = True) -> float:
        """The fraction of all prose words written inside string literals; with ``measured=False``, leaving
        out those of measured fences (which cannot move to prose)."""
        words = self.in_strings if measured else self.in_strings - self.in_measured
        return words / self.total if self.total else 0.0


def count_words(text: str) -> int:
    """The words of ``text``, leaving out formulas and TeX commands."""
    return len(WORD.findall(TEX_COMMAND.sub(" ", MATH.sub(" ", text))))


def string_texts(code: str) -> list[str]:
    """The text of each string literal of Python ``code``, an f-string's placeholders replaced by a space."""
    texts = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type != tokenize.STRING:
            continue
        node = ast.parse(token.string, mode="eval").body
        if isinstance(node, ast.JoinedStr):  # the literal parts only, never the format specification
            texts.append(" ".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values))
        elif isinstance(node.value, str):
            texts.append(node.value)
    return texts


def count_prose(markdown: str) -> ProseCount:
    """Count the prose words of a post's Markdown outside code and inside its Python fences' strings."""
    body = COMMENT.sub(" ", FRONT_MATTER.sub("", markdown))
    in_strings = in_measured = 0
    for fence in FENCE.finditer(body):
        if fence["info"].strip().split(" ")[0] not in {"python", "py"}:
            continue
        words = count_words(" ".join(string_texts(fence["code"])))
        in_strings += words
        if re.search(r'\bmeasured="(true|yes|on|1)"', fence["info"]):
            in_measured += words
    outside = INLINE_CODE.sub(" ", FENCE.sub(" ", body))
    return ProseCount(count_words(outside), in_strings, in_measured)


def main(paths: list[str]) -> None:
    """Print each post's counts."""
    for path in paths:
        count = count_prose(Path(path).read_text(encoding="utf-8"))
        print(f"{path}: {count.total} words of prose, {count.in_strings} of them in string literals "
              f"({count.share():.1%}), {count.in_measured} in those of measured fences; "
              f"{count.share(measured=False):.1%} in the others")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
