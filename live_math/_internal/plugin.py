"""The MkDocs plugin: maps MkDocs' build events onto the layer's parts, and does nothing else itself.

on_startup        note whether this is `mkdocs serve` (which keeps one instance, one KaTeX and the workers'
                  snapshots across rebuilds)
on_config         under serve, let MkDocs log again what an earlier rebuild logged; link the features' stylesheets
                  and scripts from every page; date the build by the last commit (before other plugins read the
                  date); open the build cache (before other plugins make template environments, which it keeps
                  compiled)
on_pre_build      check the sources; start execution and math for this build
on_files          publish KaTeX's stylesheet and fonts, and the features' own stylesheets and scripts (published/)
on_nav            check that no two pages share a URL; find every page's snippets and start running those
                  the cache lacks, in worker processes
on_page_markdown  number the page's equations and citations; take its snippet outputs (in page order)
on_page_content   give numbered equations their ids and fill figure references (before search indexes the
                  page); check the page's HTML and figures; add the notebook link and, under frozen
                  outputs, the line saying when and with what they were computed
on_post_page      typeset the finished page's formulas (after search has indexed their TeX); check the page
on_post_build     save the caches; report what ran and which blocks printed a lot; fail with every problem the
                  checks found; mark the build
                  finished (BLOG_BUILD_DONE)
on_env            hand page templates the rendered-page cache
on_page_context   mark the page's context, so its template gives the stored output when nothing it reads
                  has changed (keyed when the template renders, after every plugin's on_page_context)
on_serve          show a failed rebuild's errors in the browser instead of a page that never loads; look for
                  saved files more often than MkDocs does
on_build_error    stop every worker; keep what the failed build stored, stop using the page cache
on_shutdown       stop taking snapshots in the background; end the workers' parent process and every snapshot
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from live_math._internal import published
from live_math._internal.caching import cache_dir, new_build
from live_math._internal.checks.checker import PASSED_KIND, Checker
from live_math._internal.checks.front_matter import check_blog_posts
from live_math._internal.config import LiveMathConfig, notebooks_on, project_dir
from live_math._internal.execution.executor import Executor, parse_timeout
from live_math._internal.execution.sessions import Limits
from live_math._internal.execution.snapshots import Snapshots
from live_math._internal.execution.warming import Warming
from live_math._internal.execution.workers import Zygotes
from live_math._internal.math.katex import Typesetter, find_katex
from live_math._internal.notebook.page import NotebookMaker
from live_math._internal.reproducible import date_build_by_last_commit
from live_math._internal.sandbox.policy import Sandbox, resolve_mode
from live_math._internal.serve import poll_every, show_build_errors
from live_math._internal.speed import internals
from live_math._internal.speed.html_reads import KINDS as HTML_READ_KINDS
from live_math._internal.speed.html_reads import HtmlReads
from live_math._internal.speed.output_markdown import OutputConverters
from live_math._internal.speed.pages import KINDS as PAGE_KINDS
from live_math._internal.speed.pages import RenderCache, executor_probes
from live_math._internal.speed.rendered import KINDS as RENDERED_KINDS
from live_math._internal.speed.rendered import Renderings
from live_math._internal.speed.store import Store
from live_math._internal.speed.templates import KIND as TEMPLATE_KIND
from live_math._internal.speed.theme import KIND as THEME_FILES_KIND
from live_math._internal.speed.theme import ThemeEnvs
from live_math._internal.writing import tables
from live_math._internal.writing.writer import Writing

log = logging.getLogger("mkdocs.plugins.live_math")


class LiveMathPlugin(BasePlugin[LiveMathConfig]):
    """Runs posts' Python at build time, typesets their math with KaTeX and checks posts before publishing."""

    supports_multiple_instances = False

    def __init__(self):
        self.executor: Executor | None = None
        self.notebooks: NotebookMaker | None = None
        self.typesetter = Typesetter()
        self.zygotes = Zygotes()  # the workers' warm parent, kept across `mkdocs serve` rebuilds
        self.snapshots = Snapshots()  # paused copies of the workers, kept across `mkdocs serve` rebuilds
        self.warming = Warming(self.snapshots, self.zygotes)  # takes them in the background between rebuilds
        self.serving = False
        self.checker: Checker | None = None
        self.store: Store | None = None
        self.pages: RenderCache | None = None
        self.renderings: Renderings | None = None
        self.html_reads: HtmlReads | None = None
        self.writing = Writing()

    def on_startup(self, *, command, dirty):
        """Defined so that MkDocs keeps this instance across `mkdocs serve` rebuilds: KaTeX's V8 starts once."""
        self.serving = command == "serve"

    @event_priority(100)  # before the RSS plugin's on_config, which reads the build date
    def on_config(self, config):
        if self.serving:  # each rebuild reports its errors in full, even those an earlier rebuild reported
            internals.forget_logged_messages()
        self.project = project_dir(config)
        if self.config.reproducible and not date_build_by_last_commit(self.project):
            log.info("not a git checkout: feed and sitemap dates come from the clock")
        self.cache_dir = cache_dir(self.project, self.config.cache_dir)
        self.fresh = os.environ.get("BLOG_NO_CACHE") == "1"
        if self.config.speed.enabled:
            # Here, first of all plugins: the search and blog plugins make template environments in on_config.
            if self.store is not None:  # a rebuild whose configuration failed to load left it open
                self._close_store(prune=())
            internals.install()
            self.store = Store(self.cache_dir / "build.sqlite")
            internals.theme_envs = ThemeEnvs(self.store, read=not self.fresh)
        published.link(config, *published.assets(self._features(config), self._katex_css()))
        if self.config.writing.enabled and "attr_list" not in config.markdown_extensions:
            # References and citations are written as Markdown links with classes (writing/cards.py).
            config.markdown_extensions.append("attr_list")
        execution = self.config.execution
        if execution.enabled:
            timeout = execution.timeout
            if os.environ.get("BLOG_SNIPPET_TIMEOUT"):
                timeout = parse_timeout(os.environ["BLOG_SNIPPET_TIMEOUT"], "BLOG_SNIPPET_TIMEOUT")
            helpers = [self.project / folder for folder in execution.helpers]
            readable = [Path(config.docs_dir), *helpers, *(self.project / folder for folder in execution.read)]
            sandbox = Sandbox(resolve_mode(execution.sandbox), readable, execution.environment, self.project)
            self.executor = Executor(
                Limits(timeout, execution.memory, execution.max_output),
                helpers,
                list(execution.cache_packages),
                workers=execution.workers or os.cpu_count() or 1,
                preload=list(execution.preload),
                zygotes=self.zygotes,
                sandbox=sandbox,
                snapshots=self.snapshots,
                snapshot_limit=execution.snapshots if self.serving else 0,  # a plain build edits nothing
                warming=self.warming,
                warm_pages=execution.warm_snapshots if self.serving else 0,
                freeze=execution.freeze,
                missing_module=execution.missing_module,
            )
            if notebooks_on(self.config.notebook.enabled, config.theme.name):
                self.notebooks = NotebookMaker(
                    self.project, self.executor, config.site_url or "", self.cache_dir / "notebooks"
                )
        math = self.config.math
        if math.enabled:
            katex_js = find_katex(self.project, math.katex_dir)
            self.typesetter.start_build(
                katex_js,
                dict(math.macros),
                self.cache_dir / "katex.json",
                math.assets_dir,
                fresh=self.fresh,
                build_store=self.store,
            )
        if self.config.writing.enabled and tables.NAME not in config.markdown_extensions:
            config.markdown_extensions.append(tables.NAME)  # `$|x|$` in a table cell is math, not a border
        if self.config.checks.enabled:
            passes = self.store if self.store is not None and not self.fresh else None
            self.checker = Checker(config, self.config.checks, store=passes)
        else:
            self.checker = None
        if self.config.writing.enabled:
            writing = self.config.writing
            report = self.checker.report if self.checker else None  # its mistakes listed with the checks' problems
            self.writing.start_build(self.project, Path(config.docs_dir), writing.bibliography, writing.style, report)
        return config

    @event_priority(100)  # nothing should run for a site whose posts will not build
    def on_pre_build(self, config):
        new_build()  # an unusable cache is reported once per build
        if self.checker:
            self.checker.check_sources(config)
        elif self.config.checks.front_matter:
            check_blog_posts(config, self.config.checks.help)
        if self.executor:
            # Here rather than in on_config: markdown-exec adds its fences in its own on_config.
            self.executor.install(config.mdx_configs)
            self.executor.start_build(
                self.project,
                self.cache_dir / "execution",
                read_cache=not self.fresh,
                markdown_extensions=config.markdown_extensions,
                mdx_configs=config.mdx_configs,
            )
        if self.store is not None:
            # After the executor's install: the Markdown settings it changes are part of the page keys.
            fence_outputs, executor_html = executor_probes(self.executor)
            self.pages = RenderCache(self.store, config, fence_outputs, executor_html, read=not self.fresh)
            internals.active = self.pages
            internals.output_markdown_converters = OutputConverters()
            self.html_reads = internals.html_reads = HtmlReads(self.store, read=not self.fresh)

    def on_env(self, env, config, files):
        if self.store is not None:
            self.renderings = Renderings(self.store, read=not self.fresh)
            self.renderings.attach(env)
        return env

    def on_page_context(self, context, page, config, nav):
        if self.renderings is not None:
            self.renderings.prepare(context, page, config)
        return context

    def on_files(self, files, config):
        self.files = files
        if self.config.math.enabled:
            self.typesetter.add_assets(files, config)
        published.publish(files, config, self._features(config))
        return files

    def _features(self, config) -> list[str]:
        """The features that are on and have files of their own to publish (published/)."""
        on = {name: bool(self.config[name].enabled) for name in published.FEATURES}
        on["notebook"] = on["execution"] and notebooks_on(self.config.notebook.enabled, config.theme.name)
        return [name for name in published.FEATURES if on[name]]

    def _katex_css(self) -> str | None:
        return f"{self.config.math.assets_dir}/katex.min.css" if self.config.math.enabled else None

    @event_priority(-100)  # after the blog's on_nav, which puts the posts (but not the drafts) back in the site
    def on_nav(self, nav, config, files):
        if self.checker:
            self.checker.check_urls(files, config)
        if self.executor:
            self.executor.plan_site(files.documentation_pages())
        return nav

    def on_page_markdown(self, markdown, page, config, files):
        if self.checker:
            self.checker.remember(page)
        if self.config.math.enabled:
            self.typesetter.remember_page(page, markdown)
        if self.notebooks:
            self.notebooks.remember(page, markdown)
        if self.config.writing.enabled:
            markdown = self.writing.rewrite_markdown(markdown, page)
        if self.executor:
            return self.executor.run_page(markdown, page)
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.config.writing.enabled:
            html = self.writing.finish_content(html, page)
        if self.checker:
            self.checker.check_content(html, page)
        if self.notebooks:
            html = self.notebooks.add(html, page, config.site_dir)
        if self.executor:
            html += self.executor.provenance_html(page.file)
        if self.config.math.enabled:  # MkDocs converts every page before it renders any: KaTeX has time
            self.typesetter.prefetch_page(html)
        return html

    def on_post_page(self, output, page, config):
        formula_problems = [] if self.checker else None  # reported with the others at the end of the build
        if self.checker:  # before typesetting: KaTeX's HTML is most of a page's bytes and adds nothing to check
            self.checker.check_page(output, page, config)
        if self.config.math.enabled:
            output = self.typesetter.typeset_page(output, page, config, formula_problems)
        if self.checker:
            self.checker.add_formula_problems(formula_problems)
        return output

    def on_post_build(self, config):
        if self.executor:
            self.executor.end_build()
        if self.config.math.enabled:
            self.typesetter.end_build()
        if self.checker:
            if self.executor:
                printed = {
                    location: self.executor.shown_output(location)[0] for location in self.executor.build.outputs
                }
                self.checker.note_large_outputs(printed, self.config.execution.max_output)
            self.checker.finish(self.files, config)
        if self.store is not None:
            reports = [self.pages.report(), self.html_reads.report()]
            if self.renderings:
                reports.append(self.renderings.report())
            log.info(f"pages: {'; '.join(reports)}")
            kinds = (*PAGE_KINDS, TEMPLATE_KIND, THEME_FILES_KIND, *RENDERED_KINDS, *HTML_READ_KINDS, PASSED_KIND)
            self._close_store(prune=kinds)
        if os.environ.get("BLOG_BUILD_DONE"):  # scripts/build.py swaps the new site in only if this exists
            Path(os.environ["BLOG_BUILD_DONE"]).write_text(config.site_dir, encoding="utf-8")

    def on_serve(self, server, config, builder):
        if self.config.serve_errors:
            show_build_errors(server, config.site_name)
        if self.config.speed.enabled:
            poll_every(server, self.config.speed.serve_poll_interval)
        return server

    def on_build_error(self, error):
        if self.executor:
            self.executor.abort()
        if self.store is not None:
            self._close_store(prune=())

    def on_shutdown(self):
        self.warming.close()  # first: it would take snapshots again
        self.snapshots.close()
        self.zygotes.close()

    def _close_store(self, prune) -> None:
        internals.active = internals.html_reads = internals.theme_envs = internals.output_markdown_converters = None
        if self.renderings is not None:
            self.renderings.close()
        try:
            self.store.end_build(prune)
        finally:
            self.store.close()
            self.store = self.pages = self.renderings = self.html_reads = None
