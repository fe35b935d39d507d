"""The public portal keeps no tables of its own: the parents' complaints it takes are the
``complaints`` app's (moved there with their tables, ``portal`` migration 0002)."""
