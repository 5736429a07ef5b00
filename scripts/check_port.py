"""Print one line saying why `mkdocs serve` could not listen on HOST:PORT, and how to pick another port.

    .venv/bin/python scripts/check_port.py 127.0.0.1 8000   # prints nothing when the port is free

`make serve` runs it first, because MkDocs answers a busy port with a long traceback. It prints instead of
failing so that the Makefile can stop with that line alone (`$(error …)`), without make's own error line.
"""

from __future__ import annotations

import errno
import socket
import sys


def can_listen(host: str, port: int) -> OSError | None:
    """The error binding ``host:port`` gives, or None. Binds as MkDocs' server does (SO_REUSEADDR), so a
    port whose last connection lingers in TIME_WAIT counts as free, as it is for MkDocs."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:  # socket.gaierror included
        return error
    return None


def free_port_near(host: str, port: int, tries: int = 20) -> int | None:
    return next((p for p in range(port + 1, min(port + 1 + tries, 65536)) if can_listen(host, p) is None), None)


def problem(host: str, port_text: str) -> str | None:
    """One line saying what stops ``make serve`` from listening on ``host:port_text``, or None."""
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return f"PORT={port_text!r} is not a port number (1-65535): try `make serve PORT=8001`"
    port = int(port_text)
    error = can_listen(host, port)
    if error is None:
        return None
    if error.errno == errno.EADDRINUSE:
        other = free_port_near(host, port)
        suggestion = f"`make serve PORT={other}` is free" if other else "pick another with `make serve PORT=…`"
        return f"Port {port} on {host} is already in use (another `make serve`?): stop that server, or {suggestion}"
    if error.errno == errno.EACCES:
        return f"Port {port} on {host} needs administrator rights: use a port above 1023, e.g. `make serve PORT=8001`"
    return f"Cannot listen on {host}:{port} ({error.strerror or error}): check HOST, e.g. `make serve HOST=127.0.0.1`"


if __name__ == "__main__":
    line = problem(sys.argv[1], sys.argv[2])
    if line:
        print(line)
