"""Typeset every formula at build time with KaTeX, so pages carry finished math and load no math JavaScript.

pymdownx.arithmatex (``generic: true``) wraps each ``$...$`` in ``<span class="arithmatex">\\(...\\)</span>``
and each ``$$...$$`` in ``<div class="arithmatex">\\[...\\]</div>``. On the finished page (after the search
plugin has read the TeX source) :class:`Typesetter` replaces those with KaTeX's HTML, rendered by the pinned
npm ``katex`` package inside an embedded V8 (mini-racer). The KaTeX stylesheet and ``.woff2`` fonts of the
same release are added to the site's files so nothing is fetched from elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from live_math._internal.caching import store
from live_math._internal.checks.math import blocked_command
from live_math._internal.checks.report import shorten
from live_math._internal.config import project_dir
from live_math._internal.math.stored_formulas import StoredFormulas

MATH_ELEMENT = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"</(?P=tag)>",
    re.DOTALL,
)

# Errors are caught per formula inside JavaScript so that one bad formula reports itself by name
# instead of aborting the whole batch with an opaque exception.
# Each formula gets its own copy of the site's macros: KaTeX adds \gdef's definitions to the object it is
# given, and one formula's definitions must not change another's rendering.
RENDER_BATCH_JS = """
// \\href is trusted only to a place on the same page: the equation references of live_math.writing.
function trust(context) { return context.command === "\\\\href" && context.url.charAt(0) === "#"; }
function renderBatch(items, macros) {
  return JSON.stringify(items.map(function (item) {
    try {
      var options = {displayMode: item[1], throwOnError: true, macros: Object.assign({}, macros), trust: trust};
      return {html: katex.renderToString(item[0], options)};
    } catch (e) {
      return {error: String(e.message || e), position: e.position === undefined ? null : e.position};
    }
  }));
}
"""


class KatexError(ValueError):
    """A formula KaTeX cannot typeset; ``message`` is KaTeX's own explanation."""

    def __init__(self, tex: str, message: str):
        super().__init__(f"KaTeX error: {message} in {tex!r}")
        self.tex = tex
        self.message = message


@dataclass(frozen=True)
class Rendered:
    html: str | None = None
    error: str | None = None


class KatexRenderer:
    """Renders TeX to HTML with one KaTeX instance; results are memoized per (formula, display mode).

    V8 starts only when a formula is neither memoized nor ``remember``-ed from the disk cache, so a build
    whose formulas are all cached never pays for it. ``renders`` counts the formulas KaTeX really typeset.

    V8 is only ever called from one thread of this renderer's own: :meth:`prefetch` hands it a page's
    formulas as soon as the page is converted, and it typesets them on a core of its own (mini-racer waits
    for V8 without holding the GIL) while MkDocs converts the next pages; :meth:`render_many` collects them.
    Results do not depend on the order formulas arrive in, so the pages are the same bytes either way.
    """

    def __init__(self, katex_js: Path, macros: dict[str, str] | None = None):
        self.katex_js = katex_js
        self.macros = dict(macros or {})
        self.version = _katex_version(katex_js)
        # What the HTML depends on besides the formula: the KaTeX release, the options we call it with and
        # the site's macros.
        options = json.dumps([RENDER_BATCH_JS, self.macros], sort_keys=True)
        self.cache_tag = f"{self.version}+{hashlib.sha256(options.encode()).hexdigest()[:12]}"
        self._js = None
        self._memo: dict[tuple[str, bool], Rendered] = {}
        self._pending: dict[tuple[str, bool], Future] = {}  # formulas handed to the KaTeX thread, not yet back
        self._thread: ThreadPoolExecutor | None = None
        self.renders = 0
        self.requested: set[tuple[str, bool]] = set()  # every formula asked for since the build began

    def remember(self, rendered: dict[tuple[str, bool], str]) -> None:
        """Take formulas typeset earlier (by this KaTeX version) as already rendered."""
        for formula, html_ in rendered.items():
            self._memo.setdefault(formula, Rendered(html_))

    def rendered(self, formulas) -> dict[tuple[str, bool], str]:
        """The HTML of those of ``formulas`` that rendered without error."""
        return {f: self._memo[f].html for f in formulas if f in self._memo and self._memo[f].html is not None}

    def prefetch(self, formulas) -> None:
        """Start typesetting those of ``formulas`` not rendered yet, on the KaTeX thread, and return at once."""
        missing = sorted({f for f in formulas if f not in self._memo and f not in self._pending})
        if missing:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-math KaTeX")
            batch = self._thread.submit(self._typeset, missing)
            for formula in missing:
                self._pending[formula] = batch

    def render_many(self, formulas: list[tuple[str, bool]]) -> list[Rendered]:
        """Render ``(tex, display)`` pairs (one call into V8 for those not prefetched); errors come back as
        ``Rendered.error``."""
        self.requested.update(formulas)
        self.prefetch(formulas)
        for formula in formulas:
            batch = self._pending.get(formula)
            if batch is not None:
                try:
                    batch.result()  # raises here what went wrong on the KaTeX thread (V8 failing to start, say)
                finally:
                    self._pending.pop(formula, None)  # tried again if asked again
        return [self._memo[f] for f in formulas]

    def _typeset(self, formulas: list[tuple[str, bool]]) -> None:
        results = json.loads(self._engine().call("renderBatch", [list(f) for f in formulas], self.macros))
        for formula, result in zip(formulas, results, strict=True):
            self._memo[formula] = Rendered(result.get("html"), result.get("error"))
        self.renders += len(formulas)

    def render(self, tex: str, display: bool = False) -> str:
        """Render one formula or raise :class:`KatexError`."""
        (result,) = self.render_many([(tex, display)])
        if result.error:
            raise KatexError(tex, result.error)
        return result.html

    def _engine(self):
        if self._js is None:
            from py_mini_racer import MiniRacer  # imported here: loading V8 costs time only when used

            self._js = MiniRacer()
            self._js.eval(self.katex_js.read_text(encoding="utf-8"))
            self._js.eval(RENDER_BATCH_JS)
        return self._js


