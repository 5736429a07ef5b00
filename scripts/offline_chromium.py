"""Which Chromium the tests and the bench drive, and how they start it so that it never leaves this machine."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"  # Debian's; `playwright install` cannot download on the project's machines

# Looked up on PATH (or as a path) when $CHROMIUM is not set, in this order.
SYSTEM_CHROMIUMS = ["chromium", "chromium-browser", "/Applications/Chromium.app/Contents/MacOS/Chromium"]
HOW_TO_GET_ONE = (
    "install one (Debian/Ubuntu: `apt-get install chromium`), point CHROMIUM at a Chromium or Chrome binary, "
    "or let Playwright fetch its own: `.venv/bin/python -m playwright install chromium`"
)

# Chromium phones home (updates, sync, QUIC probes) unless told not to; the resolver rule makes any
# name other than the loopback address unresolvable, so a stray request fails instead of leaving.
# --no-sandbox because CI runs as root, where Chromium refuses to start with its sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def playwright_chromium() -> str | None:
    """The Chromium `playwright install chromium` downloaded, if it did."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # Playwright missing or its driver unable to start: no browser from it
        return None
    return path if path and Path(path).is_file() else None


def find_chromium(
    environ: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
    playwright: Callable[[], str | None] = playwright_chromium,
) -> tuple[str | None, str]:
    """(the Chromium to drive, where it was found), or (None, why there is none and how to get one).

    $CHROMIUM if set (and only it: a wrong path is a mistake to report, not a reason to pick another),
    else a system Chromium, else Playwright's own browser if it was installed."""
    if environ.get("CHROMIUM"):
        wanted = environ["CHROMIUM"]
        found = which(wanted)
        return (found, "$CHROMIUM") if found else (None, f"no Chromium at {wanted} ($CHROMIUM)")
    for name in SYSTEM_CHROMIUMS:
        if found := which(name):
            return found, "system"
    if found := playwright():
        return found, "Playwright's own"
    return None, f"no Chromium at $CHROMIUM, on PATH ({', '.join(SYSTEM_CHROMIUMS[:2])}) or from Playwright"
