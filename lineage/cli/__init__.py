"""lineage.cli."""
