#!/usr/bin/env python3
"""Build the site strictly into a fresh directory and put it in place of site/ only if the build succeeded.

    scripts/build.py [--config-file mkdocs.yml] [--site-dir site] [--no-cache]

``mkdocs build`` empties ``site/`` before it renders, so a post that fails halfway would leave a broken or
empty site behind. Here MkDocs writes into a new directory beside ``site/``; on success the two are
swapped by renames, and on failure the new directory is deleted and ``site/`` is left exactly as it was.
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


def build(config_file: Path, site_dir: Path, env: dict[str, str]) -> int:
    """Build into a staging directory beside ``site_dir`` and swap it in if the build succeeded."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Beside site/ (same file system) so the swap is a rename, never a copy.
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
        code = mkdocs_build(config_file, staging, env)
        if code != 0:
            print(f"Build failed: {site_dir} was left as it was.", file=sys.stderr)
            return code
        replace_dir(staging, site_dir)
        print(f"Built {site_dir}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
