"""Where math is typeset: KaTeX at build time."""
