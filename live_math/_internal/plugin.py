"""The MkDocs plugin: maps MkDocs' build events onto the layer's parts, and does nothing else itself.

on_startup        (present so that `mkdocs serve` keeps one instance, and one KaTeX, across rebuilds)
on_config         date the build by the last commit (before other plugins read the date)
on_pre_build      check the posts; start execution and math for this build
on_files          publish KaTeX's stylesheet and fonts
on_page_markdown  run the page's snippets
on_post_page      typeset the finished page's formulas (after search has indexed their TeX)
on_env            keep compiled templates between builds
on_post_build     save the caches; report what ran
on_serve          show a failed rebuild's errors in the browser instead of a page that never loads
on_build_error    keep what the failed build stored, stop using the page cache
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from live_math._internal.caching import cache_dir
from live_math._internal.checks.front_matter import check_blog_posts
from live_math._internal.config import LiveMathConfig
from live_math._internal.execution.executor import Executor, parse_timeout
from live_math._internal.math.katex import Typesetter, find_katex
from live_math._internal.notebook.page import NotebookMaker
from live_math._internal.reproducible import date_build_by_last_commit
from live_math._internal.serve import show_build_errors
from live_math._internal.speed import internals
from live_math._internal.speed.pages import KINDS as PAGE_KINDS
from live_math._internal.speed.pages import RenderCache, executor_probes
from live_math._internal.speed.store import Store
from live_math._internal.speed.templates import KIND as TEMPLATE_KIND
from live_math._internal.speed.templates import StoreBytecodeCache

log = logging.getLogger("mkdocs.plugins.live_math")


class LiveMathPlugin(BasePlugin[LiveMathConfig]):
    """Runs posts' Python at build time, typesets their math with KaTeX and checks posts before publishing."""

    supports_multiple_instances = False

    def __init__(self):
        self.executor: Executor | None = None
        self.notebooks: NotebookMaker | None = None
        self.typesetter = Typesetter()
        self.store: Store | None = None
        self.pages: RenderCache | None = None

    def on_startup(self, *, command, dirty):
        """Defined so that MkDocs keeps this instance across `mkdocs serve` rebuilds: KaTeX's V8 starts once."""

    @event_priority(100)  # before the RSS plugin's on_config, which reads the build date
    def on_config(self, config):
        self.project = Path(config.config_file_path).parent
        if self.config.reproducible and not date_build_by_last_commit(self.project):
            log.info("not a git checkout: feed and sitemap dates come from the clock")
        self.cache_dir = cache_dir(self.project, self.config.cache_dir)
        self.fresh = os.environ.get("BLOG_NO_CACHE") == "1"
        execution = self.config.execution
        if execution.enabled:
            timeout = execution.timeout
            if os.environ.get("BLOG_SNIPPET_TIMEOUT"):
                timeout = parse_timeout(os.environ["BLOG_SNIPPET_TIMEOUT"], "BLOG_SNIPPET_TIMEOUT")
            helpers = [self.project / folder for folder in execution.helpers]
            self.executor = Executor(timeout, helpers, list(execution.cache_packages))
            if self.config.notebook.enabled:
                self.notebooks = NotebookMaker(
                    self.project, self.executor, config.site_url or "", self.cache_dir / "notebooks"
                )
        math = self.config.math
        if math.enabled:
            katex_js = find_katex(self.project, math.katex_dir)
            self.typesetter.start_build(
                katex_js, dict(math.macros), self.cache_dir / "katex.json", math.assets_dir, fresh=self.fresh
            )
        return config

    @event_priority(100)  # nothing should run for a site whose posts will not build
    def on_pre_build(self, config):
        if self.config.checks.front_matter:
            check_blog_posts(config)
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
        if self.config.speed.enabled:
            # After the executor's install: the Markdown settings it changes are part of the page keys.
            internals.install()
            self.store = Store(self.cache_dir / "build.sqlite")
            fence_outputs, executor_html = executor_probes(self.executor)
            self.pages = RenderCache(self.store, config, fence_outputs, executor_html, read=not self.fresh)
            internals.active = self.pages

    def on_env(self, env, config, files):
        if self.store is not None and not self.fresh:
            env.bytecode_cache = StoreBytecodeCache(self.store)
        return env

    def on_files(self, files, config):
        if self.config.math.enabled:
            self.typesetter.add_assets(files, config)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        if self.config.math.enabled:
            self.typesetter.remember_page(page, markdown)
        if self.notebooks:
            self.notebooks.remember(page, markdown)
        if self.executor:
            return self.executor.run_page(markdown, page)
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.notebooks:
            return self.notebooks.add(html, page, config.site_dir)
        return html

    def on_post_page(self, output, page, config):
        if self.config.math.enabled:
            return self.typesetter.typeset_page(output, page, config)
        return output

    def on_post_build(self, config):
        if self.executor:
            self.executor.end_build()
        if self.config.math.enabled:
            self.typesetter.end_build()
        if self.store is not None:
            log.info(f"pages: {self.pages.report()}")
            self._close_store(prune=(*PAGE_KINDS, TEMPLATE_KIND))

    def on_serve(self, server, config, builder):
        if self.config.serve_errors:
            show_build_errors(server, config.site_name)
        return server

    def on_build_error(self, error):
        if self.store is not None:
            self._close_store(prune=())

    def _close_store(self, prune) -> None:
        internals.active = None
        try:
            self.store.end_build(prune)
        finally:
            self.store.close()
            self.store = self.pages = None
