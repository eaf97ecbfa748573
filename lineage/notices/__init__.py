"""lineage.notices."""
