"""Rendered pages kept between builds while everything their template can read is the same.

MkDocs renders every page's template in every build, a fifth of a warm build of a hundred posts. The
template sees the context MkDocs and the other plugins give it in ``on_page_context``: the page, the
navigation, the configuration, the blog's excerpts and pagination, the page's tags. This module describes
that context as plain data, hashes it with the theme's templates, and keeps the template's output under the
hash; when a later build describes the same context, the stored output is used instead of rendering.

Nothing is guessed: a value of a type this module does not know how to describe (a new plugin's object in
the context, say) makes that page render as usual and nothing is stored for it, so an unknown input costs
time, never a stale page. Other pages are pointed to by what a template shows of them (kind, title, URL),
the navigation is described once per build, and the page itself and each excerpt on a listing in full.
What differs between builds without changing a page (the build date, the list of every page, the staging
folder `make build` writes to) keys pages only if a page template names it, which the templates' tokens
say (Material's name none of them).

The template sees the output through Jinja's public ``Environment.template_class``; the one reach into a
plugin's internals is the blog's pagination callable (``internals.BLOG_PAGER``).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import jinja2
import jinja2.nodes
import pathspec
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from live_math._internal.execution.cache import markdown_fingerprint, stable_repr
from live_math._internal.speed import internals
from live_math._internal.speed.keys import key_of, toc_tokens, version
from live_math._internal.speed.pages import PACKAGES, _Recorder
from live_math._internal.speed.theme import folder_key, packaged_in

KIND = "rendered"
NAMES_KIND = "template-names"
NAMES_FORMAT = 2  # 2: names from tokens, not syntax trees
KINDS = (KIND, NAMES_KIND)
TEMPLATE_SUFFIXES = {".html", ".xml", ".j2", ".jinja", ".jinja2", ".txt"}
FORMAT = 1  # raise when the description below changes meaning
MARK = "__live_math_rendering__"  # the context entry carrying a page's key to its template, removed before rendering
# Context entries that are the same for every page of a build: described once.
# The date and `pages` key pages only when some template reads them.
SITE_WIDE = ("config", "nav", "pages", "mkdocs_version", "build_date_utc")
# Settings that differ from one build to the next without changing a page (the staging folder that `make build`
# writes to, the path of mkdocs.yml): they key pages only when some template reads them.
BUILD_SPECIFIC = ("site_dir", "config_file_path")
PAGE_SKIPPED = {"md", "_Page__active"}  # an excerpt's Markdown converter; `active` is set for every rendered page

try:
    from material.plugins.tags.structure.tag import Tag

    PLAIN_DATA: tuple[type, ...] = (Tag,)  # a page's tags and their listing links (TagReference)
except ImportError:
    PLAIN_DATA = ()

log = logging.getLogger("mkdocs.plugins.live_math")

# This build's references to pages and sections, by id; holding each object keeps its id from being reused.
_references: dict[int, tuple[object, list]] = {}


class Opaque(Exception):
    """The context holds a value this module cannot describe: render the page, store nothing."""


class Renderings:
    """The rendered-page cache of one build, wired to its template environment by :meth:`attach`."""

    def __init__(self, store, read: bool = True):
        self.store = store
        self.read = read
        self.site: str | None = None
        self.hits = self.misses = self.opaque = 0
        _references.clear()  # a new build: new pages, whose titles may have changed

    def attach(self, env: jinja2.Environment) -> None:
        """Make ``env``'s templates consult this cache for page contexts prepared by :meth:`prepare`."""
        self.env = env
        env.template_class = RememberingTemplate

    def prepare(self, context: dict, page: Page, config) -> None:
        """Mark ``page``'s context for its template, which keys it when it renders: after every plugin's
        ``on_page_context`` and MkDocs' last touch (a draft's banner), so the key sees what the template sees."""
        context[MARK] = (self, page, config)

    def output(self, context: dict, page: Page, config, render) -> str:
        """The page's stored output, or ``render()``'s, stored under the key of ``context``."""
        try:
            if self.site is None:
                self.site = _site_key(context, config, self.env, self.store)
            described = {
                name: describe(value, page) for name, value in sorted(context.items()) if name not in SITE_WIDE
            }
            key = key_of([self.site, described])
        except Opaque as error:
            log.debug(f"{page.file.src_uri}: rendered as usual, not cached: {error}")
            self.opaque += 1
            return render()
        stored = self.store.get(KIND, key) if self.read else None
        if stored is not None:
            self.hits += 1
            return stored
        self.misses += 1
        recorder = _Recorder()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(recorder)
        try:
            output = render()
        finally:
            logger.removeHandler(recorder)
        if not recorder.logged:  # a warning must show in every build, so a rendering that logs is not kept
            self.store.put(KIND, key, output)
        return output

    def close(self) -> None:
        _references.clear()

    def report(self) -> str:
        kept = f", {self.opaque} not cacheable" if self.opaque else ""
        return f"{self.misses} templates rendered, {self.hits} from cache{kept}"


