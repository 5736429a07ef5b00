"""One Markdown converter for the snippet outputs of a build, instead of one per output.

markdown-exec converts each output it shows (a code block of printed text, a Markdown table, an HTML figure)
with a new Markdown instance made with every extension of the site (``_mimic``, MARKDOWN_EXEC_MIMIC in
``internals.py``): with this blog's fourteen extensions that is about 3 ms an output, a second in a cold
build of 100 posts. Python-Markdown's own contract for a converter used twice is ``reset()`` between
documents, which every extension here honours; the converter made for the first output is reset and lent
to the next. The few things ``_mimic`` ties to one conversion are re-pointed: the page's own Markdown (for
headings markdown-exec passes up to the table of contents) and the list the headings are reported into.

A conversion inside a conversion (an output that itself holds an executable fence) gets a converter of its
own, as before: only outermost ones share, counted per thread in MARKDOWN_EXEC_CONVERT's wrapper.
"""

from __future__ import annotations

import threading

from markdown_exec._internal.processors import HeadingReportingTreeprocessor, IdPrependingTreeprocessor
from markdown_exec._internal.rendering import _register_headings_processors, markdown_config

_depth = threading.local()


class OutputConverters:
    """The converters lent to markdown-exec during one build (set as ``internals.output_markdown``)."""

    def __init__(self):
        self.converters = {}  # (update_toc, extensions, their settings) -> a converter made by _mimic
        self.made = 0
        self.lent = 0

    def mimic(self, original, md, headings, *, update_toc: bool = True):
        """MARKDOWN_EXEC_MIMIC through this build's converters: a reset converter when one of the same
        settings was made before and this is an outermost conversion, else ``original``'s new one."""
        if getattr(_depth, "value", 0) != 1 or markdown_config.exts is None:
            # Without saved settings _mimic copies the extensions registered on ``md``, a page's own objects.
            return original(md, headings, update_toc=update_toc)
        key = (update_toc, id(markdown_config.exts), id(markdown_config.exts_config))
        converter = self.converters.get(key)
        if converter is None:
            converter = self.converters[key] = original(md, headings, update_toc=update_toc)
            converter._live_math_settings = (markdown_config.exts, markdown_config.exts_config)  # keep ids unique
            self.made += 1
            return converter
        converter.reset()
        converter._original_md = md
        converter.treeprocessors[IdPrependingTreeprocessor.name].md = md
        if update_toc:
            _register_headings_processors(md)
            converter.treeprocessors[HeadingReportingTreeprocessor.name].headings = headings
        self.lent += 1
        return converter


def counting(original):
    """MARKDOWN_EXEC_CONVERT, counting how deep conversions are nested in this thread."""

    def convert(self, *args, **kwargs):
        _depth.value = getattr(_depth, "value", 0) + 1
        try:
            return original(self, *args, **kwargs)
        finally:
            _depth.value -= 1

    return convert
