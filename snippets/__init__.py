"""Helpers for the blog's live snippets: tested here, called from posts at build time."""