class FormulaCache:
    """Formulas rendered by one KaTeX version, kept in one JSON file between builds.

    The file holds ``{"katex": version, "formulas": [[tex, display, html], ...]}``, where ``version`` is
    the renderer's ``cache_tag`` (KaTeX release and render options). It is replaced atomically, so a
    reader sees the old file or the new one; a file from another version, an unreadable file or a
    malformed entry is ignored, which only means those formulas render again.
    """

    def __init__(self, path: Path, version: str):
        self.path = path
        self.version = version

    def load(self) -> dict[tuple[str, bool], str]:
        """The cached ``(tex, display) -> html`` entries; empty if there is no usable cache."""
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("katex") != self.version:
            return {}
        entries = stored.get("formulas")
        return {
            (entry[0], entry[1]): entry[2]
            for entry in (entries if isinstance(entries, list) else [])
            if _is_entry(entry)
        }

    def save(self, rendered: dict[tuple[str, bool], str], previous=None) -> None:
        """Replace the cache with ``rendered``, writing a temporary file first."""
        formulas = [[tex, display, html_] for (tex, display), html_ in sorted(rendered.items())]
        text = json.dumps({"katex": self.version, "formulas": formulas}, ensure_ascii=False)
        store(self.path, text, self.path.parent)

    def stamp(self) -> tuple[int, int] | None:
        """The file as it is now (time and size): another build's save changes it."""
        return _stamp(self.path)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _is_entry(entry) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], bool)
        and isinstance(entry[2], str)
        and entry[2].startswith('<span class="katex')
    )


def _katex_version(katex_js: Path) -> str:
    package_json = katex_js.parent.parent / "package.json"
    return json.loads(package_json.read_text(encoding="utf-8"))["version"]


def find_katex(project_dir: Path, katex_dir: str = "node_modules/katex") -> Path:
    """Locate the pinned ``katex.min.js`` installed by ``npm ci``, or say how to install it."""
    katex_js = project_dir / katex_dir / "dist" / "katex.min.js"
    if not katex_js.is_file():
        raise PluginError(
            f"KaTeX is not installed ({katex_js} is missing): run `npm ci` in {project_dir}"
            " (or set math.katex_dir of the live-math plugin to where the npm package `katex` is)."
        )
    return katex_js


def line_of(tex: str, markdown: str) -> int | None:
    """The 1-based line of ``markdown`` where ``tex`` (or its first line) appears, if it does."""
    first = tex.strip().splitlines()[0] if tex.strip() else ""
    # "$x" before "x": a short formula's bare text can occur earlier in the prose.
    for needle in ("$" + tex.strip(), tex.strip(), first):
        if needle.strip("$"):
            index = markdown.find(needle)
            if index >= 0:
                return markdown.count("\n", 0, index) + 1
    return None


def typeset(page_html: str, renderer: KatexRenderer, locate, problems: list | None = None) -> str:
    """Replace every arithmatex element of ``page_html`` with KaTeX's HTML.

    ``locate(tex)`` returns a ``"path:line"`` string naming where a formula was written. A formula KaTeX
    refuses, or one using a command it renders only when trusted, is left as it was and reported as
    ``(where, what, fix)``: appended to ``problems``, or, without it, raised together in one PluginError.
    """
    matches = list(MATH_ELEMENT.finditer(page_html))
    if not matches:
        return page_html
    formulas = [_formula(m) for m in matches]
    results = renderer.render_many(formulas)
    errors = []
    for (tex, _), result in zip(formulas, results, strict=True):
        if result.error:
            what = f"KaTeX error: {' '.join(result.error.split())} in '{shorten(tex)}'"
            errors.append((locate(tex), what, "correct the formula there; KaTeX's reason is above"))
        elif command := blocked_command(tex):
            what = f"{command} in '{shorten(tex)}' would show as red text: KaTeX renders it only when trusted"
            fix = f"move the link or markup out of the formula: write it in Markdown next to the math, not {command}"
            errors.append((locate(tex), what, fix))
    if errors and problems is None:
        raise PluginError("\n".join(dict.fromkeys(f"{where}: {what}" for where, what, _ in errors)))
    if errors:
        problems.extend(errors)
    pieces, last = [], 0
    for match, (_, display), result in zip(matches, formulas, results, strict=True):
        pieces.append(page_html[last : match.start()])
        tag = "div" if display else "span"
        pieces.append(f'<{tag} class="arithmatex">{result.html}</{tag}>' if result.html else match[0])
        last = match.end()
    pieces.append(page_html[last:])
    return "".join(pieces)


