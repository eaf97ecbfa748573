"""lineage.classify."""
