"""Check every post before anything runs: its front matter, and Liquid tags left over from Jekyll.

The blog plugin stops at the first bad post with a message that does not always say what to fix, and a
Liquid tag would otherwise be published as literal text. The plugin calls :func:`check_blog_posts` in
``on_pre_build`` (before any page is converted, so before any snippet runs); it reads the post files itself
and fails the build once, listing every problem of every post as ``docs/blog/posts/x.md: field: what is wrong``.

What a post's front matter needs (see CONTRIBUTING.md):

    title: A non-empty title
    date: 2026-11-25              # a real date; or a mapping with at least `created:`
    authors: [editor]             # keys of docs/blog/.authors.yml
    categories: [Mathematics]     # names from `categories_allowed` of the blog plugin in mkdocs.yml
    description: One sentence for listings, feeds and search engines.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from live_math._internal.config import project_dir

# The same front matter block the blog plugin and MkDocs recognise.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+).+?\1")
INLINE_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date such as 2026-02-30 as text, so it can be reported by field."""


def _timestamp_or_text(loader: _Loader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules in libyaml (~8× faster); a front matter it refuses is read again by :class:`_Loader`,
    whose messages the tests and CONTRIBUTING.md quote."""


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@functools.lru_cache(maxsize=4096)  # the sources check and this one read each post's front matter once
def read_front_matter(text: str) -> tuple[dict, int]:
    """Return (front matter, line where the body starts); raise ValueError saying what is wrong."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise ValueError("missing: a post starts with a '---' line, the fields, and a closing '---' line")
    try:
        meta = yaml.load(match.group(1), _FastLoader)
    except yaml.YAMLError:
        meta = None
    try:
        meta = meta if meta is not None else yaml.load(match.group(1), _Loader)
    except yaml.MarkedYAMLError as error:
        # Marks count from the YAML's first line, which is the file's line 2.
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 2}: " if mark else ""
        context = f" ({error.context} on line {error.context_mark.line + 2})" if error.context_mark else ""
        lines = match.group(1).splitlines()
        written = lines[mark.line] if mark and mark.line < len(lines) else ""
        fix = yaml_fix(written, error.problem or "")
        problem = ValueError(f"not valid YAML: {where}{error.problem or error}{context}{fix}")
        problem.line = mark.line + 2 if mark else None  # the file's line, for check_post's `path:line:`
        raise problem from None
    except yaml.YAMLError as error:
        raise ValueError(f"not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ValueError("must be a mapping of `field: value` lines")
    return meta, text.count("\n", 0, match.end()) + 1


def yaml_fix(line: str, problem: str) -> str:
    """The usual fix for a front matter ``line`` that YAML refused with ``problem``, as ``"; …"``."""
    key, colon, value = line.partition(":")
    value = value.strip()
    if "\t" in line and "'\\t'" in problem:
        return "; indent with spaces: YAML does not allow tabs"
    if colon and value and ("mapping values" in problem or "cannot start any token" in problem):
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        must = "; a value containing ': ' or starting with one of @ ` * & ! | > % must be quoted"
        return f"{must}: {key.strip()}: {quoted}"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return "; close the list with ] (or the mapping with }) on the same line, e.g. authors: [editor]"
    return "; write each field as `key: value` on one line, and put a value with special characters in quotes"


def check_date(value) -> str | None:
    """What is wrong with a post's ``date`` (a date, a datetime, or a mapping with ``created``), if anything."""
    if value is None:
        return "missing; write the publication date as YYYY-MM-DD"
    if isinstance(value, dict):
        if "created" not in value:
            return "a mapping of dates needs `created: YYYY-MM-DD`"
        for key, item in value.items():
            if problem := check_date(item):
                return f"{key}: {problem}"
        return None
    if isinstance(value, dt.date):  # datetime is a date too
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return f"{value!r} is not a real date"
        return f"{value!r} is quoted, so it is text: write it without quotes"
    return f"{value!r} is not a date; write YYYY-MM-DD without quotes"


def check_names(field: str, value, known: list[str], where: str) -> list[str]:
    """Problems with a list of names (authors, categories) that must be non-empty and come from ``known``."""
    if value is None or value == []:
        return [f"{field}: missing; name at least one of {', '.join(known)} ({where})"]
    if isinstance(value, str):
        return [f"{field}: must be a list, e.g. `{field}: [{value}]`"]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"{field}: must be a list of names, got {value!r}"]
    return [
        f"{field}: {name!r} is not one of {', '.join(known)} ({where})" for name in value if known and name not in known
    ]


def check_text(field: str, value) -> list[str]:
    if value is None:
        return [f"{field}: missing"]
    if not isinstance(value, str) or not value.strip():
        return [f"{field}: must be non-empty text, got {value!r}"]
    return []


