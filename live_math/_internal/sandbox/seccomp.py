"""A seccomp filter for what Landlock does not cover: sockets of any family, io_uring, and changing a file's
permissions or owner.

Landlock (ABI 4 to 7) governs TCP ``bind``/``connect`` but not UDP, raw or netlink sockets, and it does not
govern ``chmod``/``chown`` at all: a snippet could still send a UDP packet, or ``chmod 000`` a post of the
project. The filter refuses, for the calling process and every process it starts:

- ``socket()`` of every family, with EACCES. ``socketpair()`` stays allowed: it connects only two ends the
  snippet holds, which is what ``multiprocessing.Pipe`` uses;
- ``io_uring_setup()``, with ENOSYS, since io_uring can open sockets without the ``socket()`` system call;
- the ``chmod`` and ``chown`` families, with EPERM (``shutil.copyfile`` works; ``shutil.copy`` copies the
  mode too, and fails);
- on x86_64, any x32 system call and any 32-bit (``int 0x80``) one, whose numbers differ.

The filter is a classic BPF program, a few instructions built here; libseccomp would only assemble the same.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

from live_math._internal.sandbox.libc import C, failure

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000

LOAD_WORD, JUMP_IF_EQUAL, JUMP_IF_AT_LEAST, RETURN = 0x20, 0x15, 0x35, 0x06
NUMBER, ARCH = 0, 4  # offsets in struct seccomp_data
X32_BIT = 0x40000000

# Per machine: the audit architecture and the numbers of the system calls refused, with their errno.
DENIED_NAMES = {
    "socket": errno.EACCES,
    "io_uring_setup": errno.ENOSYS,
    "chmod": errno.EPERM,
    "fchmod": errno.EPERM,
    "fchmodat": errno.EPERM,
    "fchmodat2": errno.EPERM,
    "chown": errno.EPERM,
    "fchown": errno.EPERM,
    "lchown": errno.EPERM,
    "fchownat": errno.EPERM,
}
MACHINES = {
    "x86_64": (
        0xC000003E,
        {"socket": 41, "chmod": 90, "fchmod": 91, "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260}
        | {"fchmodat": 268, "io_uring_setup": 425, "fchmodat2": 452},
    ),
    "aarch64": (
        0xC00000B7,
        {"socket": 198, "fchmod": 52, "fchmodat": 53, "fchownat": 54, "fchown": 55, "io_uring_setup": 425}
        | {"fchmodat2": 452},
    ),
}


def supported() -> bool:
    """Whether this machine's architecture has a filter here (the kernel's support shows when it is applied)."""
    return platform.machine() in MACHINES


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as BPF instructions ``(code, jump if true, jump if false, constant)``."""
    arch, numbers = MACHINES[machine]
    refuse_all = (RETURN, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS)
    instructions = [(LOAD_WORD, 0, 0, ARCH), (JUMP_IF_EQUAL, 1, 0, arch), refuse_all, (LOAD_WORD, 0, 0, NUMBER)]
    if machine == "x86_64":
        instructions += [(JUMP_IF_AT_LEAST, 0, 1, X32_BIT), refuse_all]
    for name, number in numbers.items():
        refusal = (RETURN, 0, 0, SECCOMP_RET_ERRNO | DENIED_NAMES[name])
        instructions += [(JUMP_IF_EQUAL, 0, 1, number), refusal]
    return [*instructions, (RETURN, 0, 0, SECCOMP_RET_ALLOW)]


def _compiled(machine: str) -> bytes:
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program(machine))


# Built once, by the workers' parent: each worker only hands it to the kernel.
FILTER = _compiled(platform.machine()) if supported() else b""


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    """Apply the filter to the calling process (and, by inheritance, everything it starts). Sets no_new_privs,
    which an unprivileged filter needs. Raises OSError if the kernel refuses it."""
    if not FILTER:
        raise OSError(errno.ENOSYS, f"seccomp: no filter for {platform.machine()}")
    filters = ctypes.create_string_buffer(FILTER, len(FILTER))
    fprog = _Program(len(FILTER) // 8, ctypes.addressof(filters))
    if C.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        raise failure("prctl(PR_SET_NO_NEW_PRIVS)")
    if C.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        raise failure("seccomp")
