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

The wrappers call the original whenever no cache is active (``active``), so builds without the plugin, or
before it started, are untouched.
"""

from __future__ import annotations

import functools

import yaml
from mkdocs.structure import pages as mkdocs_pages

try:
    from material.plugins.blog import structure as blog_structure
except ImportError:  # a site without Material: nothing of it to speed up
    blog_structure = None

PAGE_RENDER = (mkdocs_pages.Page, "render")
EXCERPT_RENDER = (blog_structure.Excerpt, "render") if blog_structure else None
BLOG_YAML_LOADER = (blog_structure, "SafeLoader") if blog_structure else None

active = None  # the RenderCache of the build under way, set by the plugin for the build's duration


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


def install() -> None:
    """Put the wrappers in place (once per interpreter; idempotent)."""
    _wrap(PAGE_RENDER, _page_render)
    if EXCERPT_RENDER:
        _wrap(EXCERPT_RENDER, _excerpt_render)
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
