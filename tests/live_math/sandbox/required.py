"""Where the sandbox tests run: skipped on a machine that cannot confine, failed there under CI=true."""

from __future__ import annotations

import os

import pytest

from live_math._internal.sandbox.policy import support


def require_sandbox() -> None:
    """Skip where this machine cannot confine a worker; under CI=true, fail instead (as the browser tests do)."""
    missing = support().missing()
    if missing:
        reason = "SANDBOX TESTS NOT RUN: this machine cannot enforce " + "; ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ". CI=true requires them")
        pytest.skip(reason)
