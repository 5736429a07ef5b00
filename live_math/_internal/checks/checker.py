"""Run every check at the point of the build where what it checks exists, and report them together.

    on_pre_build      sources: encoding, unclosed fences, front matter (keys and values), the feed's date keys
    on_nav            two pages with one URL (the blog gives posts their URLs in its on_files)
    on_page_content   the page's own HTML: unclosed tags, printed markup that needed html="true", white figures,
                      Markdown tables that were not made into tables
    on_post_page      the finished page, templates included: formulas (see math/katex.py), raw TeX, remote loads,
                      an id on two elements
    on_post_build     anchors, stylesheets; then every problem found since on_nav, in one error

Source problems stop the build before any snippet runs; the others are independent of each other and
are listed together at the end, so a writer fixes them in one go. Nothing is written to ``site/`` by
``make build`` unless the whole build succeeded (scripts/build.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from live_math._internal.checks import anchors, dates, figures, front_matter, html, ids, sources
from live_math._internal.checks import math as math_checks
from live_math._internal.checks.report import Report, shorten
from live_math._internal.config import project_dir
from live_math._internal.execution.limits import format_size
from live_math._internal.writing import tables

log = logging.getLogger("mkdocs.plugins.live_math")
PASSED_KIND = "checks-passed"  # in the build cache (speed/store.py): HTML that passed a stage's checks


class Checker:
    """The checks of one build (a new one per build, so `mkdocs serve` starts each rebuild clean).

    With a ``store`` (the build cache), a page's HTML that passed the page checks is remembered by its hash,
    with the checks' own code and options: the same HTML in a later build is not checked again (nothing it
    could find has changed). Only passes are remembered, so a problem is found, and named, every build.
    """

    def __init__(self, config, options, store=None):
        self.options = options
        self.report = Report(help=options.help)
        self.project = project_dir(config)
        self.pages: dict[str, object] = {}  # src_uri -> File, to trace a problem on a listing page to its post
        self.anchor_level = anchors.take_over(config) if options.anchors else logging.DEBUG
        self.store = store
        self.fingerprint = _checks_fingerprint(options) if store is not None else ""

    # --- where a problem was written ---------------------------------------------------------------------

    def label(self, file) -> str:
        if file.abs_src_path:
            return os.path.relpath(file.abs_src_path, self.project)
        return file.src_uri

    def source(self, file) -> str:
        try:
            return Path(file.abs_src_path).read_text(encoding="utf-8-sig")
        except (OSError, TypeError, ValueError):
            return ""

    def where(self, page, find) -> str:
        """``path:line`` of the first source where ``find(markdown)`` gives a line: the page's own, then the
        others' (a listing page shows excerpts of posts); the page's path alone if none does."""
        for file in [page.file, *(f for f in self.pages.values() if f is not page.file)]:
            line = find(self.source(file))
            if line:
                return f"{self.label(file)}:{line}"
        return self.label(page.file)

    # --- the stages -------------------------------------------------------------------------------------

    def check_sources(self, config) -> None:
        with self.report.timing("sources"):
            if self.options.sources or self.options.front_matter:
                options = self.options
                sources.check_sources(config, self.report, fences=options.sources, front_matter=options.front_matter)
            if self.options.front_matter:  # a file that is not UTF-8 is left to the sources check
                for problem in front_matter.blog_post_problems(config):
                    self.report.add(*problem.split(": ", 1))
            if self.options.sources:
                dates.check_feed_config(config, self.report)
        self.report.raise_problems()

    def check_urls(self, files, config) -> None:
        if not self.options.sources:
            return
        with self.report.timing("urls"):
            sources.check_unique_urls(files, config, self.report)
        self.report.raise_problems()

    def remember(self, page) -> None:
        self.pages[page.file.src_uri] = page.file
        dates.normalize_post_date(page)

    def check_content(self, content: str, page) -> None:
        """The page's HTML as Markdown and its snippets made it, before the theme wraps it."""
        with self.report.timing("content"), self._passed_before("content", content) as passed:
            if not passed:
                self._check_content(content, page)

    def _check_content(self, content: str, page) -> None:
        printed = figures.printed_markup(content) if self.options.figures else []
        for name in dict.fromkeys(printed):
            self.report.add(
                self.where(page, lambda md, name=name: figures.snippet_line(md, name)),
                f"a snippet printed <{name}> as Markdown, which splits it into paragraphs and breaks it",
                'add html="true" to the fence, so what it prints is inserted as HTML',
            )
        if self.options.html_balance and not printed:  # markup broken by Markdown is unbalanced too: one report
            for _line, tag, what in html.unbalanced_tags(content):
                name = tag.strip("</>").split()[0]
                self.report.add(
                    self.where(
                        page, lambda md, tag=tag, name=name: _line_of(md, tag) or figures.snippet_line(md, name)
                    ),
                    f"{what}, so the rest of the page (and every listing showing it) ends up inside it",
                    f"close it with </{name}> where it should end "
                    '(a snippet\'s html="true" output is inserted as written)',
                )
        for delimiter in tables.unmade_tables(content) if self.options.tables else ():
            self.report.add(
                self.where(page, lambda md, d=delimiter: _header_line(md, d) or figures.snippet_line(md, "|")),
                f"a Markdown table was published as plain text: no <table> was made of it ('{shorten(delimiter)}')",
                "leave a blank line before the table (right under a line of text it is read as part of that "
                "paragraph), and give the header row as many cells as the |---| row",
            )
        if self.options.figures and figures.opaque_white_figures(content):
            self.report.add(
                self.where(page, figures.background_line),
                "a figure has an opaque white background, which shows as a white block in dark mode",
                "save it with a transparent background (matplotlib: `savefig(..., transparent=True)`) and its "
                "text in the page's colour (`currentColor`), so it reads in light and dark mode alike",
            )

    def add_formula_problems(self, problems) -> None:
        """Formulas KaTeX refused, as ``(where, what, fix)`` from math/katex.py, named at their source line."""
        for problem in problems:
            self.report.add(*problem)

    def check_page(self, output: str, page, config) -> None:
        """The page as it will be published, formulas not yet typeset: raw TeX, and anything loaded from
        another host (templates and overrides included)."""
        with self.report.timing("page"), self._passed_before("page", output) as passed:
            if not passed:
                self._check_page(output, page, config)

    def _check_page(self, output: str, page, config) -> None:
        for delimiter, text in math_checks.untypeset_math(output) if self.options.math else ():
            self.report.add(
                self.where(page, lambda md, d=delimiter, t=text: math_checks.source_line(t, d, md)),
                f"math left untypeset: raw {delimiter} in '{shorten(text.strip(), 60)}'",
                "put display math ($$ … $$) on lines of its own with a blank line before and after; "
                "inline math is $…$ on one line",
            )
        if self.options.duplicate_ids and (repeated := ids.repeated_ids(output)):
            self.report.add(
                self.where(page, lambda md: _line_of(md, f'id="{repeated[0][0]}"')),
                f"{ids.describe(repeated)} on more than one element of {page.file.dest_uri}; an id names one "
                "element, and links to it (labels, SVG references) reach only the first",
                "give each element its own id; if the page's source does not repeat it, what repeats it "
                "(a snippet's output, a template) needs the fix",
            )
        if not self.options.external_resources:
            return
        # By default what the page's content brings (its Markdown, its snippets' output); the theme's
        # templates are the site's choice of theme, checked with theme_resources.
        for _line, what in html.remote_resources(output if self.options.theme_resources else page.content or ""):
            url = what.split('="', 1)[1].split('"', 1)[0] if '="' in what else what.rsplit(" ", 1)[-1]
            self.report.add(
                self.locate_remote(url, page, config),
                what,
                "serve the file from docs/ (or a package installed with pip/npm) and link it relatively: "
                "the site makes no request to other servers",
            )

    def locate_remote(self, url: str, page, config) -> str:
        """Where a remote URL was written: the page's source, a template override, or mkdocs.yml."""
        found = self.where(page, lambda md: _line_of(md, url))
        if ":" in found:
            return found
        custom_dir = config.theme.custom_dir
        templates = sorted(Path(custom_dir).rglob("*.html")) if custom_dir else []
        for path in [*templates, Path(config.config_file_path).resolve()]:
            line = _line_of(path.read_text(encoding="utf-8", errors="replace"), url)
            if line:
                return f"{os.path.relpath(path, self.project)}:{line}"
        return f"{page.file.dest_uri} (from the theme's templates)"

    def note_large_outputs(self, outputs: dict[str, str], limit: int) -> list[str]:
        """Say which blocks printed more than half of ``limit`` (``execution.max_output``): not a problem, so
        not a warning (a strict build would fail), but a heavy page the writer may not have meant. ``outputs``
        maps each block's ``path:line`` to what it printed; returns the notes logged."""
        notes = []
        for location, output in outputs.items():
            size = len(output.encode("utf-8", "surrogatepass"))
            if size > limit // 2:
                notes.append(
                    f"{location}: this block printed {format_size(size)}, more than half of the {format_size(limit)}"
                    " a block may print; a page this heavy is slow to load: print a summary, or a smaller figure"
                )
        for note in notes:
            log.info(note)
        return notes

    def finish(self, files, config) -> None:
        """Anchors and stylesheets; then raise every problem found since the sources were checked."""
        with self.report.timing("anchors"):
            anchors.check_anchors(files, config, self.anchor_level, self.report)
        with self.report.timing("html"):
            for file in files if self.options.external_resources else ():
                if file.dest_uri.endswith(".css") and self._own_or_checked(file, config):
                    css = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
                    for line, url in html.remote_in_css(css):
                        self.report.add(
                            f"{self.label(file)}:{line}",
                            f"the stylesheet loads {url} from another host",
                            "copy the file into docs/ (fonts under docs/assets/) and refer to it relatively",
                        )
        if stats := os.environ.get("BLOG_CHECK_STATS"):
            self.report.write_stats(stats)
        self.report.raise_problems()

    def _own_or_checked(self, file, config) -> bool:
        """Whether ``file`` is the site's own (under docs_dir), or the theme's with theme_resources on."""
        if not file.abs_src_path:
            return False
        if self.options.theme_resources:
            return True
        return Path(file.abs_src_path).resolve().is_relative_to(Path(config.docs_dir).resolve())

    @contextmanager
    def _passed_before(self, stage: str, text: str):
        """Whether ``text`` passed this stage's checks in an earlier build; if not, and nothing is found in the
        block, remember that it passes now."""
        if self.store is None:
            yield False
            return
        key = hashlib.sha256(f"{stage}\0{self.fingerprint}\0{text}".encode()).hexdigest()
        if self.store.get(PASSED_KIND, key) is not None:
            yield True
            return
        found = self.report.added
        yield False
        if self.report.added == found:
            self.store.put(PASSED_KIND, key, "")


def _checks_fingerprint(options) -> str:
    """The checks' code and options: a pass remembered under another version of either means nothing."""
    digest = hashlib.sha256(json.dumps(dict(options), sort_keys=True, default=str).encode())
    for path in [*sorted(Path(__file__).parent.glob("*.py")), Path(tables.__file__)]:  # tables: unmade tables
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _header_line(markdown: str, delimiter: str) -> int | None:
    """The line of the header row above the first ``delimiter`` (a table's ``|---|`` row) of ``markdown``."""
    for number, line in enumerate(markdown.splitlines(), start=1):
        if line.strip() == delimiter:
            return max(number - 1, 1)
    return None


def _line_of(markdown: str, needle: str) -> int | None:
    index = markdown.find(needle) if needle else -1
    return markdown.count("\n", 0, index) + 1 if index >= 0 else None
