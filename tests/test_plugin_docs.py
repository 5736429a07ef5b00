"""The plugin's documentation page (docs/plugin.md) and the README's options table name every option the
plugin's schema has, with the schema's default, and every fence option; the README links to the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from live_math._internal.config import CHECKS_HELP, LiveMathConfig
from live_math._internal.execution.sessions import OWN_OPTIONS

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Defaults written in words where the schema's value is computed or long.
IN_WORDS = {
    "execution.workers": "the number of CPUs",
    "execution.missing_module": "advice to install the package",
    "notebook.enabled": "unset: on with Material, off with other themes",
    "checks.help": CHECKS_HELP,
}


def options() -> dict[str, object]:
    """Every option of the schema, dotted, with its default."""
    found = {}
    for name, option in LiveMathConfig._schema:
        group = getattr(option, "config_class", None)
        for inner, inner_option in group._schema if group else [("", option)]:
            found[f"{name}.{inner}" if inner else name] = getattr(inner_option, "default", None)
    return found


def shown(default) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list):
        return "[" + ", ".join(default) + "]"
    return str(default)


def table_rows(text: str) -> dict[str, str]:
    """The first two cells of each options-table row: option -> default as written."""
    return {m[1]: m[2] for m in re.finditer(r"^\| `([\w.]+)` \| (.+?) \|", text, re.M)}


@pytest.mark.parametrize("name,default", sorted(options().items()))
def test_every_option_is_documented_with_its_default(name, default):
    expected = IN_WORDS.get(name, shown(default))
    for where, text in (("docs/plugin.md", DOC), ("README.md", README)):
        rows = table_rows(text)
        assert name in rows, f"{name} is missing from the options table of {where}"
        assert rows[name].strip("`") == expected, f"{where}: {name} documented as {rows[name]}, is {expected!r}"


def test_every_fence_option_is_documented():
    for option in OWN_OPTIONS:
        if option != "exec_location":  # the plugin's own tag on a fence, not written by a writer
            assert f'`{option}="' in DOC, option


def test_the_readme_links_to_the_page_and_the_page_has_every_section():
    assert "docs/plugin.md" in README
    headings = re.findall(r"^## (.+)$", DOC, re.M)
    assert headings == [
        "Installation", "Options", "Fence options", "Values in the text", "The sandbox", "Frozen outputs", "Checks",
        "Limits",
    ]  # fmt: skip