class RememberingTemplate(jinja2.Template):
    """A Jinja template that, for a context marked by :meth:`Renderings.prepare`, returns the stored output or
    renders and stores it. Any other rendering (theme files, partials, other plugins') is untouched."""

    def render(self, *args, **kwargs):
        context = args[0] if len(args) == 1 and isinstance(args[0], dict) else None
        prepared = context.pop(MARK, None) if context is not None else None
        if prepared is None:
            return super().render(*args, **kwargs)
        renderings, page, config = prepared
        return renderings.output(context, page, config, lambda: super(RememberingTemplate, self).render(context))


def describe(value, page):
    """``value`` of a template context as JSON-able data: two values a template could tell apart describe
    differently. ``page`` (the page being rendered) is described in full; other pages by reference."""
    kind = _kinds.get(type(value)) or _kind(type(value))
    if kind == "scalar":
        return value
    if kind == "list":
        return [describe(item, page) for item in value]
    if kind == "page":
        if (value is page and page is not None) or _is_excerpt(value):
            return _page_in_full(value, page)
        return _reference(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, (set, frozenset)):
        if all(isinstance(item, str) for item in value):  # a page's anchor ids: thousands on a long page
            return ["set", sorted(value)]
        return sorted(_json(describe(item, page)) for item in value)
    if isinstance(value, (Section, Link)):
        return _reference(value)
    if isinstance(value, File):
        return ["file", value.src_uri, value.dest_uri, value.url, str(value.inclusion)]
    if isinstance(value, (TableOfContents, AnchorLink)):
        items = value.items if isinstance(value, TableOfContents) else [value]
        return ["toc", toc_tokens(items)]
    if isinstance(value, Mapping):
        return {_json(describe(k, page)) if not isinstance(k, str) else k: describe(v, page) for k, v in value.items()}
    try:
        pager = internals.blog_pager(value)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise Opaque(f"the blog's pagination is not what live-math knows ({error!r})") from None
    if pager is not None:
        return ["pager", describe(pager, page)]
    if isinstance(value, PLAIN_DATA):  # described by what they hold, and the URL a template links to
        attributes = {name: describe(item, None) for name, item in sorted(vars(value).items())}
        return [type(value).__qualname__, attributes, getattr(value, "url", None)]
    if type(value).__module__ == "babel.core" and type(value).__name__ == "Locale":  # theme.locale
        return ["locale", str(value)]
    if isinstance(value, pathspec.PathSpec):  # exclude_docs, not_in_nav
        return ["pathspec", type(value).__name__, [[p.regex.pattern, p.include] for p in value.patterns]]
    if hasattr(value, "__html__") and type(value).__module__.startswith("markupsafe"):
        return ["markup", str(value)]
    raise Opaque(f"a {type(value).__module__}.{type(value).__qualname__} in the template context")


def _kind(cls: type) -> str:
    """How :func:`describe` treats values of ``cls``, by the few kinds that make up most of a context (a
    listing refers to every post of its view), remembered by type so each value costs one lookup."""
    if cls is type(None) or issubclass(cls, (str, int, float, bool)):
        kind = "scalar"
    elif issubclass(cls, (list, tuple)):
        kind = "list"
    elif issubclass(cls, Page):
        kind = "page"
    else:
        kind = "other"
    _kinds[cls] = kind
    return kind


_kinds: dict[type, str] = {}


def _page_in_full(value: Page, page: Page) -> dict:
    # Inside, every page is a reference (the page itself too, as in a listing's `pages`) and excerpts
    # are in full: what a template reaches through the page is the other pages' titles and URLs.
    described = {name: describe(item, None) for name, item in sorted(vars(value).items()) if name not in PAGE_SKIPPED}
    # What templates read through properties, from the attributes above and the page's place in the site.
    described["@"] = [type(value).__qualname__, _property(value, "title"), value.url]
    described["@ancestors"] = [_reference(a) for a in value.ancestors]
    return described


def _property(value, name: str):
    """A property a template may read; an excerpt that is not converted yet has no title to give."""
    try:
        return getattr(value, name)
    except AttributeError:
        return None


def _reference(item: StructureItem) -> list:
    """Another page, a section or a link as a template shows it."""
    known = _references.get(id(item))
    if known is not None and known[0] is item:
        return known[1]
    described = [type(item).__qualname__, _property(item, "title"), getattr(item, "url", None)]
    if isinstance(item, (Page, Section)):  # alive for the whole build; a listing refers to hundreds of posts
        _references[id(item)] = (item, described)
    return described


def _is_excerpt(value) -> bool:
    excerpt = internals.EXCERPT_CLASS
    return excerpt is not None and isinstance(value, excerpt)


