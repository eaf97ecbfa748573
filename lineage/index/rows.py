"""The family row an index stores for each reference family, as one typed record.

The index keeps rows as JSON objects in its metadata; ``to_dict`` gives exactly the keys
(and their order) every index has always held, so indexes and their ids are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FamilyRow:
    name: str
    source: str  # the manifest's source name ("vllm")
    source_label: str  # "vllm==0.33.0", "repo@commit", or the source name for an in-memory index
    org: str = ""
    country: str = ""
    licence: str = ""
    weights_licence: str = ""
    first_seen: str = ""
    lineage: tuple[str, ...] = ()  # declared parent families

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "source": self.source, "source_label": self.source_label, "org": self.org,
            "country": self.country, "licence": self.licence, "weights_licence": self.weights_licence,
            "first_seen": self.first_seen, "lineage": list(self.lineage),
        }
