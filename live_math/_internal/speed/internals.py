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
SEARCH_INDEX_ADD material.plugins.search.plugin.SearchIndex.add_entry_from_context(self, page): parses
                 ``page.content`` and appends the page's sections to ``self.entries`` (dicts, JSON-able).
BLOG_READTIME    material.plugins.blog.plugin.readtime(html, words_per_minute): the blog module's own name for
                 Material's reading-time function, called in BlogPlugin.on_page_content.
EXCERPT_CLASS    material.plugins.blog.structure.Excerpt: the excerpts a listing's template gets as ``posts``.
BLOG_PAGER       the ``pagination`` a blog listing's template calls: a closure ``pager(args)`` made in
                 BlogPlugin.on_page_context over ``pagination`` (a ``paginate.Page``, whose ``pager`` writes
                 the links from page, page_count and url_maker) and the plugin (``self``, whose config gives
                 pagination_format and pagination_if_single_page).

The wrappers call the original whenever no cache is active (``active``, ``html_reads``), so builds without
the plugin, or before it started, are untouched.
"""

from __future__ import annotations

import functools

import yaml
from mkdocs.structure import pages as mkdocs_pages

try:
    from material.plugins.blog import plugin as blog_plugin
    from material.plugins.blog import structure as blog_structure
    from material.plugins.search import plugin as search_plugin
except ImportError:  # a site without Material: nothing of it to speed up
    blog_plugin = blog_structure = search_plugin = None

PAGE_RENDER = (mkdocs_pages.Page, "render")
EXCERPT_RENDER = (blog_structure.Excerpt, "render") if blog_structure else None
BLOG_YAML_LOADER = (blog_structure, "SafeLoader") if blog_structure else None
SEARCH_INDEX_ADD = (search_plugin.SearchIndex, "add_entry_from_context") if search_plugin else None
BLOG_READTIME = (blog_plugin, "readtime") if blog_plugin else None
EXCERPT_CLASS = blog_structure.Excerpt if blog_structure else None
BLOG_PAGER_NAME = ("material.plugins.blog.plugin", "BlogPlugin.on_page_context.<locals>.pager")

active = None  # the RenderCache of the build under way, set by the plugin for the build's duration
html_reads = None  # the HtmlReads of the build under way, likewise


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


def install() -> None:
    """Put the wrappers in place (once per interpreter; idempotent)."""
    _wrap(PAGE_RENDER, _page_render)
    if EXCERPT_RENDER:
        _wrap(EXCERPT_RENDER, _excerpt_render)
    if SEARCH_INDEX_ADD:
        _wrap(SEARCH_INDEX_ADD, _search_index_add)
    if BLOG_READTIME:
        _wrap(BLOG_READTIME, _readtime)
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


def _page_render(original):
    @functools.wraps(original)
    def render(self, config, files):
        if active is None:
            return original(self, config, files)
        return active.render_page(original, self, config, files)

    return render


def _excerpt_render(original):
    @functools.wraps(original)
    def render(self, page, separator):
        if active is None:
            return original(self, page, separator)
        return active.render_excerpt(original, self, page, separator)

    return render


def _search_index_add(original):
    @functools.wraps(original)
    def add_entry_from_context(self, page):
        if html_reads is None:
            return original(self, page)
        return html_reads.search_entries(original, self, page)

    return add_entry_from_context


def _readtime(original):
    @functools.wraps(original)
    def readtime(html, words_per_minute):
        if html_reads is None:
            return original(html, words_per_minute)
        return html_reads.readtime(original, html, words_per_minute)

    return readtime
