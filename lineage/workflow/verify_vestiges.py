"""Vestiges in a verify exhibit: traces of the reference's model line left in the suspect's copy.

The pair scan knows the reference side only as the family ``reference``, which names no model
line, so the vestige facts of ``corpora/vestiges.toml`` (kept per line: ``deepseek_v2``'s
``kv_lora_rank``, GLM's ``nextn``) were never consulted and every exhibit listed none, while
``scan`` of the same suspect listed them.  When the corpus holds a reference file whole
(``prior_art.whole_lines``), its line is known: the suspect units matched to that file are
examined for that line's vestiges, as ``scan`` examines its matches.

Only units the exhibit itself treats as a copy are examined: above info after the corpus
background, and not code that many indexed lines share or that earlier lines of other companies
hold (unless the suspect file is the reference file as a whole), so a trace in shared code is
never pinned on the reference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from lineage.classify.vestiges import vestige_findings
from lineage.compact.files import CompactFile
from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.workflow.background import Holders, Line


def _as_line(f: Finding, line: Line) -> Finding:
    """The finding with its best match's reference labelled as the indexed line it is."""
    best = f.matches[0]
    ref = dataclasses.replace(best.ref, family=line.family, org=line.org or best.ref.org,
                              first_seen=line.first_seen or best.ref.first_seen)
    return dataclasses.replace(f, matches=(dataclasses.replace(best, ref=ref), *f.matches[1:]))


def _held(f: Finding, held: Mapping[tuple[str, str, int], Holders]) -> Finding:
    """The finding counting the indexed model lines that hold its code, not the pair's alone: a
    trace in code that many lines hold says little (a review's exhibit of axk1 against deepseek_v3
    rated seven traces medium, in code 7 to 26 lines hold, and exited 1 on them alone)."""
    found = held.get((f.path, f.unit, f.start_line))
    if found is None or not isinstance(f.details, CodeMatchDetails) or found.lines <= f.details.holders:
        return f
    return dataclasses.replace(f, details=dataclasses.replace(f.details, holders=found.lines))


def dated_vestiges(compacted: Sequence[CompactFile], findings: Sequence[Finding], dated: Mapping[str, Line],
                   copies: set[tuple[str, str, int]],
                   held: Mapping[tuple[str, str, int], Holders] | None = None) -> list[Finding]:
    """Vestige findings of the suspect units in ``copies`` (path, unit, start line) whose reference
    file the corpus dates to a line (``dated``: reference path -> line), each rated by how many
    indexed lines hold its code (``held``: the corpus background, per unit)."""
    chosen = [_held(_as_line(f, dated[f.matches[0].ref.path]), held or {}) for f in findings
              if f.kind == "code-match" and f.matches and f.matches[0].ref.path in dated
              and (f.path, f.unit, f.start_line) in copies]
    return vestige_findings(compacted, chosen)
