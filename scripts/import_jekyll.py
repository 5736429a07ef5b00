#!/usr/bin/env python3
"""Convert a Jekyll post into a Material for MkDocs blog post.

    scripts/import_jekyll.py SRC [--date YYYY-MM-DD] [--out docs/blog/posts/] [--author editor]

What changes on the way:
- front matter: Jekyll's ``layout``/``title``/``date``/``categories``/``tags`` become Material's
  ``title``/``date``/``authors``/``categories``/``tags``/``description``;
- the date comes from the front matter, else a ``YYYY-MM-DD-`` filename prefix, else ``--date``;
- Jekyll layouts print the title, so body headings move down one level under a ``# title`` heading;
- kramdown's inline ``$$x$$`` becomes ``$x$``; display ``$$`` blocks get the blank lines arithmatex needs;
- an excerpt marker follows the first paragraph, so listing pages show a teaser.
Liquid tags have no MkDocs meaning: they are reported with their line numbers and nothing is written.
The source file is only read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import yaml

KNOWN_KEYS = {"layout", "title", "date", "categories", "category", "tags", "description", "excerpt", "author"}
SUPPORTED_LAYOUTS = {None, "post"}
FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
FENCE = re.compile(r"^\s*(```|~~~)")
EXCERPT_MARKER = "<!-- more -->"


class ImportProblem(Exception):
    """The input cannot be converted; the message says why and what to do."""


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ImportProblem("no front matter: a Jekyll post starts with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ImportProblem("front matter is not closed by a second '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        raise ImportProblem(f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ImportProblem("front matter must be a YAML mapping of key: value lines")
    return meta, "\n".join(lines[end + 1 :]), end + 2


def as_list(value, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()  # Jekyll allows a space-separated string
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ImportProblem(f"{field}: expected a list of names or a space-separated string, got {value!r}")


def post_date(meta: dict, source: Path, fallback: dt.date | None) -> dt.date:
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ImportProblem(f"date: {value!r} is not a YYYY-MM-DD date") from None
    if value is not None:
        raise ImportProblem(f"date: {value!r} is not a date")
    if match := FILENAME_DATE.match(source.name):
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            raise ImportProblem(f"the filename date {match.group(1)} is not a real date") from None
    if fallback is not None:
        return fallback
    raise ImportProblem("no date in the front matter or the filename (YYYY-MM-DD-title.md): pass --date YYYY-MM-DD")


def find_liquid(body: str, first_line: int) -> list[str]:
    # Code fences included: Jekyll runs Liquid before Markdown, so a tag in a fence was never shown as written.
    return [
        f"line {number}: {tag}"
        for number, line in enumerate(body.splitlines(), start=first_line)
        for tag in LIQUID.findall(line)
    ]


def convert_body(body: str, title: str) -> str:
    """Headings down one level under the title, math normalized for arithmatex, excerpt marker added."""
    out: list[str] = [f"# {title}", ""]
    in_fence = in_math = False
    for line in body.strip("\n").splitlines():
        stripped = line.strip()
        if FENCE.match(line) and not in_math:
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
            continue
        if in_math:
            out.append(line)
            if stripped.endswith("$$"):
                in_math = False
                out.append("")
            continue
        if stripped.startswith("$$"):
            if out and out[-1].strip():
                out.append("")  # arithmatex needs a display block to stand apart from the paragraph
            out.append(stripped)
            closed = len(stripped) > 2 and stripped.endswith("$$")
            if closed:
                out.append("")
            else:
                in_math = True
            continue
        if not stripped and out and not out[-1].strip():
            continue  # collapse runs of blank lines left by the draft
        if re.match(r"^#{1,5} ", line):
            line = "#" + line
        line = re.sub(r"\$\$(.+?)\$\$", r"$\1$", line)  # kramdown's inline math
        out.append(line)
    return insert_excerpt_marker("\n".join(out)).rstrip() + "\n"


def insert_excerpt_marker(text: str) -> str:
    """Put the marker after the first prose paragraph below the title."""
    lines = text.splitlines()
    seen_prose = False
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() and not line.startswith("#"):
            seen_prose = True
        elif seen_prose and not line.strip():
            return "\n".join(lines[:index] + ["", EXCERPT_MARKER] + lines[index:])
    return text


def description_from(body: str) -> str:
    for paragraph in re.split(r"\n\s*\n", body):
        text = "\n".join(line for line in paragraph.splitlines() if not line.startswith("#")).strip()
        if text and not text.startswith(("#", "$$", "<", "```")):
            text = re.sub(r"[*_`]", "", " ".join(text.split()))
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return ""


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not slug:
        raise ImportProblem(f"title {title!r} gives an empty file name")
    return slug


def convert(text: str, source: Path, fallback_date: dt.date | None, author: str) -> tuple[str, str]:
    """Return (file name, Markdown of the Material post) for the Jekyll post ``text``."""
    meta, body, body_line = split_front_matter(text)
    unknown = sorted(set(meta) - KNOWN_KEYS)
    if unknown:
        raise ImportProblem(
            f"unsupported front matter keys: {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    if meta.get("layout") not in SUPPORTED_LAYOUTS:
        raise ImportProblem(f"layout: {meta['layout']!r} is not a post; only 'post' layouts can be imported")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ImportProblem("title: missing; a post needs a title")
    liquid = find_liquid(body, body_line)
    if liquid:
        raise ImportProblem(
            "Liquid tags have no equivalent here; replace them with Markdown and import again:\n  "
            + "\n  ".join(liquid)
        )
    date = post_date(meta, source, fallback_date)
    categories = as_list(meta.get("categories", meta.get("category")), "categories")
    tags = as_list(meta.get("tags"), "tags")
    description = meta.get("description") or meta.get("excerpt") or description_from(body)
    front = {"title": title.strip(), "date": date, "authors": [author]}
    if categories:
        front["categories"] = categories
    if tags:
        front["tags"] = tags
    if description:
        front["description"] = str(description).strip()
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return f"{slugify(title)}.md", f"---\n{header}---\n\n{convert_body(body, title.strip())}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="the Jekyll post to import (read only)")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="date for a post whose source has none")
    parser.add_argument("--out", type=Path, default=Path("docs/blog/posts"), help="folder for the new post")
    parser.add_argument("--author", default="editor", help="author key from docs/blog/.authors.yml")
    parser.add_argument("--force", action="store_true", help="overwrite an existing post of the same name")
    args = parser.parse_args(argv)
    try:
        text = args.src.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.src}: cannot read: {error}", file=sys.stderr)
        return 2
    try:
        name, post = convert(text, args.src, args.date, args.author)
    except ImportProblem as problem:
        print(f"{args.src}: {problem}", file=sys.stderr)
        return 1
    target = args.out / name
    if target.exists() and not args.force:
        print(f"{target}: already exists; pass --force to overwrite it", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(post, encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
