"""Weight and config provenance for model checkpoints, kept apart from code lineage.

The front door is :func:`lineage.weights.api.compare_checkpoints`; nothing here prints.
"""

from __future__ import annotations

from lineage.weights.api import compare_checkpoints
from lineage.weights.models import WeightReport

__all__ = ["WeightReport", "compare_checkpoints"]
