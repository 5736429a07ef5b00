"""Compiled Jinja templates kept between builds: MkDocs makes a new template environment for every build,
which compiles each of Material's templates again (about a tenth of a warm build of this blog).

Jinja's own bytecode cache checks each template's source checksum before using what it stored, so an edited
template (``overrides/`` included) compiles afresh; the key adds Jinja's version to Jinja's own key.
"""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

KIND = "template"


class StoreBytecodeCache(BytecodeCache):
    """A Jinja bytecode cache in the build's :class:`~live_math._internal.speed.store.Store`."""

    def __init__(self, store):
        self.store = store

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return f"{jinja2.__version__}:{super().get_cache_key(name, filename)}"

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = self.store.get(KIND, bucket.key)
        if isinstance(stored, bytes):
            bucket.bytecode_from_string(stored)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.put(KIND, bucket.key, bucket.bytecode_to_string())
