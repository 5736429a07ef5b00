"""What a post's snippets may do, decided in the MkDocs process from the plugin's options and this machine.

:class:`Sandbox` holds the site's choice (``execution.sandbox``: ``required``, ``available`` or ``off``; the
environment variable ``LIVE_MATH_SANDBOX`` overrides it, so that a pull request editing ``mkdocs.yml`` cannot
switch off the sandbox of a check that sets the variable), the folders snippets may read, and the names of
the environment variables they see. Each session gets a policy from it (``session``), which its worker
applies before running any code of the post (``confine.py``).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from live_math._internal.sandbox import seccomp

log = logging.getLogger("mkdocs.plugins.live_math.sandbox")

MODES = ("required", "available", "off")
VARIABLE = "LIVE_MATH_SANDBOX"

# What every worker's environment is made of, besides the names a site lists in execution.environment: the
# program search path, the locale and time zone, reproducibility settings, and settings Python and OpenBLAS
# read at start-up (OPENBLAS_CORETYPE keeps some machines' older OpenBLAS from computing wrong results).
ALLOWED_VARIABLES = {"PATH", "LANG", "LANGUAGE", "TZ", "COLUMNS", "LINES", "SOURCE_DATE_EPOCH", "HOME"}
ALLOWED_VARIABLES |= {"PYTHONPATH", "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONWARNINGS"}
ALLOWED_VARIABLES |= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
ALLOWED_PREFIXES = ("LC_",)
# Pointed at the session's scratch folder, so that whatever a library caches or writes lands there.
SCRATCH_VARIABLES = ("HOME", "TMPDIR", "TMP", "TEMP", "MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")

SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/sys/devices/system/cpu")
# Only these of /etc and /proc: /etc/shadow and other processes' /proc entries (their environments) are
# readable by root, and builds often run as root.
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone")
SYSTEM_FILES += ("/etc/fonts", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/locale.alias")
SYSTEM_FILES += ("/etc/mime.types", "/etc/matplotlibrc", "/etc/alternatives", "/etc/os-release")
SYSTEM_FILES += ("/proc/cpuinfo", "/proc/meminfo", "/proc/stat")
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # live_math/, whose modules the workers run


@dataclass(frozen=True)
class Support:
    """What this machine can enforce: the Landlock ABI (0: none) and whether the seccomp filter applies."""

    landlock_abi: int
    seccomp: bool

    def missing(self) -> list[str]:
        """What the sandbox promises and this kernel cannot enforce, one phrase each."""
        abi = self.landlock_abi
        needs = [
            (3, "the file rules (snippets could read, change and delete any file the build can)"),
            (4, "the TCP rules (snippets could connect to any address)"),
            (6, "the signal rules (snippets could signal the build and other workers)"),
        ]
        missing = [f"{what}, which need Landlock ABI {version}" for version, what in needs if abi < version]
        if not self.seccomp:
            missing.append("the socket filter (snippets could send UDP), which needs seccomp on x86_64 or aarch64")
        return missing


@functools.cache
def support() -> Support:
    """What this machine can enforce (asked of the kernel once per process)."""
    if not sys.platform.startswith("linux"):
        return Support(0, False)
    try:
        import landlockpy

        abi = landlockpy.abi_version()
    except (ImportError, OSError):
        abi = 0
    return Support(abi, seccomp.supported() and Path("/proc/self/status").read_text().find("Seccomp:") >= 0)


def resolve_mode(configured: str) -> str:
    """The mode in force: ``LIVE_MATH_SANDBOX`` if set, else the site's ``execution.sandbox``."""
    chosen = os.environ.get(VARIABLE, "").strip().lower()
    if not chosen:
        return configured
    if chosen not in MODES:
        raise PluginError(f"{VARIABLE}={os.environ[VARIABLE]!r}: expected one of {', '.join(MODES)}")
    return chosen


