"""The zip a reader downloads: the notebook, the helper modules and data files it imports, and the pinned
packages it needs, written byte for byte the same by two builds of the same commit."""

from __future__ import annotations

import ast
import functools
import io
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement

from live_math._internal.notebook.ipynb import Notebook, ipynb_text

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build's clock leaks into the bytes

README = """\
{title}

A notebook made from the post at {url}, with the helper modules it imports and the
packages it needs, pinned to the versions that built the site.

    python3 -m venv .venv
    .venv/bin/pip install -r requirements.txt jupyterlab
    .venv/bin/jupyter lab {notebook}

Run the cells in order. The outputs saved in the notebook are the ones the post shows.
"""


def imported_modules(code: str) -> set[str]:
    """Dotted names of the modules ``code`` imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def helper_files(codes: list[str], helpers: list[Path]) -> list[Path]:
    """The files of the helper folders that ``codes`` need: the modules they import, those modules' own
    imports (relative ones included), their packages' ``__init__.py``, and the data files they name."""
    roots = {folder.name: folder for folder in helpers if folder.is_dir()}
    wanted: set[Path] = set()
    pending = [name for code in codes for name in imported_modules(code)]
    while pending:
        name = pending.pop()
        parts = name.split(".")
        if parts[0] not in roots:
            continue
        folder = roots[parts[0]]
        for depth in range(1, len(parts) + 1):  # every package on the way: a.b.c needs a/__init__, a/b/__init__
            for candidate in _module_paths(folder.parent, parts[:depth]):
                if candidate.is_file() and candidate not in wanted:
                    wanted.add(candidate)
                    pending += _imports_of_module(candidate, folder.parent)
    sources = "\n".join(codes + [path.read_text(encoding="utf-8") for path in wanted])
    for folder in roots.values():
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in {".py", ".pyc"} and path.name in sources:
                wanted.add(path)
    return sorted(wanted)


def requirements(codes: list[str], helper_paths: list[Path], helper_names: set[str]) -> list[str]:
    """``name==version`` for every installed distribution the code needs, its own requirements included."""
    imported = {name.split(".")[0] for code in codes for name in imported_modules(code)}
    for path in helper_paths:
        if path.suffix == ".py":
            imported |= {name.split(".")[0] for name in imported_modules(path.read_text(encoding="utf-8"))}
    imported -= helper_names | set(sys.stdlib_module_names)
    pending = sorted({dist for name in imported for dist in _distributions_providing(name)})
    pinned: dict[str, str] = {}
    environment = default_environment()
    while pending:
        dist = pending.pop()
        key = _normalize(dist)
        if key in pinned:
            continue
        try:
            pinned[key] = f"{metadata.metadata(dist)['Name']}=={metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
        for text in metadata.requires(dist) or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
                pending.append(requirement.name)
    return sorted(pinned.values(), key=str.lower)


def zip_bundle(
    slug: str, title: str, url: str, notebook: Notebook, project: Path, files: list[Path], pins: list[str]
) -> bytes:
    """The zip's bytes: ``slug/slug.ipynb``, ``slug/requirements.txt``, ``slug/README.txt`` and ``files``
    (paths under ``project``, kept at the same relative place)."""
    entries = {
        f"{slug}/{slug}.ipynb": ipynb_text(notebook) + "\n",
        f"{slug}/requirements.txt": "# The packages this notebook imports, at the versions that built the site.\n"
        + "".join(f"{pin}\n" for pin in pins),
        f"{slug}/README.txt": README.format(title=title, url=url, notebook=f"{slug}.ipynb"),
    }
    data = {name: text.encode("utf-8") for name, text in entries.items()}
    for path in files:
        data[f"{slug}/{path.relative_to(project).as_posix()}"] = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(data):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data[name])
    return buffer.getvalue()


def _distributions_providing(module: str) -> list[str]:
    """The installed distributions that provide the top-level ``module``: the one of the same name if there is
    one (numpy, matplotlib); else a scan of every distribution's files, which is slow, so done only then."""
    try:
        return [metadata.distribution(module).metadata["Name"]]
    except metadata.PackageNotFoundError:
        return _all_providers().get(module, [])


@functools.cache
def _all_providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _module_paths(base: Path, parts: list[str]) -> list[Path]:
    module = base.joinpath(*parts)
    return [module / "__init__.py", module.with_suffix(".py")]


def _imports_of_module(path: Path, base: Path) -> list[str]:
    """Absolute dotted names imported by the module at ``path`` (relative imports resolved against it)."""
    package = list(path.relative_to(base).with_suffix("").parts)[:-1]  # a/b.py and a/__init__.py: both in a
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                module = ".".join(anchor + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
