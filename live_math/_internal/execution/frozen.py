"""Frozen outputs: what each page's snippets printed, kept in the repository beside the posts.

One file per page with executable fences, ``frozen/<page path>.json`` (``frozen/docs/blog/posts/x.md.json``),
holding the page's **key** and, per block in page order, where it is, what it printed (one JSON string per
line of output, so that a changed number is one changed line in a diff), whether it failed (never, in a
file a build or ``make refreeze`` wrote: a failed snippet stops both; a file saying so counts as stale) and
whether it is a measurement; and **provenance**: the day it was computed, the Python version and the versions of the
packages the page's code imports. JSON rather than YAML or TOML: the standard library reads and writes it,
any text (trailing spaces, tabs, control characters) survives the round trip exactly, and with one key per
line it diffs like prose.

The key is a hash of what the page's outputs depend on and that lives in the repository: its fences' options
and code, the helper modules they import (transitively, as the notebook download finds them), and the data
files the code or those helpers name. Not package versions: a dependency upgrade leaves every key alone, and
``make verify`` says which outputs it would change. A build takes a page's outputs from its frozen file when
the key matches and runs nothing for that page; otherwise it runs the page and writes the file again.
"""

from __future__ import annotations

import ast
import datetime
import functools
import hashlib
import json
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

from live_math._internal.caching import write_atomically

FOLDER = "frozen"
FORMAT = 1  # raise when what a key covers changes meaning: every frozen file then counts as stale


@dataclass
class FrozenBlock:
    location: str  # file:line; a local build rewrites it when prose moves the fence (CI only reads it)
    output: str
    failed: bool = False
    measured: bool = False


@dataclass
class Frozen:
    """One page's frozen outputs."""

    page: str  # the page's source, relative to the project
    key: str
    computed: dict = field(default_factory=dict)  # {"date": …, "python": …, "packages": {name: version}}
    blocks: list[FrozenBlock] = field(default_factory=list)


class FrozenFileError(ValueError):
    """A frozen file exists but cannot be read as one."""


@dataclass
class FrozenPage:
    """A page's frozen outputs as a build finds them: ``usable`` when they match the page's ``key``."""

    key: str
    fences: tuple  # fence_texts of the fences the key was made of
    stored: Frozen | None
    problem: str = ""  # why they cannot be used: missing, stale or unreadable, and the command that fixes it
    data: str = ""  # a hash of the files it reads outside the helper folders, which the cache's keys miss

    @property
    def usable(self) -> bool:
        return not self.problem


def frozen_state(root: Path, helpers: list[Path], page: str, fences) -> FrozenPage:
    """Read the frozen outputs of ``page`` and say whether they match its ``fences`` and what these read."""
    files = dependencies([fence.code for fence in fences], helpers, root, page)
    key = page_key(fences, helpers, root, page, files)
    texts = fence_texts(fences)
    outside = [path for path in files if not any(path.is_relative_to(folder.resolve()) for folder in helpers)]
    data = _digest(root, outside) if outside else ""
    where = frozen_path(root, page).relative_to(root).as_posix()
    refresh = f"run `{refresh_command(page)}`"
    try:
        stored = read_frozen(frozen_path(root, page))
    except FrozenFileError as error:
        return FrozenPage(key, texts, None, f"{error}; {refresh}", data)
    if stored is None:
        return FrozenPage(key, texts, None, f"no frozen outputs ({where} is missing); {refresh}", data)
    if stored.key != key or len(stored.blocks) != len(fences) or any(block.failed for block in stored.blocks):
        problem = f"its frozen outputs ({where}) are stale: a snippet, or a helper or data file it reads, changed"
        return FrozenPage(key, texts, stored, f"{problem}; {refresh}", data)
    return FrozenPage(key, texts, stored, data=data)


def fence_texts(fences) -> tuple:
    """What of the ``fences`` a page key covers directly: each one's options as written and its code."""
    return tuple((fence.info, fence.code) for fence in fences)


def frozen_path(root: Path, page: str) -> Path:
    """Where the frozen outputs of ``page`` (a path relative to ``root``) live."""
    return root / FOLDER / f"{page}.json"


def refresh_command(page: str) -> str:
    return f"make refreeze POST={page}"


def page_key(fences, helpers: list[Path], root: Path, page: str, files: list[Path] | None = None) -> str:
    """The hash of the ``fences``' options and code and of every file of ``root`` they depend on (``files``,
    if already found by :func:`dependencies`)."""
    if files is None:
        files = dependencies([fence.code for fence in fences], helpers, root, page)
    return hashlib.sha256(json.dumps([FORMAT, fence_texts(fences), _digest(root, files)]).encode()).hexdigest()


