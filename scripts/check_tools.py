"""Say which of the tools `make setup` needs are missing or too old, all at once, before anything is installed.

    python3 scripts/check_tools.py     # run by the Python that will create .venv/; exit 1 if something is missing

Run by whatever `python3` the machine has, however old: nothing here needs more than Python 3.6.
"""

import re
import subprocess
import sys

PYTHON_MIN = (3, 11)  # mkdocs-material 9.8 needs it
NODE_MIN = 18  # the npm that installs the pinned KaTeX


def tool_version(command):
    """The first line `command --version` prints, or None if the command cannot run."""
    try:
        result = subprocess.run(command + ["--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    text = result.stdout.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""


def problems(python_version, python_name, node_version, npm_version):
    """What is missing, one sentence each; ``*_version`` is the tool's ``--version`` text or None if absent."""
    found = []
    least = "{}.{}".format(*PYTHON_MIN)
    if tuple(python_version[:2]) < PYTHON_MIN:
        found.append(
            f"Python >= {least} is needed, but {python_name} is {python_version[0]}.{python_version[1]}"
            f" (point PYTHON at a newer one, e.g. `make setup PYTHON=python{least}`)"
        )
    if node_version is None:
        found.append(
            f"Node.js >= {NODE_MIN} is needed, but `node` was not found (https://nodejs.org/ or a package manager)"
        )
    else:
        major = re.match(r"v?(\d+)", node_version)
        if major is None or int(major.group(1)) < NODE_MIN:
            found.append(f"Node.js >= {NODE_MIN} is needed, but `node --version` says {node_version or 'nothing'}")
    if npm_version is None:
        found.append("npm is needed (it comes with Node.js; on Debian: apt-get install npm), but `npm` was not found")
    return found


def main():
    found = problems(sys.version_info, sys.executable, tool_version(["node"]), tool_version(["npm"]))
    for problem in found:
        print("make setup: " + problem, file=sys.stderr)
    if found:
        print("make setup: nothing was installed; install what is missing, then run make again.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
