"""Where snippets run: finding fences, running them, caching and rendering their output."""
