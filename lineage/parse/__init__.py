"""lineage.parse."""
