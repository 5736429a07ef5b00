#!/usr/bin/env python3
"""Build the site strictly into a fresh directory and put it in place of site/ only if the build succeeded.

    scripts/build.py [--config-file mkdocs.yml] [--site-dir site] [--no-cache]

``mkdocs build`` empties ``site/`` before it renders, so a post that fails halfway would leave a broken or
empty site behind. Here MkDocs writes into a new directory beside ``site/``; on success the two are
swapped by renames, and on failure the new directory is deleted and ``site/`` is left exactly as it was.

Success is a build that exited with status 0 *and* reached its end: the live-math plugin writes the file
named by ``BLOG_BUILD_DONE`` in its last step (``on_post_build``), so a process that ends early with status 0
cannot pass for a finished build. Staging directories of a build that was killed are removed by the next.
``--no-cache`` (``make build NO_CACHE=1``) sets ``BLOG_NO_CACHE=1``, so every snippet runs again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def mkdocs_build(config_file: Path, site_dir: Path, env: dict[str, str]) -> int:
    """Run ``mkdocs build --strict`` writing into ``site_dir``; return its exit code."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(site_dir)]
    return subprocess.run(command, cwd=config_file.parent, env=env).returncode


def replace_dir(new: Path, target: Path) -> None:
    """Put directory ``new`` where ``target`` is, with ``target`` missing only between two renames."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def remove_abandoned(site_dir: Path) -> None:
    """Delete the staging and old directories that builds killed before their end left beside ``site_dir``
    (their names carry the builder's process id; a live builder's are left alone)."""
    for kind in ("new", "old"):
        for leftover in site_dir.parent.glob(f".{site_dir.name}-{kind}-*"):
            pid = leftover.name.removeprefix(f".{site_dir.name}-{kind}-").split("-")[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build(config_file: Path, site_dir: Path, env: dict[str, str]) -> int:
    """Build into a staging directory beside ``site_dir`` and swap it in if the build succeeded."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(site_dir)
    # Beside site/ (same file system) so the swap is a rename, never a copy.
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-{os.getpid()}-", dir=site_dir.parent))
    done = staging.with_name(staging.name + ".done")  # beside the staging directory: never published
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
        code = mkdocs_build(config_file, staging, {**env, "BLOG_BUILD_DONE": str(done)})
        if code != 0 or not done.is_file():
            reason = "" if code != 0 else " (it exited with status 0 before its end)"
            print(f"Build failed{reason}: {site_dir} was left as it was.", file=sys.stderr)
            return code or 1
        replace_dir(staging, site_dir)
        print(f"Built {site_dir}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        done.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    parser.add_argument("-d", "--site-dir", type=Path, help="default: site/ beside the config file")
    parser.add_argument("--no-cache", action="store_true", help="run every snippet again (BLOG_NO_CACHE=1)")
    args = parser.parse_args(argv)
    config_file = args.config_file.resolve()
    site_dir = (args.site_dir or config_file.parent / "site").resolve()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.no_cache:
        env["BLOG_NO_CACHE"] = "1"
    return build(config_file, site_dir, env)


if __name__ == "__main__":
    sys.exit(main())
