"""The theme's files listed once per theme (live_math/_internal/speed/theme.py): the list MkDocs publishes is
the same as MkDocs' own, and a change in a theme folder that is not a package is seen."""

from __future__ import annotations

from mkdocs.config import load_config
from mkdocs.structure.files import Files

from live_math._internal.speed import internals
from live_math._internal.speed.store import Store
from live_math._internal.speed.theme import ThemeEnvs
from scripts.project_copy import copy_project


def theme_files(project, envs) -> list[tuple[str, str]]:
    """(path, theme folder) of each theme file MkDocs would publish for ``project``, with ``envs`` active."""
    config = load_config(str(project / "mkdocs.yml"))
    internals.install()
    internals.theme_envs = envs
    try:
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
    finally:
        internals.theme_envs = None
    return [(file.src_uri, file.src_dir) for file in files]


def test_the_kept_list_equals_mkdocs_own_and_follows_the_custom_folder(tmp_path):
    project = copy_project(tmp_path / "project")
    store = Store(tmp_path / "build.sqlite")
    envs = ThemeEnvs(store)
    expected = theme_files(project, None)
    assert any(path.startswith("assets/javascripts/bundle.") for path, _ in expected)
    assert theme_files(project, envs) == expected and (envs.listed, envs.hits) == (1, 0)
    assert theme_files(project, envs) == expected and (envs.listed, envs.hits) == (1, 1)
    # A new asset in overrides/ (not a package): listed again, and published.
    (project / "overrides/assets").mkdir(parents=True, exist_ok=True)
    (project / "overrides/assets/extra.css").write_text("p { color: red }\n", encoding="utf-8")
    with_asset = theme_files(project, envs)
    assert with_asset == theme_files(project, None) and envs.listed == 2
    assert ("assets/extra.css", str(project / "overrides")) in with_asset
