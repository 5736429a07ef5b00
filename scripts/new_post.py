#!/usr/bin/env python3
"""Start a new post: dated today, with valid front matter, an excerpt marker and one live snippet.

    make post TITLE="Why Adam needs a bias correction"
    scripts/new_post.py "Why Adam needs a bias correction" [--description "..."] [--category Mathematics]

Prints the new file's path and the address to open under ``make serve``. Never overwrites a post. The
allowed categories, the authors and the URL scheme come from mkdocs.yml, so the post passes
the live-math plugin's front-matter check and lands at the printed address.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import posixpath
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from babel.dates import format_datetime
from material.plugins.blog.plugin import BlogPlugin
from mkdocs.config import load_config

from live_math._internal.checks.sources import PLACEHOLDER_DESCRIPTION  # the build refuses it until replaced

DEV_ADDRESS = "http://127.0.0.1:8000"  # what `make serve` listens on unless given PORT= or HOST=

BODY = """
# {title}

The first paragraph is the excerpt: the blog's index shows everything above the marker below.

<!-- more -->

## A number computed when the site is built

A loss with one minimum, numbered because of its `\\label` (see CONTRIBUTING.md, "Equations and citations"):

$$
L(x) = 1 + (x - 5)^2 \\label{{eq:loss}}
$$

Backpropagation [@rumelhart1986learning] gives the slope that gradient descent follows; a grid search for the
minimum of $\\eqref{{eq:loss}}$ on $[0, 10]$ needs no slope at all:

```python exec="on" source="above"
from snippets.optimization import grid_argmin

x_best, loss_best = grid_argmin(lambda x: 1 + (x - 5) ** 2, lo=0.0, hi=10.0, points=1001)
```

The smallest loss on the grid is `{{py}} loss_best:.2f`, at x = `{{py}} x_best:.2f`: each value written in the
text is computed by the block above when the site is built (CONTRIBUTING.md, "Values in the text").
"""


class PostProblem(Exception):
    """The post cannot be created; the message says why."""


def blog_of(config) -> BlogPlugin:
    for plugin in config.plugins.values():
        if isinstance(plugin, BlogPlugin):
            return plugin
    raise PostProblem("mkdocs.yml has no blog plugin")


def front_matter(title: str, date: dt.date, author: str, category: str, description: str) -> str:
    """The post's YAML front matter block, fields in the order CONTRIBUTING.md lists them."""
    meta = {"title": title, "date": date, "authors": [author], "categories": [category], "description": description}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100) + "---\n"


def post_path(blog: BlogPlugin, config, title: str, category: str, date: dt.date) -> tuple[str, str]:
    """(slug, URL path) the blog plugin will give a post with this title, category and date."""
    options = blog.config
    slug = options.post_slugify(title, options.post_slugify_separator)
    if not slug:
        raise PostProblem(f"the title {title!r} gives an empty slug; use some letters or digits")
    created = dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC)
    locale = config.theme["language"].replace("-", "_")
    path = options.post_url_format.format(
        categories=options.categories_slugify(category, options.categories_slugify_separator),
        date=format_datetime(created, format=options.post_url_date_format, locale=locale),
        file=slug,
        slug=slug,
    )
    url = posixpath.join(posixpath.normpath(options.blog_dir), posixpath.normpath(path.strip("/")))
    return slug, posixpath.normpath(url) + "/"


def authors_of(blog: BlogPlugin, config) -> list[str]:
    """The author keys of the blog's .authors.yml, in file order (the first is the blog's owner)."""
    root = posixpath.normpath(blog.config.blog_dir)
    authors_file = Path(config.docs_dir) / os.path.normpath(blog.config.authors_file.format(blog=root))
    authors = (yaml.safe_load(authors_file.read_text(encoding="utf-8")) or {}).get("authors") or {}
    if not authors:
        raise PostProblem(f"{authors_file} lists no authors; add yourself there first")
    return list(authors)


def create_post(
    config_file: Path,
    title: str,
    description: str,
    category: str | None,
    date: dt.date,
    author: str | None = None,
    address: str = DEV_ADDRESS,
) -> tuple[Path, str]:
    """Write the new post; return (its path, the URL to open under ``make serve``)."""
    title = " ".join(title.split())
    if not title:
        raise PostProblem('a post needs a title: make post TITLE="What the post is about"')
    config = load_config(str(config_file))
    blog = blog_of(config)
    allowed = list(blog.config.categories_allowed)
    category = category or (allowed[0] if allowed else "Mathematics")
    if allowed and category not in allowed:
        raise PostProblem(
            f"category {category!r} is not one of {', '.join(allowed)} (categories_allowed in mkdocs.yml)"
        )
    authors = authors_of(blog, config)
    author = author or authors[0]
    if author not in authors:
        raise PostProblem(f"author {author!r} is not one of {', '.join(authors)} (docs/blog/.authors.yml)")
    slug, url_path = post_path(blog, config, title, category, date)
    root = posixpath.normpath(blog.config.blog_dir)
    posts = Path(config.docs_dir) / os.path.normpath(blog.config.post_dir.format(blog=root))
    target = posts / f"{slug}.md"
    if target.exists():
        raise PostProblem(f"{target} already exists; choose another title or edit that post")
    posts.mkdir(parents=True, exist_ok=True)
    text = front_matter(title, date, author, category, description) + BODY.format(title=title)
    with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even if created meanwhile
        file.write(text)
    base = urlsplit(config.site_url or "/").path or "/"  # `mkdocs serve` serves under site_url's path
    return target, address.rstrip("/") + posixpath.join(base, url_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("title", nargs="?", default="", help="the post's title")
    parser.add_argument("--description", default="", help="one sentence for listings, the feed and search engines")
    parser.add_argument("--category", help="one of categories_allowed in mkdocs.yml (default: the first)")
    parser.add_argument("--author", help="a key of docs/blog/.authors.yml (default: the first)")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(), help="default: today")
    parser.add_argument("--address", default=DEV_ADDRESS, help=f"where `make serve` serves (default: {DEV_ADDRESS})")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    args = parser.parse_args(argv)
    description = " ".join(args.description.split()) or PLACEHOLDER_DESCRIPTION
    try:
        target, url = create_post(
            args.config_file, args.title, description, args.category, args.date, args.author, args.address
        )
    except PostProblem as problem:
        print(f"make post: {problem}", file=sys.stderr)
        return 1
    shown = os.path.relpath(target)
    print(f"Created {shown}")
    print(f"Open {url} after `make serve`.")
    if args.address == DEV_ADDRESS:
        print("(`make serve PORT=8001` serves on another port: give `make post` the same PORT= to print its address.)")
    if description == PLACEHOLDER_DESCRIPTION:
        print(f"Then replace the placeholder description in {shown}'s front matter.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
