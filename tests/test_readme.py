"""README.md as a newcomer reads it: what the project is in one sentence, then the two commands."""

from __future__ import annotations

import re

from scripts.project_copy import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = """\
    make serve     # sets everything up, then serves the blog at http://127.0.0.1:8000
    make test      # sets everything up, then runs every test
"""


def test_one_sentence_on_what_it_is_then_the_two_commands():
    title, sentence, commands, *_ = README.split("\n\n")
    assert title.startswith("# ")
    assert not sentence.startswith(("#", "    ", "|", "-"))
    assert re.fullmatch(r"[A-Z][^.]*\.", sentence.replace("\n", " ")), f"not one sentence: {sentence!r}"
    assert commands + "\n" == COMMANDS


def test_every_make_target_a_user_runs_is_in_the_readme():
    (phony,) = re.findall(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M)
    internal = {"help", "check-tools", "setup"}
    for target in set(phony.split()) - internal:
        assert f"make {target}" in README, target
