"""What makes a warm build cheap: one cache store, converted pages and excerpts kept between builds, compiled
templates kept between builds (see ``pages.py``, ``store.py``, ``internals.py``)."""
