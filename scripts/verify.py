#!/usr/bin/env python3
"""Check the frozen outputs against the code, or compute them again.

    scripts/verify.py [--base REF] [PAGE ...]      make verify [BASE=REF]
    scripts/verify.py --refreeze [PAGE ...]        make refreeze [POST=docs/blog/posts/x.md]

Verify runs every snippet of the chosen pages afresh, in a new empty cache, and compares each block's output
with the one frozen in ``frozen/<page>.json`` (a block marked ``measured="true"`` or a value written
``{py measured}``, whose numbers no two runs repeat, only has to print something). It prints one line per
page, ``unchanged``, ``changed`` (the first differing block as ``post.md:LINE`` with the frozen and the fresh
output, shortened), ``failed`` (the error), ``missing`` or ``stale`` (the frozen file does not match the
page's snippets: refreeze it), and exits with
status 1 unless every page is unchanged. Verify never writes a frozen file.

Pages: those named, else every page with executable fences (and then a frozen file left without its page
is reported too). ``--base REF`` keeps those whose source, frozen
file, or a helper module or data file they read changed since the git ``REF`` (uncommitted changes count).

Refreeze runs the chosen pages afresh and writes their frozen files; a page whose snippet fails keeps its
old file, and the error is printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.config import load_config

from live_math._internal.execution.executor import Executor
from live_math._internal.execution.fences import find_fences
from live_math._internal.execution.frozen import (
    FOLDER,
    Frozen,
    FrozenBlock,
    FrozenFileError,
    dependencies,
    frozen_path,
    page_key,
    provenance,
    read_frozen,
    refresh_command,
    write_frozen,
)
from live_math._internal.execution.sessions import OWN_OPTIONS, Failure, is_measurement
from live_math._internal.execution.workers import Zygotes

ROOT = Path(__file__).resolve().parent.parent
SHOWN = 100  # characters of an output line shown when two outputs differ


def executor_of(config_file: Path) -> tuple[Executor, Path, Zygotes]:
    """The executor a build of ``config_file`` would use (same limits, helpers, preload and workers), and the
    docs folder. Only the live-math plugin's execution is set up: nothing is typeset, checked or cached."""
    config = load_config(str(config_file))
    plugin = config.plugins["live-math"]
    for part in ("math", "checks", "notebook", "speed", "writing"):
        plugin.config[part]["enabled"] = False
    plugin.config["reproducible"] = False
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    if plugin.executor is None:
        raise SystemExit(f"{config_file}: execution is turned off (execution.enabled): there is nothing to verify")
    return plugin.executor, Path(config.docs_dir), plugin.zygotes


def pages_with_snippets(root: Path, docs: Path) -> dict[str, str]:
    """Every Markdown page under ``docs`` with an executable fence: its path from ``root`` -> its source."""
    pages = {}
    for file in sorted(docs.rglob("*.md")):
        source = file.read_text(encoding="utf-8")
        if find_fences(source, source, OWN_OPTIONS):
            pages[file.relative_to(root).as_posix()] = source
    return pages


def changed_since(root: Path, base: str) -> set[str]:
    """Paths (from ``root``) that differ from the git ``base``: committed, staged, unstaged or untracked."""
    try:
        tracked = _git(root, "diff", "--name-only", "--no-renames", base, "--")
        untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"--base {base}: git could not compare with it:\n{error.stderr.strip()}") from error
    return set(tracked.splitlines()) | set(untracked.splitlines())


def affected(pages: dict[str, str], changed: set[str], root: Path, helpers: list[Path]) -> dict[str, str]:
    """The ``pages`` whose source, frozen file, or a file their snippets read is among ``changed``."""
    chosen = {}
    for path, source in pages.items():
        codes = [fence.code for fence in find_fences(source, source, OWN_OPTIONS)]
        needs = {file.relative_to(root.resolve()).as_posix() for file in dependencies(codes, helpers, root, path)}
        if ({path, frozen_path(root, path).relative_to(root).as_posix()} | needs) & changed:
            chosen[path] = source
    return chosen


def compare(path: str, frozen: Frozen | None, fresh: list[tuple], key: str, executor: Executor) -> tuple[str, str]:
    """``(status, details)`` of one page: its fresh outcomes against its frozen outputs."""
    for _fence, location, outcome in fresh:
        if isinstance(outcome, Failure):
            return "failed", executor.failure_message(location, outcome)
    if frozen is None:
        return "missing", f"no frozen outputs ({frozen_path(Path('.'), path)}); run `{refresh_command(path)}`"
    if len(frozen.blocks) != len(fresh):
        return "changed", f"{len(frozen.blocks)} blocks frozen, {len(fresh)} in the page now"
    for (fence, location, output), stored in zip(fresh, frozen.blocks, strict=True):
        if stored.failed:
            return "changed", f"{location}: frozen as failed, runs now"
        if stored.measured or is_measurement(fence):
            if not output.strip() and stored.output.strip():
                return "changed", f"{location}: a measurement was frozen, nothing is printed now"
            continue
        if output != stored.output:
            return "changed", f"{location}:\n{_first_difference(stored.output, output)}"
    if frozen.key != key:
        return "stale", f"the outputs match, but the key does not; run `{refresh_command(path)}`"
    return "unchanged", ""