def check_meta(meta: dict, authors: list[str], authors_file: str, categories: list[str]) -> list[str]:
    """Every problem of one post's front matter, as ``field: what is wrong``."""
    problems = check_text("title", meta.get("title"))
    if date_problem := check_date(meta.get("date")):
        problems.append(f"date: {date_problem}")
    problems += check_names("authors", meta.get("authors"), authors, f"keys of {authors_file}")
    problems += check_names("categories", meta.get("categories"), categories, "categories_allowed in mkdocs.yml")
    problems += check_text("description", meta.get("description"))
    tags = meta.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        problems.append(f"tags: must be a list of words, got {tags!r}")
    return problems


def prose_lines(body: str, first_line: int):
    """Yield (line number, text) for lines outside code and math, with inline code and math removed."""
    fence = None
    in_math = False
    for number, line in enumerate(body.splitlines(), start=first_line):
        stripped = line.strip()
        opener = FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        if in_math:
            in_math = not stripped.endswith("$$")
            continue
        if stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")):
            in_math = True
            continue
        yield number, INLINE_MATH.sub("", INLINE_CODE.sub("", line))


def find_liquid(body: str, first_line: int) -> list[str]:
    """``line: what to do`` for every Liquid tag outside code and math."""
    if "{%" not in body and "{{" not in body:  # nearly every post: skip the walk through its lines
        return []
    return [
        f"{number}: Liquid tag {tag} is left over from Jekyll and MkDocs does not run it; replace it with Markdown "
        "(a link, an image, or the text it produced), or put it in backticks to show it as code"
        for number, text in prose_lines(body, first_line)
        for tag in LIQUID.findall(text)
    ]


def check_post(path: Path, label: str, authors: list[str], authors_file: str, categories: list[str]) -> list[str]:
    """Every problem of the post at ``path``, each prefixed with ``label`` (the path shown to the user)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return []  # the sources check names the line and byte
    try:
        meta, body_line = read_front_matter(text)
    except ValueError as error:
        line = getattr(error, "line", None)
        if line:
            return [f"{label}:{line}: front matter: {str(error).replace(f'line {line}: ', '', 1)}"]
        return [f"{label}: front matter: {error}"]
    problems = [
        f"{label}{field_line(text, problem)}: {problem}"
        for problem in check_meta(meta, authors, authors_file, categories)
    ]
    body = text.split("\n", body_line - 1)[-1] if body_line > 1 else text
    problems += [f"{label}:{p}" for p in find_liquid(body, body_line)]
    return problems


def field_line(text: str, problem: str) -> str:
    """``:N``, the line of the front matter field ``problem`` is about (``field: what is wrong``), or ``""`` when
    the field is not written (a missing field has no line)."""
    field = problem.split(":", 1)[0]
    match = re.search(rf"^{re.escape(field)}[ \t]*:", text[: FRONT_MATTER.match(text).end()], re.M)
    return f":{text.count(chr(10), 0, match.start()) + 1}" if match else ""


def _posts_of(blog, docs_dir: Path) -> list[Path]:
    root = os.path.normpath(blog.config.blog_dir)
    post_dir = docs_dir / os.path.normpath(blog.config.post_dir.format(blog=root))
    return sorted(post_dir.rglob("*.md"))


def check_blog_posts(config, help: str = "") -> None:
    """Raise PluginError listing every problem of every post of every blog plugin of the site."""
    problems = blog_post_problems(config)
    if problems:
        count = len({p.split(":", 1)[0] for p in problems})
        raise PluginError(
            f"{count} post(s) need fixing before the site can be built:\n  "
            + "\n  ".join(problems)
            + (f"\nSee {help}." if help else "")
        )


def blog_post_problems(config) -> list[str]:
    """Every problem of every post of every blog plugin of the site, as ``path: field: what is wrong``."""
    try:
        from material.plugins.blog.plugin import BlogPlugin
    except ImportError:  # a site without Material has no blog posts to check
        return []
    project = project_dir(config)
    docs_dir = Path(config.docs_dir)
    problems = []
    for blog in (p for p in config.plugins.values() if isinstance(p, BlogPlugin) and p.config.enabled):
        authors = sorted(getattr(blog, "authors", None) or {})
        root = os.path.normpath(blog.config.blog_dir)
        authors_file = (docs_dir / blog.config.authors_file.format(blog=root)).resolve()
        authors_label = os.path.relpath(authors_file, project)
        categories = list(blog.config.categories_allowed)
        for path in _posts_of(blog, docs_dir):
            label = os.path.relpath(path, project)
            problems += check_post(path, label, authors, authors_label, categories)
    return problems
