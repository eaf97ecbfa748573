"""lineage.index."""
