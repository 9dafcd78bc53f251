"""Pure-Python extraction engine. Must never import Django."""
