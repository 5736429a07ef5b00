"""Rendered pages kept between builds (live_math/_internal/speed/rendered.py): a template is rendered again when
anything it reads changes (the theme's templates, a setting, the page), and a context holding something the
cache cannot describe is rendered every time rather than served stale."""

from __future__ import annotations

import re

from scripts.bench import synthetic_post
from scripts.project_copy import build, copy_project

POSTS = "docs/blog/posts"
EPOCH = {"SOURCE_DATE_EPOCH": "1764000000"}


def counts(stderr: str) -> tuple[int, int, int]:
    """(rendered, from cache, not cacheable) from a build's report."""
    match = re.search(r"(\d+) templates rendered, (\d+) from cache(?:, (\d+) not cacheable)?", stderr)
    assert match, stderr[-3000:]
    return int(match[1]), int(match[2]), int(match[3] or 0)


def test_templates_render_again_when_the_theme_or_a_setting_changes_and_never_when_undescribable(tmp_path):
    project = copy_project(tmp_path / "project")
    for number in (1, 2, 3):
        (project / POSTS / f"synthetic-{number:03d}.md").write_text(synthetic_post(number), encoding="utf-8")
    env = {"BLOG_CACHE_DIR": str(tmp_path / "cache"), **EPOCH}
    site = tmp_path / "site"

    def built() -> tuple[tuple[int, int, int], str]:
        result = build(project, site, env=env)
        assert result.returncode == 0, result.stderr[-4000:]
        return counts(result.stderr), (site / "2020/02/02/synthetic-post-1/index.html").read_text(encoding="utf-8")

    (rendered, cached, _), _ = built()
    pages = rendered
    assert cached == 0 and pages >= 7  # 3 posts, home, archive, category, tags
    assert built()[0] == (0, pages, 0)

    # The theme: a template of overrides/ changes.
    main = project / "overrides/main.html"
    text = main.read_text(encoding="utf-8").replace("{{ super() }}", "{{ super() }}<!-- an edited override -->", 1)
    main.write_text(text, encoding="utf-8")
    counted, page = built()
    assert counted == (pages, 0, 0) and "<!-- an edited override -->" in page

    # A setting every page shows.
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^copyright: .*$", "copyright: A new copyright line.", text), encoding="utf-8")
    counted, page = built()
    assert counted == (pages, 0, 0) and "A new copyright line." in page

    # A plugin puts in the context an object the cache cannot describe: every page renders, every build.
    (project / "hook.py").write_text(
        "class Opaque:\n    pass\n\n"
        "def on_page_context(context, page, config, nav):\n    context['opaque'] = Opaque()\n    return context\n",
        encoding="utf-8",
    )
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    assert built()[0] == (0, 0, pages)
    assert built()[0] == (0, 0, pages)


def test_a_value_a_later_plugin_adds_to_the_context_keys_the_page(tmp_path):
    # The key is made when the template renders, after every plugin's on_page_context, however late it runs.
    project = copy_project(tmp_path / "project")
    (project / POSTS / "synthetic-001.md").write_text(synthetic_post(1), encoding="utf-8")
    main = project / "overrides/main.html"
    main.write_text(
        main.read_text(encoding="utf-8").replace("{{ super() }}", "{{ super() }}<!-- late: {{ late }} -->", 1),
        encoding="utf-8",
    )
    (project / "hook.py").write_text(
        "from pathlib import Path\nfrom mkdocs.plugins import event_priority\n\n"
        "@event_priority(-1000)\n"
        "def on_page_context(context, page, config, nav):\n"
        "    context['late'] = (Path(config.config_file_path).parent / 'late.txt').read_text().strip()\n"
        "    return context\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    env = {"BLOG_CACHE_DIR": str(tmp_path / "cache"), **EPOCH}
    page = tmp_path / "site/2020/02/02/synthetic-post-1/index.html"
    for value in ("first", "second"):
        (project / "late.txt").write_text(value, encoding="utf-8")
        result = build(project, tmp_path / "site", env=env)
        assert result.returncode == 0, result.stderr[-4000:]
        assert f"<!-- late: {value} -->" in page.read_text(encoding="utf-8")
    assert counts(result.stderr)[0] >= 1  # the second build rendered the pages again


def test_the_names_a_template_reads_come_from_its_tokens_with_attributes_and_keys_dotted():
    import jinja2

    from live_math._internal.speed.rendered import _names_in

    env = jinja2.Environment()
    source = "{{ config.site_dir }}{{ config['repo_url'] }}{% for p in pages if p.title %}{{ p.url }}{% endfor %}"
    names = _names_in(env.lex(source))
    assert {"config", ".site_dir", ".repo_url", "pages", ".title", ".url"} <= names
    assert "site_dir" not in names and "url" not in names and ".pages" not in names


def test_the_names_from_tokens_cover_every_name_materials_syntax_trees_read():
    # The tokens may name more than a template reads (keywords, filters, names it sets), never less: a name
    # read but missed would leave a page keyed without it, and stale when only that changed.
    from pathlib import Path

    import jinja2
    import material

    from live_math._internal.speed.rendered import _names_in

    env = jinja2.Environment(extensions=["jinja2.ext.loopcontrols"])
    templates = sorted(Path(material.__file__).parent.joinpath("templates").rglob("*.html"))
    assert len(templates) > 50
    for path in templates:
        source = path.read_text(encoding="utf-8")
        tree = env.parse(source)
        read = {node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx == "load"}
        read |= {"." + node.attr for node in tree.find_all(jinja2.nodes.Getattr)}
        read |= {
            "." + node.arg.value
            for node in tree.find_all(jinja2.nodes.Getitem)
            if isinstance(node.arg, jinja2.nodes.Const) and isinstance(node.arg.value, str)
        }
        assert read <= _names_in(env.lex(source)), path