def _digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root.resolve()).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dependencies(codes: list[str], helpers: list[Path], root: Path, page: str) -> list[Path]:
    """The files under ``root`` that ``codes`` depend on: the helper modules they import, transitively, the
    data files of the helper folders those name, and any file under ``root`` that the code or those modules
    name as a string (a path relative to the project or to the page's folder)."""
    # Imported here: the notebook module reads package metadata, which a site without snippets never needs.
    from live_math._internal.notebook.bundle import helper_files

    parsed = [code for code in codes if _parses(code)]  # a syntax error fails the run; it keys by its text
    files = set(helper_files(parsed, helpers))
    sources = parsed + [path.read_text(encoding="utf-8") for path in files if path.suffix == ".py"]
    folders = [root, (root / page).parent]
    resolved_root = root.resolve()
    for text in sources:
        for name in _string_constants(text):
            if not name or len(name) > 255 or "\0" in name:
                continue
            for folder in folders:
                candidate = folder / name
                try:
                    inside = candidate.is_file() and candidate.resolve().is_relative_to(resolved_root)
                except OSError:
                    inside = False
                if inside:
                    files.add(candidate)
    return sorted({path.resolve() for path in files if path.resolve().is_relative_to(resolved_root)})


def provenance(codes: list[str], helpers: list[Path], root: Path, page: str) -> dict:
    """Today's date, this Python's version and the versions of the distributions the code imports (directly or
    through its helper modules), for the line a reader sees under the post."""
    from live_math._internal.notebook.bundle import _distributions_providing, imported_modules

    parsed = [code for code in codes if _parses(code)]
    helper_names = {folder.name for folder in helpers}
    modules = [path for path in dependencies(parsed, helpers, root, page) if path.suffix == ".py"]
    texts = parsed + [path.read_text(encoding="utf-8") for path in modules]
    top = {name.split(".")[0] for text in texts if _parses(text) for name in imported_modules(text)}
    top -= helper_names | set(sys.stdlib_module_names)
    packages = {}
    for module in sorted(top):
        for distribution in _distributions_providing(module):
            version = _version(distribution)
            if version:
                packages[distribution] = version
    return {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "python": platform.python_version(),
        "packages": dict(sorted(packages.items(), key=lambda item: item[0].lower())),
    }


def provenance_line(computed: dict) -> str:
    """``Outputs computed on 2026-12-07 with Python 3.11.2, numpy 2.4.6 and matplotlib 3.10.8.``"""
    tools = [f"Python {computed.get('python', '?')}"]
    tools += [f"{name} {version}" for name, version in computed.get("packages", {}).items()]
    listed = tools[0] if len(tools) == 1 else ", ".join(tools[:-1]) + " and " + tools[-1]
    return f"Outputs computed on {computed.get('date', '?')} with {listed}."


def read_frozen(path: Path) -> Frozen | None:
    """The frozen outputs stored at ``path``; None if there is no such file; FrozenFileError if it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise FrozenFileError(f"{path}: cannot be read ({error})") from error
    try:
        data = json.loads(text)
        blocks = [
            FrozenBlock(
                block["at"], "\n".join(_strings(block["output"])), _flag(block["failed"]), _flag(block["measured"])
            )
            for block in data["blocks"]
        ]
        frozen = Frozen(str(data["page"]), str(data["key"]), dict(data["computed"]), blocks)
    except (ValueError, KeyError, TypeError) as error:
        raise FrozenFileError(f"{path}: not a frozen-outputs file ({type(error).__name__}: {error})") from error
    return frozen


def write_frozen(path: Path, frozen: Frozen) -> None:
    """Write ``frozen`` at ``path``: one key per line, each output as its list of lines."""
    data = {
        "page": frozen.page,
        "key": frozen.key,
        "refresh": refresh_command(frozen.page),
        "computed": frozen.computed,
        "blocks": [
            {
                "at": block.location,
                "failed": block.failed,
                "measured": block.measured,
                "output": block.output.split("\n"),
            }
            for block in frozen.blocks
        ],
    }
    write_atomically(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _strings(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        raise TypeError("an output must be a list of lines")
    return value


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


@functools.lru_cache(maxsize=1024)  # every page importing a helper module reads it: parse it once
def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _string_constants(code: str) -> frozenset[str]:
    nodes = ast.walk(ast.parse(code))
    return frozenset(node.value for node in nodes if isinstance(node, ast.Constant) and isinstance(node.value, str))


def _version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
