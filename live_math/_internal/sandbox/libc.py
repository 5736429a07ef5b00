"""The C library, loaded once by the workers' parent (which imports the sandbox), so that confining a worker
does not look it up again: ``prctl`` and ``capset`` are all the sandbox calls through it."""

from __future__ import annotations

import ctypes
import errno

C = ctypes.CDLL(None, use_errno=True)
if hasattr(C, "prctl"):  # Linux
    C.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]


def failure(call: str) -> OSError:
    """The error of the C call ``call`` that just failed, from ``errno``."""
    number = ctypes.get_errno()
    return OSError(number, f"{call}: {errno.errorcode.get(number, number)}")