class Sandbox:
    """The sandbox of one site: ``mode`` (already resolved), the folders snippets may ``read`` besides the
    Python installation and system files, and the extra ``environment`` names they see."""

    def __init__(self, mode: str, read: list[Path], environment: list[str], project: Path):
        self.mode = mode
        self.read = [path.resolve() for path in read]
        self.names = list(environment)
        self.project = project.resolve()
        self.reported = False

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def environment(self, source: Mapping[str, str] | None = None) -> dict[str, str]:
        """The workers' environment before a session's scratch folder is added: the allowed names only (all of
        the builder's environment with the sandbox off), from ``source`` (default: this process's environment
        now). Their parent process starts with it, so that no other variable is ever in a worker's memory."""
        source = os.environ if source is None else source
        if not self.enabled:
            return dict(source)
        return {
            name: value
            for name, value in source.items()
            if name in ALLOWED_VARIABLES or name.startswith(ALLOWED_PREFIXES) or name in self.names
        }

    def check(self) -> None:
        """Before the first snippet runs: fail if ``required`` cannot be enforced here; otherwise say once, in
        one line, what is not enforced."""
        missing = support().missing() if self.enabled else []
        if self.mode == "required" and missing:
            raise PluginError(
                f"live-math: the snippet sandbox is required ({self._origin()}), but this machine cannot enforce "
                + "; ".join(missing)
                + ". Build on Linux 6.12 or later with Landlock enabled, or set execution.sandbox: available"
                " in mkdocs.yml to run snippets with what this machine enforces."
            )
        if self.reported:
            return
        self.reported = True
        if not self.enabled:
            log.info(f"sandbox: off ({self._origin()}): snippets run with every right of this build")
        elif missing:
            log.info(
                "sandbox: not enforced here: "
                + "; ".join(missing)
                + f". Set {VARIABLE}=required to refuse building without them."
            )

    def session(self, scratch: Path, source: Mapping[str, str] | None = None) -> tuple[dict | None, dict[str, str]]:
        """The policy a worker applies for a session whose scratch folder is ``scratch``, and its environment
        (from ``source``, as :meth:`environment`)."""
        environment = self.environment(source)
        if not self.enabled:
            return None, environment
        environment |= {name: str(scratch) for name in SCRATCH_VARIABLES}
        policy = {"mode": self.mode, "read": self.readable, "write": [str(scratch)]}
        return policy | {"landlock_abi": support().landlock_abi}, environment

    @functools.cached_property
    def readable(self) -> list[str]:
        """Every folder and file snippets may read."""
        read = sorted({str(path) for path in (*python_folders(self.project), *self.read, PACKAGE_DIR)})
        return [*read, *SYSTEM_FOLDERS, *SYSTEM_FILES]

    def _origin(self) -> str:
        return f"{VARIABLE}={os.environ[VARIABLE]}" if os.environ.get(VARIABLE) else f"execution.sandbox: {self.mode}"


@functools.cache
def python_folders(project: Path) -> tuple[Path, ...]:
    """The Python installation: its prefixes and import path, but never a folder holding the project, the
    home folder or ``/``, nor a folder of the project outside its virtual environment."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *sys.path}
    forbidden = {project, Path.home().resolve(), Path("/")}
    environment = Path(sys.prefix).resolve()  # a virtual environment may live in the project
    folders = set()
    for candidate in candidates:
        if not candidate or not os.path.isdir(candidate):
            continue
        path = Path(candidate).resolve()
        if any(other.is_relative_to(path) for other in forbidden):
            continue
        if path.is_relative_to(project) and not path.is_relative_to(environment):
            continue  # e.g. the project itself, or its tests/, put on the import path by a test runner
        folders.add(path)
    return tuple(sorted(folders))


class Scratch:
    """A session's scratch folder, under one root per workers' parent. It goes when its last holder (the
    worker, and under ``mkdocs serve`` each snapshot taken from it and each worker resumed from those)
    releases it."""

    def __init__(self, root: Path):
        self.path = Path(tempfile.mkdtemp(prefix="session-", dir=root))
        self.holders = 1
        self.lock = threading.Lock()

    def hold(self) -> Scratch:
        with self.lock:
            self.holders += 1
        return self

    def release(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0:
                shutil.rmtree(self.path, ignore_errors=True)
