"""One page's technical writing, in two steps around the Markdown conversion.

``rewrite_markdown`` (on_page_markdown) numbers equations and citations and links references in the
Markdown itself, so the blog's excerpts and the feed, which convert a post's Markdown again, read the same
numbers and links; ``finish_content`` (on_page_content, before the search plugin reads the page) gives the
numbered displays and captioned figures their ids and fills in figure and table references. The search
index keeps each formula's TeX (with ``\\tag{n}`` where ``\\label`` was); KaTeX typesets later.

A mistake (an unknown label, key or figure) is added to the build's report of problems when there is one
(the checks'), so that the build goes on and lists it with every other problem of every page; the page is
rewritten as far as it can be, a reference to nothing showing as "(??)". Without a report it is raised.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from live_math._internal.writing import citations, equations, figures
from live_math._internal.writing.source import Source, apply_edits, front_matter_lines

# A citation that the writer did not turn into a link, and the code where `[@key]` is shown on purpose.
RAW_CITATION = re.compile(r"\[(?:[^\[\]<>]*\s)?@\w[^\[\]<>]*\]")
CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
SOURCE_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)
SOURCE_CODE_SPAN = re.compile(r"(`+)[^\n]+?\1")


class Writing:
    """Equations, figures and citations of a build's pages; the site-wide bibliography is read once per build."""

    def __init__(self):
        self.bibs: dict[Path, tuple[float, dict]] = {}  # path -> (mtime, entries), kept across serve rebuilds
        self.equations: dict[str, dict] = {}  # src_uri -> {label: Equation}

    def start_build(self, project: Path, docs_dir: Path, bibliography: str, style: str, report=None) -> None:
        """Start a build; ``report`` (checks/report.py) collects the pages' mistakes, else the first is raised."""
        self.project = project
        self.docs_dir = docs_dir
        self.site_bib = docs_dir / bibliography if bibliography else None
        self.style = style
        self.equations = {}
        self.report = report
        self.reported: dict[str, set[int]] = {}  # src_uri -> lines already reported, not to report them twice

    def _problems(self, page, problems: list[str]) -> None:
        """Report ``problems`` (each ``path:line: what`` or ``path: what``), or raise them in one error."""
        if self.report is None:
            raise PluginError("\n".join(problems))
        for problem in problems:
            where, what = _split_where(problem)
            what, _, fix = what.partition("\n  ")  # the fix, on a line of its own
            self.report.add(where, what, fix)
            line = where.rsplit(":", 1)[-1]
            if line.isdigit():
                self.reported.setdefault(page.file.src_uri, set()).add(int(line))

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.project).as_posix()  # the project is absolute: resolve only a link
        except ValueError:
            try:
                return path.resolve().relative_to(self.project.resolve()).as_posix()
            except ValueError:
                return str(path)

    def rewrite_markdown(self, markdown: str, page) -> str:
        """The page's Markdown with equations numbered, references linked and citations resolved."""
        if "\\label" not in markdown and "ref" not in markdown and "@" not in markdown:
            return markdown
        path = self._shown(Path(page.file.abs_src_path))
        source = Source(markdown, front_matter_lines(_source_text(page, markdown), markdown))
        numbered, edits, errors = equations.number_equations(source)
        ref_edits, ref_errors = equations.link_references(source, numbered)
        edits += ref_edits
        errors += ref_errors
        section = ""
        errors += citations.malformed_citations(source)
        problems = []
        if citations.find_citations(source):
            try:
                entries, names = self._entries(page)
            except citations.BibError as error:
                if self.report is None:
                    raise PluginError(str(error)) from error
                problems.append(str(error))
            else:
                cite_edits, section, cite_errors = citations.cite(source, entries, self.style, names)
                edits += cite_edits
                errors += cite_errors
        problems += [f"{path}:{error}" for error in errors]
        if problems:
            self._problems(page, problems)
        self.equations[page.file.src_uri] = numbered
        return apply_edits(markdown, edits) + section

    def finish_content(self, page_html: str, page) -> str:
        """Ids on numbered displays and captioned figures, text in figure references; every id made known to
        MkDocs' anchor validation (it checks the links after all pages are converted)."""
        added: list[str] = []
        numbered = self.equations.get(page.file.src_uri)
        if numbered:
            page_html, added = equations.anchor_equations(page_html, numbered)
        path = self._shown(Path(page.file.abs_src_path))

        def locate(target: str) -> str:
            text = _source_text(page, "")
            index = text.find(f"](#{target})")
            return f"{path}:{text.count(chr(10), 0, index) + 1}: " if index >= 0 else f"{path}: "

        problems = []
        page_html = figures.link_figures(page_html, locate, problems)
        text = _blank_code(_source_text(page, ""))
        reported = self.reported.get(page.file.src_uri, set())
        for leftover in RAW_CITATION.finditer(CODE.sub("", page_html)):
            # Written as \[@…] on purpose, it shows as brackets; unescaped, the writer failed to read it.
            unescaped = [
                m.start() for m in re.finditer(re.escape(leftover.group(0)), text) if text[m.start() - 1] != "\\"
            ]
            line = text.count(chr(10), 0, unescaped[0]) + 1 if unescaped else 0
            if unescaped and line not in reported:  # a malformed citation is reported once, by rewrite_markdown
                what = f"{leftover.group(0)!r} would be published as raw text: it was not read as a citation."
                fix = "Write [@key], [@key1; @key2], [@key, p. 12] or [see @key]; in prose that is not a citation,"
                problems.append(f"{path}:{line}: {what}\n  {fix} escape the bracket as \\[.")
        if problems:
            self._problems(page, problems)
            # A reference to no figure is reported above; MkDocs' anchor check need not name it a second time.
            added += re.findall(r"\[\]\(#([^)\s]+)\) refers to no numbered", "\n".join(problems))
        if added and page.present_anchor_ids is not None:
            page.present_anchor_ids.update(added)
        return page_html

    def _entries(self, page) -> tuple[dict[str, dict], str]:
        """The keys a page may cite: the site's bibliography and the post's own ``bibliography:`` files."""
        files = []
        if self.site_bib and self.site_bib.is_file():
            files.append(self.site_bib)
        own = page.meta.get("bibliography") or []
        post = Path(page.file.abs_src_path)
        for name in [own] if isinstance(own, str) else own:
            if not isinstance(name, str):
                raise citations.BibError(f"{self._shown(post)}: bibliography: expected a path or a list of paths")
            path = post.parent / name
            if not path.is_file():
                raise citations.BibError(
                    f"{self._shown(post)}: bibliography: '{name}' does not exist (paths are relative to the post)"
                )
            files.append(path)
        entries: dict[str, dict] = {}
        for path in files:
            entries.update(self._load(path))
        names = " and ".join(self._shown(path) for path in files) or "no bibliography"
        return entries, names

    def _load(self, path: Path) -> dict[str, dict]:
        mtime = path.stat().st_mtime
        cached = self.bibs.get(path)
        if cached is None or cached[0] != mtime:
            self.bibs[path] = (mtime, citations.load_bib(path, self._shown(path)))
        return self.bibs[path][1]


def _split_where(problem: str) -> tuple[str, str]:
    """``("path:line", "what")`` of ``"path:line: what"`` (``("path", "what")`` without a line)."""
    path, _, rest = problem.partition(": ")
    return path, rest


def _blank_code(text: str) -> str:
    """``text`` with its code fences and code spans blanked out, line numbers kept."""
    text = SOURCE_FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return SOURCE_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)


def _source_text(page, default: str) -> str:
    """The page's file as written (front matter included), so lines are the file's own."""
    try:
        return page.file.content_string
    except (OSError, TypeError, ValueError):
        return default
