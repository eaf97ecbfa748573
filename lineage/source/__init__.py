"""lineage.source."""
