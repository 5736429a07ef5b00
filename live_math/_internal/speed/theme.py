"""The theme's template environments, spared the work they repeat in every build.

MkDocs makes a new Jinja environment for every build, and Material's search and blog plugins one more each to
translate their labels. Each compiles the templates it uses again (kept here by the bytecode cache of
``templates.py``), and the build's own lists the theme's files to find the static ones it publishes: Material
ships about 14,500 files, nearly all icons, which MkDocs walks and filters in every build to find the few dozen
it copies. That filtered list depends only on the theme's folders and MkDocs' own patterns, so it is kept
here, keyed by the folders (an installed package's by its version, any other by its listing).

THEME_GET_ENV and THEME_FILES_FILTER in ``internals`` are where this reaches in.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from mkdocs import utils as mkdocs_utils

from live_math._internal.speed import internals
from live_math._internal.speed.keys import key_of, version
from live_math._internal.speed.templates import StoreBytecodeCache

KIND = "theme-files"
FORMAT = 1
PACKAGED = {"material": "mkdocs-material", "mkdocs": "mkdocs"}  # import name -> distribution


class ThemeEnvs:
    """Prepares every template environment made during one build (see ``internals.THEME_GET_ENV``)."""

    def __init__(self, store, read: bool = True):
        self.store = store
        self.read = read
        self.listed = self.hits = 0

    def prepare(self, env, theme) -> None:
        if self.read:
            env.bytecode_cache = StoreBytecodeCache(self.store)
        env.list_templates = functools.partial(self._list_templates, env.list_templates, theme)

    def _list_templates(self, original, theme, extensions=None, filter_func=None):
        if extensions is not None or not internals.is_theme_files_filter(filter_func):
            return original(extensions, filter_func)
        key = key_of(
            [
                FORMAT,
                [folder_key(Path(folder)) for folder in theme.dirs],
                sorted(theme.static_templates),
                list(mkdocs_utils.markdown_extensions),
                version("mkdocs"),
            ]
        )
        stored = self.store.get(KIND, key) if self.read else None
        if stored is not None:
            self.hits += 1
            return json.loads(stored)
        self.listed += 1
        names = original(extensions, filter_func)
        self.store.put(KIND, key, json.dumps(names))
        return names


def folder_key(folder: Path) -> list:
    """A theme folder as a key: inside an installed MkDocs or Material, the package's version (its files change
    only with it); any other folder, its listing with each file's size and modification time."""
    resolved = folder.resolve()
    package = packaged_in(resolved)
    if package is not None:
        return [str(resolved), package, version(package)]
    listing = []
    for directory, subfolders, names in os.walk(resolved):
        subfolders.sort()
        for name in sorted(names):
            stat = os.stat(os.path.join(directory, name))
            listing.append([os.path.relpath(os.path.join(directory, name), resolved), stat.st_size, stat.st_mtime_ns])
    return [str(resolved), None, listing]


@functools.cache
def _package_roots() -> dict[Path, str]:
    roots = {}
    for module, distribution in PACKAGED.items():
        try:
            imported = __import__(module)
        except ImportError:
            continue
        roots[Path(imported.__file__).resolve().parent] = distribution
    return roots


def packaged_in(folder: Path) -> str | None:
    """The distribution (of PACKAGED) that ``folder`` belongs to, or None."""
    for root, distribution in _package_roots().items():
        if folder.is_relative_to(root):
            return distribution
    return None
