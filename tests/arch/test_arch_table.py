"""The architecture table as the index stores it: feature ids read straight into the scores."""

from __future__ import annotations

import numpy as np

from lineage.arch.extract import arch_print
from lineage.arch.table import ARRAY, ArchTable, Prints, decode_ids, encode, table_of
from tests.arch.models import ALPHA, BETA, GAMMA, ZETA, port, reference


def _prints() -> dict[str, frozenset[str]]:
    prints = {f"fx:{a.name}": arch_print(reference(a)).features for a in (ALPHA, BETA, GAMMA)}
    prints["gx:alpha"] = arch_print(port(ALPHA)).features  # one line from two sources counts once
    for i in range(4):
        prints[f"fx:other{i}"] = frozenset({f"c:other{i}_key", "c:hidden_size", f"p:other{i}_proj"})
    return prints


def test_the_stored_table_scores_as_one_made_from_the_sets() -> None:
    prints = _prints()
    stored = table_of({ARRAY: encode(prints)}, {})
    made = ArchTable(prints)
    assert stored is not None and isinstance(stored.prints, Prints)
    assert dict(stored.prints) == prints and list(stored.prints) == sorted(prints)
    assert stored.weight == made.weight and list(stored.weight) == list(made.weight)
    for a in (ALPHA, BETA, GAMMA, ZETA):
        feats = arch_print(port(a)).features
        assert stored.scores(feats) == made.scores(feats)
        assert stored.unseen_layers(feats) == made.unseen_layers(feats)
    assert stored.scores(frozenset({"c:never_seen"})) == []


def test_malformed_ids_are_refused() -> None:
    for doc in (b'{"version": 1, "vocab": ["a"], "families": {"f": [-1]}}',
                b'{"version": 1, "vocab": ["a"], "families": {"f": [0.5]}}',
                b'{"version": 1, "vocab": ["a"], "families": {"f": [[0]]}}',
                b'{"version": 1, "vocab": ["a"], "families": {"f": ["a"]}}',
                b'{"version": 1, "vocab": ["a"], "families": {"f": 0}}'):
        assert decode_ids(np.frombuffer(doc, dtype=np.uint8)) is None
    vocab, ids = decode_ids(np.frombuffer(b'{"version": 1, "vocab": ["a", "b"], "families": {"f": [1], "g": []}}',
                                          dtype=np.uint8)) or ([], {})
    assert vocab == ["a", "b"] and ids["f"].tolist() == [1] and ids["g"].size == 0
