"""Technical writing: numbered equations, figure and table references, citations, cards and sidenotes."""
