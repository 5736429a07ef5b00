"""Let post snippets `import snippets.…` from the project root, and see edits under `mkdocs serve`."""

import sys
from pathlib import Path


def on_config(config):
    # Done here, not at import: MkDocs undoes a hook module's own sys.path changes after loading it.
    root = str(Path(config.config_file_path).parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return config


def on_pre_build(config):
    # `mkdocs serve` keeps one interpreter across rebuilds; forget the helpers so edits take effect.
    for name in [m for m in sys.modules if m == "snippets" or m.startswith("snippets.")]:
        del sys.modules[name]
