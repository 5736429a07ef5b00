"""Run one snippet's code: capture what it prints, stop it at a time limit, and explain a failure briefly.

The code is compiled under the post's own path, shifted so that its line numbers are the post's line
numbers: a traceback then reads ``File "docs/blog/posts/x.md", line 14`` and shows that line of the post.
Frames from the standard library, installed packages and this plugin are left out; frames in the
project's own helper modules are kept, with paths relative to the project.
"""

from __future__ import annotations

import ctypes
import io
import linecache
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # live_math/, wherever it is installed


class SnippetTimeout(BaseException):
    """Raised inside a snippet whose time is up.

    A BaseException, like KeyboardInterrupt, so that a snippet's own ``except Exception`` cannot swallow it.
    """


class SnippetFailure(Exception):
    """A snippet raised or ran too long: ``headline`` says what happened, ``details`` are its traceback lines.

    ``error`` is the exception the snippet raised (SnippetTimeout if it ran too long).
    """

    def __init__(self, headline: str, details: list[str], error: BaseException):
        super().__init__(headline)
        self.headline = headline
        self.details = details
        self.error = error


def show_source(filename: str, text: str) -> None:
    """Let tracebacks quote lines of ``text`` for code compiled under ``filename`` (a path that need not exist)."""
    # An entry without a modification time is never checked against the disk, so it stays put.
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)


def run_snippet(code: str, *, filename: str, first_line: int, namespace: dict, timeout: float, root: Path) -> str:
    """Execute ``code`` in ``namespace`` and return what it printed.

    ``first_line`` is the line of the post where the code starts. Raises SnippetFailure if the code
    raises, exits, or runs longer than ``timeout`` seconds.
    """
    printed = io.StringIO()
    namespace["print"] = _printer(printed)
    try:
        compiled = compile("\n" * (first_line - 1) + code, filename, "exec")
        with time_limit(timeout):
            exec(compiled, namespace)  # noqa: S102 - running the post's code is the point
    except SnippetTimeout as error:
        raise SnippetFailure(f"snippet timed out after {timeout:g} s", _frames(error, root), error) from None
    except SyntaxError as error:
        # The code never ran; Python's own report (file, line, caret) is the useful part.
        details = traceback.format_exception_only(type(error), error)[:-1]
        raise SnippetFailure(f"snippet raised {_describe(error)}", _lines(details), error) from None
    except (Exception, SystemExit) as error:
        raise SnippetFailure(f"snippet raised {_describe(error)}", _frames(error, root), error) from None
    return printed.getvalue()


@contextmanager
def import_path(folders: list[str]):
    """Let the snippets run in the body import modules from ``folders`` (put first on ``sys.path``)."""
    added = [folder for folder in folders if folder not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for folder in added:
            if folder in sys.path:
                sys.path.remove(folder)


@contextmanager
def time_limit(seconds: float):
    """Raise SnippetTimeout in the current thread if the body runs longer than ``seconds``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        # MkDocs builds in the main thread, `mkdocs serve` rebuilds included, so this is the usual path.
        def interrupt(signum, frame):
            raise SnippetTimeout

        previous = signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    else:
        # Signals reach only the main thread (and Windows has no SIGALRM): ask the interpreter to raise
        # the exception in this thread instead. It lands between bytecodes, like a signal handler's would.
        thread_id = threading.get_ident()

        def interrupt():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(SnippetTimeout))

        timer = threading.Timer(seconds, interrupt)
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def _printer(printed: io.StringIO):
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
