"""Turn an exception the sandbox caused into one line saying what snippets may do instead.

Runs in the worker, on the exception a snippet raised. The kernel's refusals arrive as ordinary Python
errors (``PermissionError: [Errno 13] Permission denied: 'docs/index.md'``), which do not say that the
sandbox refused, nor what is allowed.
"""

from __future__ import annotations

import errno
import os
import socket
import traceback
import urllib.error
from pathlib import Path

WRITE_HINT = (
    "snippets may write only to their scratch folder, removed when the session ends: use tempfile (or the"
    " TMPDIR and HOME folders), never the project's files"
)
READ_HINT = (
    "snippets may read only the Python installation, system libraries, docs/, the helper folders and the folders"
    " listed in execution.read of the live-math plugin in mkdocs.yml (keep a data file there, or list its"
    f" folder), and {WRITE_HINT.removeprefix('snippets ')}"
)
NETWORK_HINT = (
    "snippets have no network: put the data in the repository and list its folder in execution.read of the"
    " live-math plugin in mkdocs.yml"
)
MODE_HINT = "snippets may not change a file's permissions or owner (shutil.copyfile copies without them)"
SIGNAL_HINT = "snippets may signal only the processes they started themselves"
ENVIRONMENT_HINT = (
    "snippets see only a few environment variables (PATH, the locale, TZ, HOME and TMPDIR, …): list any other"
    " they need under execution.environment of the live-math plugin in mkdocs.yml"
)


def explain(error: BaseException, readable: list[str]) -> str | None:
    """What the sandbox allows, if ``error`` looks like one of its refusals; ``readable`` are the folders
    snippets may read."""
    for cause in _chain(error):
        if isinstance(cause, socket.gaierror | urllib.error.URLError | ConnectionError):
            return NETWORK_HINT
        if isinstance(cause, KeyError) and _raised_by_environ(cause):
            return ENVIRONMENT_HINT
        if not isinstance(cause, OSError) or cause.errno not in (errno.EACCES, errno.EPERM, errno.EXDEV):
            continue
        if cause.filename is not None:
            if cause.errno == errno.EPERM:
                return MODE_HINT
            return WRITE_HINT if _inside(cause.filename, readable) else READ_HINT
        if _raised_in(cause, "socket.py") or cause.errno == errno.EACCES:
            return NETWORK_HINT
        return SIGNAL_HINT
    return None


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _inside(filename, folders: list[str]) -> bool:
    path = Path(os.path.abspath(os.fsdecode(filename)))
    return any(path.is_relative_to(folder) for folder in folders)


def _raised_in(error: BaseException, file_name: str) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and Path(frames[-1].filename).name == file_name


def _raised_by_environ(error: KeyError) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename in (os.__file__, "<frozen os>") and frames[-1].name == "__getitem__"