def verify(executor: Executor, root: Path, pages: dict[str, str]) -> int:
    """Run ``pages`` afresh and print how each compares with its frozen outputs; 0 if all are unchanged."""
    with tempfile.TemporaryDirectory(prefix="live-math-verify-") as cache:
        results = executor.execute_pages(root, pages, Path(cache))
    worst = 0
    for path, fresh in results.items():
        try:
            frozen = read_frozen(frozen_path(root, path))
        except FrozenFileError as error:
            print(f"{path}: unreadable\n  {error}")
            worst = 1
            continue
        key = page_key([fence for fence, _, _ in fresh], executor.helpers, root, path)
        status, details = compare(path, frozen, fresh, key, executor)
        print(f"{path}: {status}")
        if details:
            print("  " + details.replace("\n", "\n  "))
        worst = max(worst, int(status != "unchanged"))
    return worst


def report_orphans(root: Path, pages: dict[str, str]) -> int:
    """Name the frozen files whose page is gone or has no snippet left; 1 if there is one."""
    folder = root / FOLDER
    orphans = [
        path
        for path in sorted(folder.rglob("*.json"))
        if path.relative_to(folder).as_posix().removesuffix(".json") not in pages
    ]
    for path in orphans:
        page = path.relative_to(folder).as_posix().removesuffix(".json")
        print(f"{path.relative_to(root)}: orphaned, {page} has no executable snippet (any more); delete the file")
    return 1 if orphans else 0


def refreeze(executor: Executor, root: Path, pages: dict[str, str]) -> int:
    """Run ``pages`` afresh and write their frozen files; 1 if one failed (its old file is kept)."""
    with tempfile.TemporaryDirectory(prefix="live-math-refreeze-") as cache:
        results = executor.execute_pages(root, pages, Path(cache))
    worst = 0
    for path, fresh in results.items():
        failures = [(location, outcome) for _, location, outcome in fresh if isinstance(outcome, Failure)]
        if failures:
            print(f"{path}: failed, frozen outputs left as they were\n  " + executor.failure_message(*failures[0]))
            worst = 1
            continue
        fences = [fence for fence, _, _ in fresh]
        blocks = [FrozenBlock(location, output, measured=is_measurement(fence)) for fence, location, output in fresh]
        codes = [fence.code for fence in fences]
        key = page_key(fences, executor.helpers, root, path)
        write_frozen(
            frozen_path(root, path), Frozen(path, key, provenance(codes, executor.helpers, root, path), blocks)
        )
        print(f"{path}: frozen in {frozen_path(root, path).relative_to(root)}")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages (paths from the project, e.g. docs/blog/posts/x.md)")
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml", help="default: mkdocs.yml")
    parser.add_argument("--base", help="only pages whose source, frozen file, helpers or data changed since this ref")
    parser.add_argument("--refreeze", action="store_true", help="run the pages and write their frozen files")
    args = parser.parse_args(argv)
    config_file = args.config_file.resolve()
    root = config_file.parent
    os.chdir(root)
    executor, docs, zygotes = executor_of(config_file)
    try:
        pages = pages_with_snippets(root, docs)
        if args.pages:
            unknown = [page for page in args.pages if Path(page).as_posix() not in pages]
            if unknown:
                example = next(iter(pages), "docs/blog/posts/x.md")
                print(f"no page with executable snippets at {', '.join(unknown)} (give paths such as {example})")
                return 2
            pages = {Path(page).as_posix(): pages[Path(page).as_posix()] for page in args.pages}
        if args.base:
            pages = affected(pages, changed_since(root, args.base), root, executor.helpers)
            print(f"{len(pages)} page(s) changed since {args.base}" + (": " + ", ".join(pages) if pages else ""))
        if args.refreeze:
            return refreeze(executor, root, pages) if pages else 0
        orphans = 0 if args.pages or args.base else report_orphans(root, pages)
        return max(verify(executor, root, pages) if pages else 0, orphans)
    finally:
        zygotes.close()


def _first_difference(frozen: str, fresh: str) -> str:
    """The first line where two outputs differ, each shortened, as ``frozen: …`` and ``fresh: …``."""
    old, new = frozen.split("\n"), fresh.split("\n")
    for number in range(max(len(old), len(new))):
        a = old[number] if number < len(old) else "(no line)"
        b = new[number] if number < len(new) else "(no line)"
        if a != b:
            return f"output line {number + 1}\n  frozen: {_shorten(a)}\n  fresh:  {_shorten(b)}"
    return "the outputs differ"


def _shorten(line: str) -> str:
    return line if len(line) <= SHOWN else line[: SHOWN - 1] + "…"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    sys.exit(main())
