"""Each reach of the page cache into MkDocs' and Material's internals (live_math/_internal/speed/internals.py)
still finds what it expects: these fail when an upgrade moves one, before a build silently goes wrong."""

from __future__ import annotations

import inspect
import re

import yaml
from material.plugins.blog import plugin as blog_plugin
from material.plugins.blog import structure as blog_structure
from mkdocs.structure import pages as mkdocs_pages

from live_math._internal.speed import internals


def original(place):
    owner, name = place
    function = getattr(owner, name)
    return getattr(function, "__live_math_original__", function)


def test_page_render_takes_config_and_files_and_sets_what_the_cache_restores():
    render = original(internals.PAGE_RENDER)
    assert list(inspect.signature(render).parameters) == ["self", "config", "files"]
    source = inspect.getsource(render)
    for assigned in (
        "self.content",
        "self.toc",
        "self._title_from_render",
        "self.present_anchor_ids",
        "self.links_to_anchors",
    ):
        assert f"{assigned} =" in source, assigned
    assert "get_toc(getattr(md, 'toc_tokens', []))" in source  # the table of contents is made from tokens
    assert internals.PAGE_RENDER[0] is mkdocs_pages.Page
    # Posts and blog views inherit it (only excerpts have their own).
    assert "render" not in vars(blog_structure.Post) and "render" not in vars(blog_structure.View)


def test_excerpt_render_converts_the_post_with_its_title_and_sets_content_more_and_toc():
    render = original(internals.EXCERPT_RENDER)
    assert list(inspect.signature(render).parameters) == ["self", "page", "separator"]
    source = inspect.getsource(render)
    assert 'self.markdown = "\\n\\n".join([f"# {self.post.title}", self.markdown])' in source
    assert "if not self.post._title_from_render:" in source
    for assigned in ("self.content", "self.more", "self.toc", "self.file.url = self.post.url"):
        assert assigned in source, assigned
    # The blog renders every listing's excerpts through it.
    assert "excerpt.render(view, self.config.post_excerpt_separator)" in inspect.getsource(blog_plugin.BlogPlugin)


def test_posts_parse_front_matter_through_the_module_loader_that_is_replaced():
    source = inspect.getsource(blog_structure.Post.__init__)
    assert "yaml.load(match.group(1), SafeLoader)" in source
    internals.install()
    assert blog_structure.SafeLoader is yaml.CSafeLoader
    front_matter = "title: T\ndate: 2026-11-25\ntags: [a, b]\ndraft: false\n"
    assert yaml.load(front_matter, yaml.CSafeLoader) == yaml.load(front_matter, yaml.SafeLoader)


def test_the_wrappers_are_installed_once_and_call_through_without_a_build():
    internals.install()
    first = getattr(*internals.PAGE_RENDER)
    internals.install()
    assert getattr(*internals.PAGE_RENDER) is first
    assert internals.active is None
    assert first.__live_math_original__ is original(internals.PAGE_RENDER)


def test_search_indexes_a_page_by_appending_its_sections_to_entries():
    from material.plugins.search import plugin as search_plugin

    add = original(internals.SEARCH_INDEX_ADD)
    assert list(inspect.signature(add).parameters) == ["self", "page"]
    source = inspect.getsource(add)
    assert "parser.feed(page.content)" in source and "self.create_entry_for_section(" in source
    assert "self.entries.append(entry)" in inspect.getsource(search_plugin.SearchIndex.create_entry_for_section)
    # What the entry is made of: the page's URL, table of contents, title, tags and search settings.
    create = inspect.getsource(search_plugin.SearchIndex.create_entry_for_section)
    for read in ('page.meta.get("title", page.title)', 'page.meta.get("tags")', 'page.meta.get("search")', "toc"):
        assert read in create, read


def test_the_blog_computes_reading_time_through_its_module_name_for_readtime():
    readtime = original(internals.BLOG_READTIME)
    assert list(inspect.signature(readtime).parameters) == ["html", "words_per_minute"]
    assert "page.config.readtime = readtime(html, words_per_minute)" in inspect.getsource(blog_plugin.BlogPlugin)


def test_blog_listings_get_excerpts_and_a_pager_closure_over_pagination_and_the_plugin():
    source = inspect.getsource(blog_plugin.BlogPlugin.on_page_context)
    assert 'context["posts"]      = posts' in source
    assert 'context["pagination"] = pager if pagination else None' in source
    constants = blog_plugin.BlogPlugin.on_page_context.__code__.co_consts
    pager = next(c for c in constants if getattr(c, "co_name", "") == "pager")
    assert set(pager.co_freevars) == {"pagination", "self"}
    assert (blog_plugin.__name__, pager.co_qualname) == internals.BLOG_PAGER_NAME
    # The links come from these and nothing else.
    assert "url_maker = url_maker" in inspect.getsource(blog_plugin.BlogPlugin._render_pagination)
    assert internals.EXCERPT_CLASS is blog_structure.Excerpt


def test_excerpts_make_their_converter_with_keywords_and_register_two_processors_on_it():
    source = inspect.getsource(blog_structure.Excerpt.__init__)
    assert "self.md = Markdown(\n            extensions = config.markdown_extensions," in source
    assert source.count("self.md.treeprocessors.register(") == 2
    assert '"excerpt",' in source and '"relpath",' in source
    # Only excerpts make converters in that module.
    assert inspect.getsource(blog_structure).count("Markdown(") == 1


