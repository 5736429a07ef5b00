"""Where a post becomes a notebook a reader can take home: its prose and snippets as a Jupyter notebook, zipped
with the helper modules and data it imports and the pinned packages it needs."""
