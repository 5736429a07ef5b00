"""Where posts are checked before anything runs or is published."""
