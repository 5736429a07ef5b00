"""The plugin's implementation; the public names are re-exported by ``live_math``."""
