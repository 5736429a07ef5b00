"""Every place where live-math reaches into MkDocs' or Material's internals, named once.

MkDocs' events cannot skip a page's Markdown conversion, so the page cache wraps the methods that convert;
Material's blog parses each post's front matter with a pure-Python YAML loader, where the C one reads the
same YAML to the same values. tests/live_math/speed/test_internals.py checks each of these against the
installed MkDocs and Material, so an upgrade that moves one fails there rather than in a build.

PAGE_RENDER      mkdocs.structure.pages.Page.render(self, config, files): sets content, toc,
                 _title_from_render, present_anchor_ids, links_to_anchors. Posts and blog views inherit it.
EXCERPT_RENDER   material.plugins.blog.structure.Excerpt.render(self, page, separator): converts the post
                 (``excerpt.post.markdown``, with ``# title`` first unless the post's title came from its
                 Markdown) with the excerpt's own Markdown instance, sets content, more and toc.
EXCERPT_LINKS    the excerpt's MkDocs link resolver, registered as "relpath" in ``excerpt.md.treeprocessors``
                 with the site's Files as ``.files``; swapped for a recording Files during one conversion.
BLOG_YAML_LOADER material.plugins.blog.structure.SafeLoader: the loader of ``yaml.load`` in Post.__init__.
THEME_GET_ENV    mkdocs.theme.Theme.get_env(self): makes each template environment (the build's, and the search
                 and blog plugins' own for their labels); wrapped to hand each to ThemeEnvs.prepare.
THEME_FILES_FILTER the ``filter`` that Files.add_files_from_theme passes to ``env.list_templates``: a function
                 of the name, MkDocs' fixed patterns, ``utils.markdown_extensions`` and
                 ``config.theme.static_templates``, and nothing else.
BLOG_MARKDOWN    material.plugins.blog.structure.Markdown: the converter class Excerpt.__init__ makes for each
                 post (keyword arguments only) and registers its "excerpt" and "relpath" tree processors on;
                 replaced by a factory of LazyMarkdown while a cache is active.
SEARCH_INDEX_ADD material.plugins.search.plugin.SearchIndex.add_entry_from_context(self, page): parses
                 ``page.content`` and appends the page's sections to ``self.entries`` (dicts, JSON-able).
BLOG_READTIME    material.plugins.blog.plugin.readtime(html, words_per_minute): the blog module's own name for
                 Material's reading-time function, called in BlogPlugin.on_page_content.
EXCERPT_CLASS    material.plugins.blog.structure.Excerpt: the excerpts a listing's template gets as ``posts``.
BLOG_PAGER       the ``pagination`` a blog listing's template calls: a closure ``pager(args)`` made in
                 BlogPlugin.on_page_context over ``pagination`` (a ``paginate.Page``, whose ``pager`` writes
                 the links from page, page_count and url_maker) and the plugin (``self``, whose config gives
                 pagination_format and pagination_if_single_page).
BUILD_LOG_DUPLICATES the ``mkdocs.utils.DuplicateFilter`` that ``mkdocs/__main__.py`` puts on the
                 ``mkdocs.commands.build`` logger once per process: it drops a message already in its ``msgs``
                 set, which lives as long as ``mkdocs serve`` does, so a rebuild failing with an error an
                 earlier rebuild had showed only "Aborted with a BuildError!". :func:`forget_logged_messages`
                 empties the set when a build starts: each build still logs a message once. ProperDocs'
                 command line puts the same filter on ``properdocs.commands.build``.
HIGHLIGHT_BLOCK_COUNT pymdownx.highlight.HighlightExtension.pygments_code_block: the number of the last code
                 block highlighted in the current conversion (-1 at its start), registered among the page
                 Markdown's ``registeredExtensions``; execution/output_ids.py numbers snippets' code blocks
                 on from it.

MARKDOWN_EXEC_MIMIC markdown_exec._internal.rendering._mimic(md, headings, *, update_toc): the new Markdown
                 instance ``MarkdownConverter.convert`` makes for each output, with markdown_config's
                 extensions, an IdPrependingTreeprocessor and (update_toc) a HeadingReportingTreeprocessor
                 filling ``headings``; looked up as a module global at each call. output_markdown.py lends
                 one reset instance instead.
MARKDOWN_EXEC_CONVERT markdown_exec.MarkdownConverter.convert(self, text, stash=None, id_prefix=None): one
                 conversion, calling MARKDOWN_EXEC_MIMIC once; wrapped to count nested conversions.

The wrappers call the original whenever no cache is active (``active``, ``html_reads``), so builds without
the plugin, or before it started, are untouched.
"""

from __future__ import annotations

import functools
import logging

import yaml
from markdown_exec._internal import rendering as markdown_exec_rendering
from mkdocs import theme as mkdocs_theme
from mkdocs.structure import pages as mkdocs_pages

from live_math._internal.speed import output_markdown
from live_math._internal.speed.lazy_markdown import LazyMarkdown

try:
    from material.plugins.blog import plugin as blog_plugin
    from material.plugins.blog import structure as blog_structure
    from material.plugins.search import plugin as search_plugin
except ImportError:  # a site without Material: nothing of it to speed up
    blog_plugin = blog_structure = search_plugin = None

