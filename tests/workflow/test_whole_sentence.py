"""The exhibit's sentence on whole-file copies counts every one of them by its rating."""

from __future__ import annotations

from lineage.workflow.exhibit import FileScore
from lineage.workflow.whole import whole_sentence


def _scored(*severities: str | None) -> list[FileScore]:
    return [FileScore(f"f{i}.py", 0.95, True, severity=s) for i, s in enumerate(severities)]


def test_every_whole_file_copy_is_counted_by_its_rating() -> None:
    """Five copies, three high, one medium and one low (its notice kept): the sentence accounts
    for all five, not for four of them."""
    said = whole_sentence(_scored("high", "high", "high", "medium", "low", None))
    assert said.startswith("5 files are copies of a reference file as a whole (3 high: notice replaced; "
                           "1 medium: removed; 1 low: notice kept or none owed)"), said
    assert "low" not in whole_sentence(_scored("medium"))
    assert whole_sentence(_scored(None, None)) == ""
