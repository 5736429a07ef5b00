"""How the tests and the bench start Debian's Chromium so that it never leaves this machine."""

CHROMIUM = "/usr/bin/chromium"

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
