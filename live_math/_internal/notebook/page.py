"""Give each page with live snippets its notebook: the zip beside the page, and a link to it under the title."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
from pathlib import Path

from live_math._internal.caching import later
from live_math._internal.execution.executor import OWN_OPTIONS, Executor
from live_math._internal.execution.fences import find_fences
from live_math._internal.execution.inline import find_inlines
from live_math._internal.notebook.prose import readable
from live_math._internal.writing.source import apply_edits

FORMAT = 2  # raise when the zip's contents change meaning, so cached zips are made again

TITLE_END = re.compile(r"</h1>")
# (helpers' fingerprint, helper folders, snippets) -> (helper files, pinned requirements), for this process:
# the fingerprint covers the helper files and the versions of the packages that key the execution cache.
_NEEDS: dict[tuple, tuple[list[Path], list[str]]] = {}


class NotebookMaker:
    """Makes the notebooks of one build from what the executor ran; ``pages`` holds each page's Markdown as
    the page gave it to the executor, read in ``on_page_markdown``."""

    def __init__(self, project: Path, executor: Executor, site_url: str, cache_dir: Path):
        self.project = project
        self.executor = executor
        self.site_url = site_url
        self.cache_dir = cache_dir
        self.pages: dict[str, str] = {}

    def remember(self, page, markdown: str) -> None:
        self.pages[page.file.src_uri] = markdown

    def add(self, content: str, page, site_dir: str) -> str:
        """Write the page's zip beside its HTML and return ``content`` with a link to it after the title;
        a page without executable fences is returned unchanged."""
        markdown = self.pages.get(page.file.src_uri)
        if markdown is None:
            return content
        source = page.file.content_string
        fences = find_fences(markdown, source, OWN_OPTIONS)
        if not fences:
            return content
        path = Path(os.path.relpath(page.file.abs_src_path, self.project)).as_posix()
        outputs = []
        for fence in fences:
            shown = self.executor.shown_output(f"{path}:{fence.line}")
            if shown is None:
                return content  # not run in this build (execution off): no notebook to give
            output, measured = shown
            outputs.append(None if measured else output)
        texts = self.executor.shown_values(path)
        slug = Path(page.file.dest_uri).parent.name or Path(page.file.src_uri).stem
        url = self.site_url.rstrip("/") + "/" + page.url if self.site_url else page.url
        # Everything the zip is made from, and the code that makes it: a warm build finds the zip without
        # making the notebook's prose (the executor's fingerprint covers the helper files and versions).
        key = hashlib.sha256(
            json.dumps(
                [FORMAT, _code_version(), self.executor.build.fingerprint, markdown, texts, outputs, content]
                + [[fence.line for fence in fences], page.title, url, slug]  # lines: the front matter may move them
            ).encode()
        ).hexdigest()
        cached = self.cache_dir / f"{key}.zip"
        try:
            data = cached.read_bytes()
        except OSError:
            prose, references = readable(_with_values(markdown, texts), content, page.title or "")
            data = self._zip(slug, page.title, url, prose, fences, outputs, references)
            later.store(cached, data, cached.parent.parent)  # a cache it cannot write is reported, not fatal
        # Written while the next pages convert; the build waits for it before it checks the site's links.
        later.write(Path(site_dir) / Path(page.file.dest_uri).parent / f"{slug}.zip", data)
        link = (
            f'<p class="live-math-notebook" data-search-exclude><a href="{html.escape(slug)}.zip" download>'
            f"Download this post as a Jupyter notebook</a> (zip, {_size(len(data))}): the prose, every snippet with "
            "its output, and the helpers and pinned packages it needs.</p>"
        )
        match = TITLE_END.search(content)
        at = match.end() if match else 0
        return content[:at] + link + content[at:]

    def _zip(self, slug, title, url, markdown, fences, outputs, references="") -> bytes:
        # Imported here: a warm build takes every zip from the cache and never needs zipfile or packaging.
        from live_math._internal.notebook.bundle import helper_files, requirements, zip_bundle
        from live_math._internal.notebook.cells import Block, notebook

        blocks = [Block(f, output, bool(f.options.get("html"))) for f, output in zip(fences, outputs, strict=True)]
        intro = (
            f"Made from the post [{title}]({url}) when the site was built. Run the cells in order: the "
            "outputs saved here are the ones the post shows (timings excepted, which no two runs repeat)."
        )
        codes = [block.fence.code for block in blocks]
        helpers = self.executor.helpers
        # The same snippets need the same files and packages: under `mkdocs serve`, a prose edit keeps them.
        needs = (self.executor.build.fingerprint, tuple(map(str, helpers)), tuple(codes))
        if needs not in _NEEDS:
            files = helper_files(codes, helpers)
            _NEEDS[needs] = files, requirements(codes, files, {folder.name for folder in helpers} | {"IPython"})
        files, pins = _NEEDS[needs]
        return zip_bundle(
            slug, title, url, notebook(title, intro, markdown, blocks, references), self.project, files, pins
        )


def _with_values(markdown: str, texts: list) -> str:
    """``markdown`` with its inline values as the page shows them, so the notebook's prose reads like the
    page's; a measurement is left for the reader's run to make, as a measured fence's output is."""
    values = [value.inline for value in find_inlines(markdown, lambda index: index)]
    if len(texts) != len(values):
        return markdown
    edits = [
        (value.start, value.end, f"`{value.expression}`" if text is None else text)
        for value, text in zip(values, texts, strict=True)
    ]
    return apply_edits(markdown, edits)


@functools.cache
def _code_version() -> str:
    """A hash of the code that turns a page into its notebook (``code_files``): a change to it makes every
    notebook again, as a change of FORMAT would."""
    digest = hashlib.sha256()
    for source in code_files():
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def code_files() -> list[Path]:
    """The files of that code: the notebook package, the writing modules its prose uses, and the execution
    modules that find a page's fences and values (tests/live_math/notebook checks that nothing is missed)."""
    package = Path(__file__).resolve().parent
    execution = package.parent / "execution"
    found = [execution / name for name in ("executor.py", "sessions.py", "fences.py", "inline.py")]
    return sorted([*package.glob("*.py"), *(package.parent / "writing").glob("*.py"), *found])


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"
