"""Notebook downloads are a choice: a site's setting decides; unset, only Material (which shows the link under
the title, styled) gets them."""

import pytest

from live_math._internal.config import NotebookConfig, notebooks_on


@pytest.mark.parametrize(
    "enabled,theme,on",
    [
        (None, "material", True),
        (None, "mkdocs", False),
        (None, "readthedocs", False),
        (None, None, False),
        (True, "readthedocs", True),
        (False, "material", False),
    ],
)
def test_the_sites_setting_decides_else_the_theme(enabled, theme, on):
    assert notebooks_on(enabled, theme) is on


def test_the_option_is_unset_by_default_and_takes_a_boolean():
    config = NotebookConfig()
    config.load_dict({})
    assert config.validate() == ([], []) and config.enabled is None
    config = NotebookConfig()
    config.load_dict({"enabled": "sometimes"})
    errors, _ = config.validate()
    assert [name for name, _ in errors] == ["enabled"]
