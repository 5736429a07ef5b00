"""A Markdown converter made on its first use.

Material's blog makes one converter per post, up front, for the post's excerpt on listing pages (about a tenth
of a warm build of a hundred posts); when the excerpt cache serves every listing, none of them converts
anything. This stands in for that converter: it notes the tree processors the blog registers on it and makes
the real converter, with those processors, the first time anything else is asked of it.
"""

from __future__ import annotations


class LazyMarkdown:
    """``factory(**settings)`` made on first use; until then, ``treeprocessors`` only records registrations."""

    def __init__(self, factory, /, **settings):
        self._factory = factory
        self._settings = settings
        self._real = None
        self.treeprocessors = _Registrations(self)

    def made(self):
        """The real converter, made now if it was not yet."""
        if self._real is None:
            real = self._factory(**self._settings)
            for item, name, priority in self.treeprocessors.registered:
                real.treeprocessors.register(item, name, priority)
            self._real = real
            del self.treeprocessors  # from now on the real converter's, through __getattr__
        return self._real

    def __getattr__(self, name):
        if name.startswith("_"):  # not made yet, or a private attribute the real converter has
            if self.__dict__.get("_real") is None:
                raise AttributeError(name)
        return getattr(self.made(), name)


class _Registrations:
    """The tree processors registered before the converter exists: readable by name (the page cache asks for the
    blog's link resolver), anything else makes the converter."""

    def __init__(self, owner: LazyMarkdown):
        self.owner = owner
        self.registered: list[tuple] = []

    def register(self, item, name: str, priority: float) -> None:
        self.registered.append((item, name, priority))

    def __getitem__(self, key):
        if isinstance(key, str):
            for item, name, _ in reversed(self.registered):
                if name == key:
                    return item
        return self.owner.made().treeprocessors[key]

    def __getattr__(self, name):
        return getattr(self.owner.made().treeprocessors, name)
