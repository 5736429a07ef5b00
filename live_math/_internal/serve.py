"""Under ``mkdocs serve``, show a failed build's errors in the browser, and reload once a build succeeds.

MkDocs 1.6's development server (``mkdocs/livereload``) marks the site as being rebuilt when a file
changes and answers page requests only once that rebuild has succeeded. When it fails, the server stays
in that state: every request waits, the browser shows nothing, and the errors are only in the terminal.

MkDocs hands the server to the ``on_serve`` event (the plugin calls :func:`show_build_errors` there), and
two of its public seams are enough, so MkDocs itself is not patched:

- ``server.builder`` is what the server's build loop calls for each rebuild. It is wrapped so that a
  failed build is recorded (with the warnings and errors it logged) and does not reach the loop: the loop
  then treats the build as done, serves requests again, and tells open pages to reload.
- The server is a ``wsgiref`` server, whose application can be swapped with ``set_app``. While the last
  build failed, every page (a path ending in ``/`` or ``.html``) is answered with the error page; other
  files come from MkDocs as usual. The error page asks ``/.build-status/<n>`` whether a build after
  number ``n`` has finished (the request is held until one has, like MkDocs' own live-reload poll) and
  reloads itself when it has: into the page if the build succeeded, into the new errors if not.

The first build of ``mkdocs serve`` happens before ``on_serve``; when it fails, MkDocs exits with the
error in the terminal and there is no server for a browser to ask.

:func:`poll_every` shortens the wait before a rebuild starts. The server finds saved files with watchdog's
``PollingObserver``, made with a 0.5 s interval that MkDocs does not let a site change; the interval lives
in the observer's ``_timeout`` (read when a folder is watched) and in each already-watched folder's
emitter's ``_timeout`` (read before every look). Those two attributes of the installed watchdog are this
module's one reach into a library's internals (tests/test_serve_errors.py checks them).
"""

from __future__ import annotations

import html
import logging
import threading
import traceback
from collections.abc import Callable, Iterable

from mkdocs.exceptions import MkDocsException

log = logging.getLogger("mkdocs.plugins.live_math.serve")


def poll_every(server, seconds: float) -> None:
    """Make ``server`` (MkDocs' LiveReloadServer, before it serves) look for saved files every ``seconds``."""
    observer = getattr(server, "observer", None)
    if observer is None or not hasattr(observer, "_timeout"):
        log.debug("the server's file watcher is not the one live-math knows: polling interval unchanged")
        return
    observer._timeout = seconds  # for folders watched from now on (mkdocs.yml's `watch:`)
    for emitter in observer.emitters:  # for those already watched (docs/, mkdocs.yml)
        if hasattr(emitter, "_timeout"):
            emitter._timeout = seconds


STATUS_PATH = "/.build-status/"
STATUS_WAIT_SECONDS = 30  # a held status request is answered after this long anyway; the page asks again

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · {site_name}</title>
<style>
  :root {{ color-scheme: light dark; font-family: system-ui, sans-serif; }}
  body {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
  h1 {{ font-size: 1.4rem; color: #b3261e; }}
  @media (prefers-color-scheme: dark) {{ h1 {{ color: #f2b8b5; }} }}
  pre {{ white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.75rem; border: 1px solid #8888;
        border-radius: 4px; font-size: 0.9rem; }}
</style>
</head>
<body>
<main>
<h1>The site did not build</h1>
<p>The last build stopped with the errors below. Fix them and save: this page reloads by itself after the
next build.</p>
<pre>{errors}</pre>
</main>
<script>
(function wait(seen) {{
  fetch("{status_path}" + seen, {{cache: "no-store"}})
    .then(function (answer) {{ return answer.text(); }})
    .then(function (text) {{ if (parseInt(text, 10) > seen) location.reload(); else wait(seen); }},
          function () {{ setTimeout(function () {{ wait(seen); }}, 1000); }});
}})({build});
</script>
</body>
</html>
"""


class _BuildLog(logging.Handler):
    """Keeps the warnings and errors MkDocs and the plugins log during one build: under strict mode, a
    warning is what fails the build, and MkDocs logs a plugin's error message rather than raising it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("mkdocs.livereload"):  # the server's own request log, not the build's
            self.messages.append(record.getMessage())


class BuildErrorPages:
    """Wraps a LiveReloadServer's builder and WSGI application; see the module's docstring."""

    def __init__(self, build: Callable[[], None], app: Callable, site_name: str) -> None:
        self._build = build
        self._app = app
        self._site_name = site_name
        self._changed = threading.Condition()
        self.builds = 0  # builds finished since serving started, failed or not
        self.errors: list[str] | None = None  # what the last build reported, if it failed

    def build(self) -> None:
        build_log = _BuildLog()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(build_log)
        try:
            self._build()
        except Exception as error:
            errors = list(dict.fromkeys(build_log.messages))  # already in the terminal, as MkDocs logged them
            if isinstance(error, MkDocsException):  # Abort: a summary of the logged messages that say why
                summary = str(error)
                errors = errors or [summary]
            else:  # a crash in MkDocs or a plugin: its traceback is the message
                summary = "".join(traceback.format_exception(error)).rstrip()
                errors.append(summary)
            log.error(f"{summary}\nThe browser shows these errors until a build succeeds.")
        else:
            errors = None
        finally:
            logger.removeHandler(build_log)
        with self._changed:
            self.errors = errors
            self.builds += 1
            self._changed.notify_all()

    def app(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(STATUS_PATH):
            return self._status(path[len(STATUS_PATH) :], start_response)
        if not (path.endswith("/") or path.endswith(".html")):
            return self._app(environ, start_response)
        # MkDocs answers a page only once a build in progress is over, so look at the outcome afterwards.
        held: list[tuple] = []
        body = self._app(environ, lambda status, headers, exc_info=None: held.append((status, headers)))
        with self._changed:
            errors, builds = self.errors, self.builds
        if errors is None:
            start_response(*held[0])
            return body
        if hasattr(body, "close"):
            body.close()
        return self._error_page(errors, builds, start_response)

    def _status(self, seen: str, start_response: Callable) -> list[bytes]:
        with self._changed:
            if seen.isdigit():
                self._changed.wait_for(lambda: self.builds > int(seen), timeout=STATUS_WAIT_SECONDS)
            builds = self.builds
        start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
        return [str(builds).encode()]

    def _error_page(self, errors: list[str], builds: int, start_response: Callable) -> list[bytes]:
        page = PAGE.format(
            site_name=html.escape(self._site_name),
            errors=html.escape("\n".join(errors)),
            status_path=STATUS_PATH,
            build=builds,
        ).encode()
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
        start_response("500 Internal Server Error", [*headers, ("Cache-Control", "no-store")])
        return [page]


def show_build_errors(server, site_name: str) -> BuildErrorPages | None:
    """Make ``server`` (MkDocs' LiveReloadServer) show failed builds in the browser; see the module docstring."""
    if not (callable(getattr(server, "builder", None)) and hasattr(server, "set_app")):
        log.warning("this MkDocs server has no builder or set_app: build errors stay in the terminal")
        return None
    pages = BuildErrorPages(server.builder, server.get_app(), site_name)
    server.builder = pages.build
    server.set_app(pages.app)
    return pages
