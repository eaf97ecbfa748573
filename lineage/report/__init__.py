"""lineage.report."""
