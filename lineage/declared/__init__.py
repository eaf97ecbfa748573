"""lineage.declared."""
