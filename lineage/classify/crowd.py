"""A template: code many makers' model lines held most of before the closest match's model was made.

A serving engine writes some code alike for every model it serves (a model forward's layer loop, the
pipeline hand-over, a placeholder mask).  Many makers' lines hold most of a given file's version of
it, one of them a little more: that one is no source on so little (classify/codematch.code_finding
rates such a unit low, shared code; workflow/background.template_of so rates it in `verify`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage.scoring import SCORING

SHARED_BY = SCORING.shared_by  # lines holding most of the code: this many or more make a crowd ...
MIN_STRONG_EVIDENCE = SCORING.min_strong_evidence  # ... and a match this much more than the fifth of them a copy


@dataclass(frozen=True)
class Crowd:
    """Model lines of makers other than the best match's holding most of a unit's code (at
    MODERATE or more), their code public before the best match's model was first seen: the
    fingerprints each shares with the unit, most first, and how many labelled companies they are."""

    shared: tuple[int, ...] = ()
    makers: int = 0
    lines: tuple[str, ...] = ()  # their names, in the same order

    def beyond(self, shared: int) -> int | None:
        """How many more fingerprints a match sharing ``shared`` with the unit shares than the
        SHARED_BY-th of these lines does (a difference of counts); None when fewer lines, or lines
        of fewer than two labelled companies, hold most of the code."""
        if len(self.shared) < SHARED_BY or self.makers < 2:
            return None
        return shared - self.shared[SHARED_BY - 1]

    def template(self, shared: int) -> bool:
        """The unit is code a framework wrote alike for many makers' models before the best match's
        model was made, and a match sharing ``shared`` of its fingerprints shares under
        MIN_STRONG_EVIDENCE more than they do: too little to tell a copy of that model from the
        template written again (a stranger's review: vLLM's Jais2 model forward, the engine's layer
        loop that 14 lines hold at 0.64-0.72, read a high copy of openpangu, which holds it at 0.85 by
        10 fingerprints more).  The template's own first line is no template's copy: the lines
        holding its code later came too late to be where it came from (a second review: a verbatim
        copy of vLLM's llama causal-LM constructor read as the template others follow)."""
        more = self.beyond(shared)
        return more is not None and more < MIN_STRONG_EVIDENCE
