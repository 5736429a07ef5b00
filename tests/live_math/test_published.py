"""The plugin's own stylesheets and scripts (live_math/_internal/published/): linked ahead of the site's,
once, only for the features that are on."""

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from live_math._internal import published


def site_config(**settings) -> MkDocsConfig:
    config = MkDocsConfig(config_file_path=str(Path.cwd() / "mkdocs.yml"))
    config.load_dict({"site_name": "A site", **settings})
    errors, _warnings = config.validate()
    assert not errors, errors
    return config


def test_every_feature_on_links_katex_then_the_features_ahead_of_the_sites_own():
    config = site_config(extra_css=["site.css"], extra_javascript=["site.js"])
    published.link(config, *published.assets(["writing", "execution", "notebook"], "assets/katex/katex.min.css"))
    assert [str(e) for e in config.extra_css] == [
        "assets/katex/katex.min.css",
        "assets/live-math/writing.css",
        "assets/live-math/slider.css",
        "assets/live-math/notebook.css",
        "site.css",
    ]
    assert [str(e) for e in config.extra_javascript] == [
        "assets/live-math/cards.js",
        "assets/live-math/slider_figure.js",
        "site.js",
    ]


def test_a_feature_that_is_off_links_nothing_and_a_file_the_site_lists_is_not_repeated():
    config = site_config(extra_css=["site.css", "assets/live-math/writing.css"])
    published.link(config, *published.assets(["writing"], None))
    assert [str(e) for e in config.extra_css] == ["site.css", "assets/live-math/writing.css"]
    assert [str(e) for e in config.extra_javascript] == ["assets/live-math/cards.js"]
    config = site_config()
    published.link(config, *published.assets([], None))
    assert list(config.extra_css) == [] and list(config.extra_javascript) == []


def test_the_files_of_the_features_on_are_published_from_the_package(tmp_path):
    config = site_config(docs_dir=str(tmp_path))
    config.plugins._current_plugin = "live-math"  # as while MkDocs runs a plugin's on_files
    files = Files([])
    published.publish(files, config, ["writing"])
    sources = {file.dest_uri: Path(file.abs_src_path) for file in files}
    assert sorted(sources) == ["assets/live-math/cards.js", "assets/live-math/writing.css"]
    assert all(path.is_file() and path.parent == Path(published.__file__).parent for path in sources.values())
