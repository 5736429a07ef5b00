"""The converter Material's blog makes per post, made only when an excerpt is converted
(live_math/_internal/speed/lazy_markdown.py)."""

from __future__ import annotations

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from live_math._internal.speed.lazy_markdown import LazyMarkdown

SETTINGS = {"extensions": ["toc", "attr_list"], "extension_configs": {"toc": {"permalink": True}}}
TEXT = "# Title\n\nSome *text* with a [link](other.md).\n\n## Part {: #part }\n"


class Marker(Treeprocessor):
    """Tags every paragraph, so the test sees that a processor registered before the converter existed ran."""

    def run(self, root):
        for paragraph in root.iter("p"):
            paragraph.set("data-marked", "yes")


def made_count():
    made = []

    def factory(**settings):
        made.append(settings)
        return Markdown(**settings)

    return made, factory


def test_nothing_is_made_until_a_conversion_and_registrations_are_readable_by_name():
    made, factory = made_count()
    lazy = LazyMarkdown(factory, **SETTINGS)
    marker = Marker()
    lazy.treeprocessors.register(marker, "marker", 5)
    assert lazy.treeprocessors["marker"] is marker
    assert made == []


def test_a_conversion_equals_the_real_converters_with_the_same_processors():
    made, factory = made_count()
    lazy = LazyMarkdown(factory, **SETTINGS)
    lazy.treeprocessors.register(Marker(), "marker", 5)
    at = lazy.treeprocessors.get_index_for_name("marker")  # as the blog's Excerpt.render asks
    assert made == [SETTINGS]
    real = Markdown(**SETTINGS)
    real.treeprocessors.register(Marker(), "marker", 5)
    assert lazy.treeprocessors[at].__class__ is Marker
    html = lazy.convert(TEXT)
    assert html == real.convert(TEXT) and 'data-marked="yes"' in html
    assert lazy.toc_tokens == real.toc_tokens and len(made) == 1
