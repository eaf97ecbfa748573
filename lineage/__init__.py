"""lineage: code-lineage and licence scanner for AI model code."""

__version__ = "0.1.0"