PAGE_RENDER = (mkdocs_pages.Page, "render")
THEME_GET_ENV = (mkdocs_theme.Theme, "get_env")
THEME_FILES_FILTER = ("mkdocs.structure.files", "Files.add_files_from_theme.<locals>.filter")
EXCERPT_RENDER = (blog_structure.Excerpt, "render") if blog_structure else None
BLOG_YAML_LOADER = (blog_structure, "SafeLoader") if blog_structure else None
BLOG_MARKDOWN = (blog_structure, "Markdown") if blog_structure else None
SEARCH_INDEX_ADD = (search_plugin.SearchIndex, "add_entry_from_context") if search_plugin else None
BLOG_READTIME = (blog_plugin, "readtime") if blog_plugin else None
EXCERPT_CLASS = blog_structure.Excerpt if blog_structure else None
BUILD_LOG_DUPLICATES = ("mkdocs.commands.build", "DuplicateFilter", "msgs")
BUILD_LOGGERS = ("mkdocs.commands.build", "properdocs.commands.build")  # ProperDocs' command line does the same
MARKDOWN_EXEC_MIMIC = (markdown_exec_rendering, "_mimic")
MARKDOWN_EXEC_CONVERT = (markdown_exec_rendering.MarkdownConverter, "convert")
BLOG_PAGER_NAME = ("material.plugins.blog.plugin", "BlogPlugin.on_page_context.<locals>.pager")

active = None  # the RenderCache of the build under way, set by the plugin for the build's duration
html_reads = None  # the HtmlReads of the build under way, likewise
theme_envs = None  # the ThemeEnvs of the build under way, likewise (set from on_config, before plugins translate)
output_markdown_converters = None  # the build's output_markdown.OutputConverters, likewise


def page_highlighter(md):
    """The HighlightExtension of HIGHLIGHT_BLOCK_COUNT registered on ``md``, or None (no pymdownx.highlight)."""
    from pymdownx.highlight import HighlightExtension

    for extension in getattr(md, "registeredExtensions", ()):
        if isinstance(extension, HighlightExtension) and hasattr(extension, "pygments_code_block"):
            return extension
    return None


def excerpt_links(excerpt):
    """EXCERPT_LINKS of ``excerpt``, or None when it is not where expected (then the excerpt is not cached)."""
    try:
        resolver = excerpt.md.treeprocessors["relpath"]
    except (AttributeError, KeyError):
        return None
    return (
        resolver
        if isinstance(resolver, mkdocs_pages._RelativePathTreeprocessor) and hasattr(resolver, "files")
        else None
    )


def blog_pager(value) -> list | None:
    """What BLOG_PAGER's links depend on, or None when ``value`` is not the blog's pager."""
    if (getattr(value, "__module__", None), getattr(value, "__qualname__", None)) != BLOG_PAGER_NAME:
        return None
    code, cells = value.__code__, value.__closure__ or ()
    captured = dict(zip(code.co_freevars, (cell.cell_contents for cell in cells), strict=True))
    pagination, plugin = captured["pagination"], captured["self"]
    links = [pagination.url_maker(n) for n in range(1, pagination.page_count + 1)]
    config = plugin.config
    return [
        pagination.page,
        pagination.page_count,
        pagination.items_per_page,
        pagination.item_count,
        links,
        config.pagination_format,
        config.pagination_if_single_page,
    ]


def is_theme_files_filter(function) -> bool:
    """Whether ``function`` is THEME_FILES_FILTER."""
    return (getattr(function, "__module__", None), getattr(function, "__qualname__", None)) == THEME_FILES_FILTER


def forget_logged_messages() -> int:
    """Empty BUILD_LOG_DUPLICATES, so this build logs (and fails with) what an earlier one logged; returns how
    many such filters were found (none when MkDocs runs without its command line, or under ``python -W``)."""
    _, class_name, attribute = BUILD_LOG_DUPLICATES
    found = 0
    for logger_name in BUILD_LOGGERS:
        for log_filter in logging.getLogger(logger_name).filters:
            if type(log_filter).__name__ == class_name and isinstance(getattr(log_filter, attribute, None), set):
                getattr(log_filter, attribute).clear()
                found += 1
    return found


def install() -> None:
    """Put the wrappers in place (once per interpreter; idempotent)."""
    _wrap(THEME_GET_ENV, _theme_get_env)
    _wrap(PAGE_RENDER, _through("active", "render_page"))
    if EXCERPT_RENDER:
        _wrap(EXCERPT_RENDER, _through("active", "render_excerpt"))
    if BLOG_MARKDOWN:
        _wrap(BLOG_MARKDOWN, _lazy_markdown)
    if SEARCH_INDEX_ADD:
        _wrap(SEARCH_INDEX_ADD, _through("html_reads", "search_entries"))
    if BLOG_READTIME:
        _wrap(BLOG_READTIME, _through("html_reads", "readtime"))
    _wrap(MARKDOWN_EXEC_CONVERT, output_markdown.counting)
    _wrap(MARKDOWN_EXEC_MIMIC, _through("output_markdown_converters", "mimic"))
    if BLOG_YAML_LOADER and hasattr(yaml, "CSafeLoader"):
        # Only the parser changes: CSafeLoader builds values with the same SafeConstructor as SafeLoader.
        setattr(*BLOG_YAML_LOADER, yaml.CSafeLoader)


def _wrap(place, make) -> None:
    owner, name = place
    original = getattr(owner, name)
    if getattr(original, "__live_math_original__", None) is None:
        wrapper = make(original)
        wrapper.__live_math_original__ = original
        setattr(owner, name, wrapper)


def _through(cache: str, method: str):
    """A wrapper that calls the original while the module's ``cache`` global is None (no build under way), and
    ``cache.method(original, *arguments)`` while it is set."""

    def make(original):
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            current = globals()[cache]
            if current is None:
                return original(*args, **kwargs)
            return getattr(current, method)(original, *args, **kwargs)

        return wrapper

    return make


def _theme_get_env(original):
    @functools.wraps(original)
    def get_env(self):
        env = original(self)
        if theme_envs is not None:
            theme_envs.prepare(env, self)
        return env

    return get_env


def _lazy_markdown(original):
    def markdown(**settings):
        if active is None:
            return original(**settings)
        return LazyMarkdown(original, **settings)

    return markdown
