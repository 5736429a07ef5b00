"""Confine the calling worker process: run inside it, before any of a post's code, by ``execution/zygote.py``.

``confine(policy)`` applies, in this order (each is inherited by every process the worker starts, and none
can be undone):

1. child subreaper: what a snippet starts and orphans stays below the worker (``processes.py``);
2. Landlock (through the ``landlockpy`` binding): the folders of ``policy["read"]`` may be read, the scratch
   folder written, a few devices used; every other file access, every TCP bind and connect, every signal to
   a process outside the worker's own domain and every abstract Unix socket outside it are refused;
3. the seccomp filter (``seccomp.py``): no socket of any family, no io_uring, no chmod or chown;
4. no capabilities: a build run as root gives its snippets no root powers (raw sockets, mounts, ptrace).

``policy["mode"]`` is ``required`` (any part that fails raises :class:`SandboxError`) or ``available``
(each part the kernel offers is applied; the MkDocs process has already said what is not).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from live_math._internal.sandbox import processes, seccomp
from live_math._internal.sandbox.libc import C, failure

try:  # imported here, by the workers' parent, so that no worker pays for it
    import landlockpy
except ImportError:  # not Linux: there is no Landlock to apply
    landlockpy = None

PR_CAPBSET_DROP = 24
CAPABILITY_VERSION_3 = 0x20080522
# Devices a snippet may use; /dev/null also takes writes (subprocess.DEVNULL).
DEVICES = {"/dev/null": "rw", "/dev/zero": "r", "/dev/full": "rw", "/dev/random": "r", "/dev/urandom": "r"}


class SandboxError(Exception):
    """The worker could not be confined as the policy requires."""


def confine(policy: dict) -> list[str]:
    """Confine this process as ``policy`` says (``mode``, ``read``: folders, ``write``: the scratch folder,
    ``landlock_abi``: the ABI the MkDocs process found). Returns the parts that could not be applied."""
    required = policy["mode"] == "required"
    skipped = []
    last_capability = _last_capability()  # from /proc, before Landlock closes it
    steps = (
        ("processes", processes.become_subreaper),
        ("files, TCP and signals", lambda: _landlock(policy)),
        ("sockets and file modes", seccomp.install),
        ("capabilities", lambda: _drop_capabilities(last_capability)),
    )
    for name, step in steps:
        try:
            step()
        except (OSError, ImportError, AttributeError, ValueError) as error:
            if required:
                raise SandboxError(f"could not confine the snippet's process ({name}): {error}") from None
            skipped.append(name)
    return skipped


def _landlock(policy: dict) -> None:
    if landlockpy is None or policy["landlock_abi"] < 1:
        raise OSError("Landlock is not available")
    AccessFS, Ruleset, Scope = landlockpy.AccessFS, landlockpy.Ruleset, landlockpy.Scope  # noqa: N806 - their names
    read = AccessFS.READ_FILE | AccessFS.READ_DIR | AccessFS.EXECUTE
    file_rights = AccessFS.EXECUTE | AccessFS.READ_FILE | AccessFS.WRITE_FILE | AccessFS.TRUNCATE | AccessFS.IOCTL_DEV
    with Ruleset(scoped=Scope.ABSTRACT_UNIX_SOCKET | Scope.SIGNAL) as rules:
        grants = [(path, read) for path in policy["read"]]
        grants += [(path, ~AccessFS.NONE) for path in policy["write"]]
        for device, modes in DEVICES.items():
            rights = AccessFS.READ_FILE | AccessFS.IOCTL_DEV | (AccessFS.WRITE_FILE if "w" in modes else 0)
            grants.append((device, rights))
        for path, rights in grants:
            if not os.path.exists(path):
                continue
            if not os.path.isdir(path):
                rights &= file_rights  # the kernel refuses directory rights on a file
            rules.allow_path(path, rights)  # masked to what this kernel handles
        rules.restrict()


def _last_capability() -> int:
    try:
        return int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        return 63


def _drop_capabilities(last: int) -> None:
    """Give up every capability, from the bounding set too, so that running a program cannot regain them."""
    for capability in range(last + 1):
        C.prctl(PR_CAPBSET_DROP, capability, None, 0, 0)  # refused without CAP_SETPCAP: nothing to drop then
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    nothing = (ctypes.c_uint32 * 6)()
    if C.capset(header, nothing) != 0:
        raise failure("capset")
