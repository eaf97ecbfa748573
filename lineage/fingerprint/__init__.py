"""lineage.fingerprint."""