def test_theme_environments_come_from_get_env_and_theme_files_from_a_filter_of_the_name_alone():
    from mkdocs import theme as mkdocs_theme
    from mkdocs.structure import files as mkdocs_files

    get_env = original(internals.THEME_GET_ENV)
    assert internals.THEME_GET_ENV[0] is mkdocs_theme.Theme
    assert list(inspect.signature(get_env).parameters) == ["self"]
    assert "jinja2.FileSystemLoader(self.dirs)" in inspect.getsource(get_env)
    source = inspect.getsource(mkdocs_files.Files.add_files_from_theme)
    assert "for path in env.list_templates(filter_func=filter):" in source
    # What the filter reads: the name, fixed patterns, markdown_extensions and the theme's static templates.
    body = source[source.index("def filter(name):") : source.index("for path in env.list_templates")]
    reads = set(re.findall(r"\b(?:config|utils)\.[\w.]+", body))
    assert reads == {"utils.markdown_extensions", "config.theme.static_templates"}, reads
    code = next(
        c for c in mkdocs_files.Files.add_files_from_theme.__code__.co_consts if getattr(c, "co_name", "") == "filter"
    )
    assert (mkdocs_files.__name__, code.co_qualname) == internals.THEME_FILES_FILTER
    assert code.co_freevars == ("config",)


def test_mkdocs_command_line_filters_repeated_build_messages_through_a_set_that_can_be_emptied():
    import logging

    from mkdocs import __main__ as mkdocs_main
    from mkdocs import utils as mkdocs_utils
    from mkdocs.commands import build as mkdocs_build

    logger_name, class_name, attribute = internals.BUILD_LOG_DUPLICATES
    assert mkdocs_build.log.name == logger_name
    assert "build.log.addFilter(utils.DuplicateFilter())" in inspect.getsource(mkdocs_main._enable_warnings)
    assert mkdocs_utils.DuplicateFilter.__name__ == class_name
    duplicates = mkdocs_utils.DuplicateFilter()
    record = logging.LogRecord(logger_name, logging.ERROR, __file__, 1, "docs/x.md:3: wrong", None, None)
    assert duplicates(record) and not duplicates(record)  # the second time, MkDocs drops it
    assert isinstance(getattr(duplicates, attribute), set)
    logger = logging.getLogger(logger_name)
    logger.addFilter(duplicates)
    try:
        assert internals.forget_logged_messages() >= 1
        assert duplicates(record)  # logged again in the next build
    finally:
        logger.removeFilter(duplicates)


def test_properdocs_command_line_filters_its_build_log_the_same_way():
    import json
    import subprocess
    import sys

    import pytest

    pytest.importorskip("properdocs")
    # In a process of its own: importing ProperDocs' command line makes every later `import mkdocs.…` of the
    # process load ProperDocs' module instead, which would break the tests that run after this one here.
    probe = (
        "import inspect, json; import properdocs.__main__ as main; from properdocs.commands import build; "
        "print(json.dumps([build.log.name, inspect.getsource(main._enable_warnings)]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    logger_name, source = json.loads(result.stdout)
    assert logger_name in internals.BUILD_LOGGERS
    assert "build.log.addFilter(utils.DuplicateFilter())" in source


def test_highlight_counts_a_conversions_code_blocks_on_its_registered_extension():
    """HIGHLIGHT_BLOCK_COUNT: the number in a line anchor is the extension's count, -1 before the first block."""
    import markdown

    md = markdown.Markdown(
        extensions=["pymdownx.highlight", "pymdownx.superfences"],
        extension_configs={"pymdownx.highlight": {"anchor_linenums": True}},
    )
    highlighter = internals.page_highlighter(md)
    assert highlighter is not None and highlighter.pygments_code_block == -1
    html = md.convert("```python\na = 1\n```\n\n```python\nb = 2\n```\n")
    assert highlighter.pygments_code_block == 1
    assert 'id="__codelineno-1-1"' in html and highlighter.getConfigs()["anchor_linenums"] is True
    assert internals.page_highlighter(markdown.Markdown()) is None


def test_markdown_exec_makes_each_outputs_converter_with_mimic_looked_up_at_the_call():
    """MARKDOWN_EXEC_MIMIC and MARKDOWN_EXEC_CONVERT: convert calls the module's ``_mimic`` by name once, with the
    page's Markdown, the converter's headings list and update_toc; the converter it returns carries the two
    processors output_markdown.py re-points, under the names it uses."""
    from markdown_exec._internal import processors, rendering

    convert = inspect.getsource(original(internals.MARKDOWN_EXEC_CONVERT))
    assert convert.count("_mimic(") == 1 and "_mimic(self._original_md, self._headings" in convert
    mimic = original(internals.MARKDOWN_EXEC_MIMIC)
    assert list(inspect.signature(mimic).parameters) == ["md", "headings", "update_toc"]
    source = inspect.getsource(mimic)
    assert "markdown_config.exts or" in source and "IdPrependingTreeprocessor(md," in source
    assert "HeadingReportingTreeprocessor(new_md, headings)" in source
    assert "_original_md = md" in source and "_register_headings_processors(md)" in source
    assert "treeprocessors[IdPrependingTreeprocessor.name]" in inspect.getsource(rendering._id_prefix)
    assert processors.HeadingReportingTreeprocessor.name in {"markdown_exec_record_headings"}
