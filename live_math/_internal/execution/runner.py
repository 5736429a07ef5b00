"""Run one snippet's code inside a worker process: capture what it prints, and explain a failure briefly.

The code is compiled under the post's own path, shifted so that its line numbers are the post's line
numbers: a traceback then reads ``File "docs/blog/posts/x.md", line 14`` and shows that line of the post.
Frames from the standard library, installed packages and this plugin are left out; frames in the
project's own helper modules are kept, with paths relative to the project.

There is no time limit here: the process running the snippet is killed from outside (``workers.py``), which
nothing the snippet does can delay. :func:`timeout_frames` turns what ``faulthandler`` wrote at the limit
into the same traceback lines.
"""

from __future__ import annotations

import io
import linecache
import re
import sys
import traceback
from pathlib import Path

from live_math._internal.execution.limits import format_size

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # live_math/, wherever it is installed


class OutputLimit(BaseException):
    """Raised by a snippet's ``print`` once it has printed more than its limit.

    A BaseException, so that a snippet's ``except Exception`` does not swallow it (a bare ``except`` may:
    the limit is checked again when the snippet ends).
    """


class SnippetFailure(Exception):
    """A snippet raised, exited or printed too much: ``headline`` says what happened, ``details`` are its
    traceback lines, ``error`` the exception's class name, ``module`` the missing module's name, if any, and
    ``hint`` what the sandbox allows, if it refused what the snippet did."""

    def __init__(
        self, headline: str, details: list[str], error: str = "", module: str | None = None, hint: str | None = None
    ):
        super().__init__(headline)
        self.headline = headline
        self.details = details
        self.error = error
        self.module = module
        self.hint = hint


def show_source(filename: str, text: str) -> None:
    """Let tracebacks quote lines of ``text`` for code compiled under ``filename`` (a path that need not exist)."""
    # An entry without a modification time is never checked against the disk, so it stays put.
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)


def run_snippet(
    code: str,
    *,
    filename: str,
    first_line: int,
    namespace: dict,
    root: Path,
    max_output: int | None = None,
    explain=None,
) -> str:
    """Execute ``code`` in ``namespace`` and return what it printed.

    ``first_line`` is the line of the post where the code starts. Raises SnippetFailure if the code raises
    anything (``SystemExit`` and ``KeyboardInterrupt`` included) or prints more than ``max_output`` bytes;
    ``explain``, given the exception, may say what the sandbox allows instead.
    """
    printed = _Printed(max_output)
    namespace["print"] = _printer(printed)
    try:
        compiled = compile("\n" * (first_line - 1) + code, filename, "exec")
        exec(compiled, namespace)  # noqa: S102 - running the post's code is the point
    except OutputLimit:
        pass  # reported below, like a limit the snippet's own bare `except` swallowed
    except SyntaxError as error:
        # The code never ran; Python's own report (file, line, caret) is the useful part.
        details = traceback.format_exception_only(type(error), error)[:-1]
        raise SnippetFailure(f"snippet raised {_describe(error)}", _lines(details), "SyntaxError") from None
    except BaseException as error:  # noqa: BLE001 - whatever the snippet raised is the snippet's failure
        module = error.name if isinstance(error, ModuleNotFoundError) else None
        headline = f"snippet raised {_describe(error)}"
        hint = explain(error) if explain is not None else None
        raise SnippetFailure(headline, _frames(error, root), type(error).__name__, module, hint) from None
    if printed.overflowed:
        raise SnippetFailure(f"snippet printed more than {_size(max_output)}", [], "OutputLimit")
    return printed.text.getvalue()


def timeout_frames(dump: str, root: Path) -> list[str]:
    """Traceback lines of the snippet's own frames from ``faulthandler``'s dump at the time limit.

    faulthandler writes every thread's stack, innermost frame first, as ``File "path", line N in name``;
    the snippet's thread is the one inside :func:`run_snippet`.
    """
    for thread in re.split(r"^(?:Current thread|Thread) 0x[0-9a-f]+ .*$", dump, flags=re.M)[1:]:
        frames = re.findall(r'^\s+File "(.*)", line (\d+) in (.*)$', thread, flags=re.M)
        if not any(name == "run_snippet" and Path(file).name == "runner.py" for file, _, name in frames):
            continue
        kept = []
        for file, line, name in reversed(frames):
            shown = _project_path(file, root)
            if shown is not None:
                source = linecache.getline(file, int(line))  # the post's lines come from show_source()
                kept.append(traceback.FrameSummary(shown, int(line), name, line=source.strip() or None))
        return _lines(traceback.StackSummary.from_list(kept).format())
    return []


class _Printed:
    """What a snippet printed, up to ``limit`` bytes (UTF-8)."""

    def __init__(self, limit: int | None):
        self.text = io.StringIO()
        self.limit = limit
        self.size = 0
        self.overflowed = False

    def write(self, text: str) -> None:
        self.size += len(text.encode("utf-8", "surrogatepass"))
        if self.limit is not None and self.size > self.limit:
            self.overflowed = True
            raise OutputLimit
        self.text.write(text)


def _printer(printed: _Printed):
    """A ``print`` that writes to ``printed`` unless a file is given, as markdown-exec's does."""

    def snippet_print(*values, sep=" ", end="\n", file=None, flush=False):
        if file is None or file is sys.stdout:
            printed.write((" " if sep is None else sep).join(map(str, values)) + ("\n" if end is None else end))
        else:
            print(*values, sep=sep, end=end, file=file, flush=flush)

    return snippet_print


def _describe(error: BaseException) -> str:
    # A SyntaxError's str() appends "(file, line)", which the lines after the headline already give.
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _frames(error: BaseException, root: Path) -> list[str]:
    """The traceback lines of frames in the post or the project's own modules, paths relative to ``root``."""
    kept = []
    for frame in traceback.extract_tb(error.__traceback__):
        shown = _project_path(frame.filename, root)
        if shown is not None:
            kept.append(traceback.FrameSummary(shown, frame.lineno, frame.name, line=frame.line))
    return _lines(traceback.StackSummary.from_list(kept).format())


def _project_path(filename: str, root: Path) -> str | None:
    """How to show ``filename`` in a traceback, or None to leave the frame out."""
    if filename.startswith("<"):  # <frozen importlib._bootstrap> and the like
        return None
    path = Path(filename)
    if not path.is_absolute():  # the post itself: snippets are compiled under its relative path
        return filename
    if path.resolve().is_relative_to(PACKAGE_DIR):
        return None
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:  # the standard library or a package installed elsewhere
        return None
    if relative.parts[0] in {".venv", "node_modules"} or "site-packages" in relative.parts:
        return None
    return relative.as_posix()


def _lines(chunks: list[str]) -> list[str]:
    return [line for chunk in chunks for line in chunk.rstrip("\n").split("\n")]


def _size(limit: int | None) -> str:
    return format_size(limit) if limit is not None else "its limit"
