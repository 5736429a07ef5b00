"""Which Chromium the browser tests drive: $CHROMIUM, else a system Chromium, else Playwright's own."""

from __future__ import annotations

from scripts.offline_chromium import find_chromium

SYSTEM = "/usr/bin/chromium"
PLAYWRIGHTS = "/home/me/.cache/ms-playwright/chromium-1200/chrome-linux/chrome"


def lookup(*existing: str):
    return lambda name: next((path for path in existing if path == name or path.endswith("/" + name)), None)


def test_chromium_variable_wins_and_a_wrong_one_is_reported_not_replaced():
    assert find_chromium({"CHROMIUM": "/opt/chrome"}, lookup("/opt/chrome", SYSTEM), lambda: PLAYWRIGHTS) == (
        "/opt/chrome",
        "$CHROMIUM",
    )
    path, why = find_chromium({"CHROMIUM": "/nowhere/chrome"}, lookup(SYSTEM), lambda: PLAYWRIGHTS)
    assert path is None and "no Chromium at /nowhere/chrome" in why


def test_a_system_chromium_comes_before_playwrights_own():
    assert find_chromium({}, lookup(SYSTEM), lambda: PLAYWRIGHTS) == (SYSTEM, "system")
    assert find_chromium({}, lookup("/usr/local/bin/chromium-browser"), lambda: PLAYWRIGHTS)[0].endswith(
        "chromium-browser"
    )


def test_playwrights_own_browser_when_the_system_has_none():
    assert find_chromium({}, lookup(), lambda: PLAYWRIGHTS) == (PLAYWRIGHTS, "Playwright's own")
    path, why = find_chromium({"CHROMIUM": ""}, lookup(), lambda: None)
    assert path is None and "no Chromium at $CHROMIUM, on PATH" in why