def _formula(match: re.Match) -> tuple[str, bool]:
    display = match.group("display") is not None
    tex = match.group("display") if display else match.group("inline")
    return html.unescape(tex), display


class Typesetter:
    """Typesets a build's pages: KaTeX's assets added to the site, formulas cached between builds.

    One lives as long as the plugin (all of a `mkdocs serve` session); V8 starts once and only when a
    formula is not in the cache.
    """

    def __init__(self):
        self.renderer: KatexRenderer | None = None
        self.cache: FormulaCache | StoredFormulas | None = None
        self.cached: dict[tuple[str, bool], str] = {}
        self.pages: dict[str, tuple] = {}  # src_uri -> (File, Markdown): read again only to locate a failing formula
        self.assets_dir = "assets/katex"
        self.stamp = None  # the formula cache as last read or written (see FormulaCache.stamp)
        self.fresh = False

    def start_build(
        self, katex_js: Path, macros: dict[str, str], cache_file: Path, assets_dir: str, fresh: bool, build_store=None
    ):
        """Load the formula cache (unless ``fresh``: every formula renders again, the cache is still saved):
        from the ``build_store`` if given (``stored_formulas.py``), else from ``cache_file``."""
        reused = self.renderer is not None and self.renderer.katex_js == katex_js and self.renderer.macros == macros
        if not reused:
            self.renderer = KatexRenderer(katex_js, macros)
        self.renderer.requested = set()
        self.assets_dir = assets_dir
        if build_store is not None:
            self.cache = StoredFormulas(build_store, self.renderer.cache_tag)
            with contextlib.suppress(OSError):
                cache_file.unlink(missing_ok=True)  # the store holds the formulas from now on
        else:
            self.cache = FormulaCache(cache_file, self.renderer.cache_tag)
        stamp = self.cache.stamp()
        if fresh:
            self.cached = {}
        elif not (reused and stamp is not None and stamp == self.stamp):
            # Under `mkdocs serve` the renderer already holds what the file holds, unless another build wrote it.
            self.cached = self.cache.load()
            self.renderer.remember(self.cached)
        self.stamp = None if fresh else stamp
        self.fresh = fresh
        self.pages = {}

    def add_assets(self, files: Files, config) -> None:
        """Publish the stylesheet and ``.woff2`` fonts of the KaTeX release that renders the HTML."""
        dist = self.renderer.katex_js.parent
        for path in [dist / "katex.min.css", *sorted((dist / "fonts").glob("*.woff2"))]:
            relative = path.relative_to(dist).as_posix()
            files.append(File.generated(config, f"{self.assets_dir}/{relative}", abs_src_path=str(path)))

    def remember_page(self, page, markdown: str) -> None:
        self.pages[page.file.src_uri] = (page.file, markdown)

    def prefetch_page(self, content: str) -> None:
        """Start typesetting the formulas of a page's converted content; ``typeset_page`` collects them."""
        self.renderer.prefetch(_formula(match) for match in MATH_ELEMENT.finditer(content))

    def typeset_page(self, output: str, page, config, problems: list | None = None) -> str:
        """The finished page with every formula typeset; a failing formula is reported at its source line
        (into ``problems`` if given, see :func:`typeset`), even when it first shows on a listing page."""
        docs_dir = Path(config.docs_dir).relative_to(project_dir(config)).as_posix()

        def locate(tex: str) -> str:
            # A listing page shows other pages' excerpts: look in this page first, then in every source.
            for src in [page.file.src_uri, *self.pages]:
                line = line_of(tex, self._source(src) if src in self.pages else "")
                if line is not None:
                    return f"{docs_dir}/{src}:{line}"
            return f"{docs_dir}/{page.file.src_uri}"

        return typeset(output, self.renderer, locate, problems)

    def end_build(self) -> None:
        """Keep exactly this build's formulas, so the file neither grows forever nor is rewritten when warm."""
        rendered = self.renderer.rendered(self.renderer.requested)
        if rendered != self.cached:
            self.cache.save(rendered, None if self.fresh else self.cached)
            self.cached, self.stamp = rendered, self.cache.stamp()

    def _source(self, src_uri: str) -> str:
        """The file as written, front matter included, so a reported line is the file's own line number."""
        file, markdown = self.pages[src_uri]
        try:
            return file.content_string
        except (OSError, TypeError, ValueError):
            return markdown