def _navigation(nav: Navigation) -> list:
    def item(entry):
        children = getattr(entry, "children", None)
        return [*_reference(entry), [item(child) for child in children] if children else None]

    return [[item(entry) for entry in nav.items], _reference(nav.homepage) if nav.homepage else None]


def _site_key(context: dict, config, env: jinja2.Environment, store) -> str:
    """What every page's template reads alike: the configuration, the navigation, the templates themselves."""
    searchpath = list(getattr(env.loader, "searchpath", None) or [])
    if not searchpath:
        raise Opaque(f"templates from a {type(env.loader).__name__}, whose sources cannot be listed")
    # An installed MkDocs or Material by its version, `overrides/` by its files' sizes and times (theme.py).
    sources = [folder_key(Path(folder)) for folder in searchpath]
    read = _names_read(env, searchpath, set(config.theme.static_templates), sources, store)
    site = {
        "format": FORMAT,
        "packages": {name: version(name) for name in PACKAGES},
        "jinja": jinja2.__version__,
        "templates": sources,
        "config": _described_config(config, read),
        "nav": _navigation(context["nav"]) if "nav" in context else None,
        "mkdocs_version": context.get("mkdocs_version"),
    }
    if read & {"pages", "*"}:  # MkDocs' `pages`: the Files of every page, each with its Page
        site["pages"] = [[describe(f, None), _reference(f.page) if f.page else None] for f in context["pages"]]
    if read & {"build_date_utc", "*"}:
        site["build_date_utc"] = str(context.get("build_date_utc"))
    return key_of(site)


def _described_config(config, read: set[str]) -> dict:
    described = {"markdown": markdown_fingerprint(config.markdown_extensions, config.mdx_configs)}
    for name, value in config.items():
        if name in {"markdown_extensions", "mdx_configs"}:
            continue  # in the fingerprint above, which describes the formatter functions they hold
        if name in BUILD_SPECIFIC and not read & {"." + name, "*"}:
            continue
        if name == "plugins":
            # A plugin by its settings; a hook (a module, no settings) by its name and file.
            value = {key: getattr(plugin, "config", None) or stable_repr(plugin) for key, plugin in value.items()}
        elif name == "theme":
            value = {"name": value.name, "dirs": value.dirs, **dict(value.items())}
        try:
            described[name] = describe(value, None)
        except Opaque:
            # Settings are data read from mkdocs.yml; the odd object among them (a slugify partial, say) is
            # known by its repr, as the execution cache knows the Markdown extensions' formatter functions.
            described[name] = json.dumps(value, sort_keys=True, default=stable_repr)
    return described


def _names_read(env, searchpath: list[str], static: set[str], sources: list, store) -> set[str]:
    """Every name in the page templates' tags, and every attribute and constant key (as ``.name``); ``*`` if a
    template cannot be read. The theme's static templates, such as sitemap.xml, are rendered without a page
    and left out. Names come from Jinja's tokens rather than its syntax trees: a third of the time on
    Material's templates (0.07 s, where parsing took 0.2 s and walking the trees as much again, in every cold
    build), and a superset of the variables read (keywords, filters and names a template sets come too),
    which can only key a page by more than it needs. The result is kept for each set of sources."""
    key = key_of([NAMES_FORMAT, jinja2.__version__, sources, sorted(static)])
    stored = store.get(NAMES_KIND, key)
    if stored is not None:
        return set(json.loads(stored))
    read: set[str] = set()
    for folder in map(Path, searchpath):
        resolved = folder.resolve()
        for path in _files(resolved, packaged=packaged_in(resolved) is not None):
            name = path.relative_to(resolved).as_posix()
            if name in static or path.suffix not in TEMPLATE_SUFFIXES:
                continue
            try:
                read |= _names_in(env.lex(path.read_text(encoding="utf-8")))
            except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
                read.add("*")
    store.put(NAMES_KIND, key, json.dumps(sorted(read)))
    return read


def _names_in(tokens) -> set[str]:
    """Names in ``Environment.lex``'s raw tokens: a name after ``.`` and a quoted key after ``[`` (``config.site_dir``,
    ``config["site_dir"]``) with a dot before it, any other name as it is."""
    names: set[str] = set()
    previous = None
    for _, kind, value in tokens:
        if kind == "name":
            names.add("." + value if previous == "." else value)
        elif kind == "string" and previous == "[":
            names.add("." + value[1:-1])
        if kind != "whitespace":
            previous = value if kind == "operator" else kind
    return names


def _files(folder: Path, packaged: bool):
    for directory, subfolders, names in os.walk(folder):
        # A package's icons and assets are SVG and CSS/JS, not Jinja: its templates are the rest.
        subfolders[:] = sorted(d for d in subfolders if not (packaged and d in {".icons", "assets"}))
        for name in sorted(names):
            yield Path(directory, name)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
