"""Scored matches -> code-match findings: role, severity, verdict and a checkable explanation.

Role comes from the unit's own features (compact/roles.py) unless the match is a common
idiom (most shared evidence occurs in many model lines) or module boilerplate.  A common
idiom never becomes a copy verdict; copied inference glue is reported but is not an
architecture copy, and reused training or serving infrastructure is permitted tool use (at most
low severity).
"""

from __future__ import annotations

import dataclasses

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lineage.compact.files import CompactUnit
from lineage.classify.crowd import Crowd
from lineage.classify.explain import Ties
from lineage.classify.wholepart import WHOLE_FILE as WHOLE_FILE  # re-exported
from lineage.classify.wholepart import WholeFile as WholeFile  # re-exported
from lineage.classify.wholepart import listed as _listed
from lineage.classify.wholepart import part_sentence
from lineage.compact.roles import INFRA
from lineage.details import CodeMatchDetails, Earliest
from lineage.index.windows import HELD_WHOLE
from lineage.models import Finding, Match
from lineage.scoring import SCORING
from lineage.vocab import NOT_EVIDENCE, UNDATED, model_line
from lineage.vocab import finding_id as finding_id  # re-exported: lineage.arch imports it from here

# The cut-offs are lineage.scoring.SCORING's; these names are kept for the modules importing them.
COMMON_RARITY = SCORING.common_rarity  # rare evidence below this share of the match: a common idiom
STRONG = SCORING.strong
MODERATE = SCORING.moderate
MIN_EVIDENCE = SCORING.min_evidence
MIN_STRONG_EVIDENCE = SCORING.min_strong_evidence
NAMELESS_EVIDENCE = SCORING.nameless_evidence
INFO_MATCHES = SCORING.info_matches


def is_common(m: Match) -> bool:
    """Most of what the unit shares with the reference is shared by many model lines."""
    return m.rarity < COMMON_RARITY * max(m.similarity, m.containment)


def strength(m: Match) -> float:
    """How much of the unit is the reference: Jaccard, or containment when sizes differ."""
    return max(m.similarity, min(m.containment, m.ref_containment + SCORING.containment_slack))


def describe(m: Match) -> str:
    names = ("names kept" if m.lexical >= SCORING.names_kept else
             "names partly changed" if m.lexical >= SCORING.names_partly_changed else "names differ")
    return (f"structural similarity {m.similarity:.2f}, {m.containment:.0%} of the unit found in the reference, "
            f"lexical similarity {m.lexical:.2f} ({names}), rare evidence {m.rarity:.2f}")


def too_small(m: Match) -> bool:
    return m.shared < MIN_EVIDENCE


def role_of(unit: CompactUnit, best: Match) -> tuple[str | None, tuple[str, ...]]:
    if unit.kind == "module":
        return "boilerplate", ("unit: module body (imports, constants, registrations)",)
    if is_common(best):
        return "common-idiom", (f"rare evidence {best.rarity:.2f} < {COMMON_RARITY} x match strength: "
                                "the shared code occurs in many model lines",)
    if best.ref.role == INFRA and unit.role != "boilerplate":  # a manifest's label outranks the unit's own features
        return INFRA, (f"reference unit {best.ref.unit} is {INFRA}",)
    if unit.role is not None and not (best.ref.role == "core-architecture" and unit.role != best.ref.role
                                      and _by_path_alone(unit.role, unit.role_features)):
        return unit.role, unit.role_features
    if best.ref.role is not None:
        return best.ref.role, (f"reference unit {best.ref.unit} is {best.ref.role}",)
    return None, unit.role_features


def _by_path_alone(role: str, features: tuple[str, ...]) -> bool:
    """Only the folders of the unit's path speak for its role (`path~'/quantization/' (+3
    inference-glue)`): a folder a copy is put in does not make the reference's core code glue (a stranger's attack: the
    EnCodec quantiser a 2025 tokenizer holds, high under `vq/`, read low glue under `quantization/`)."""
    mine = [f for f in features if f.endswith(f" {role})")]
    # (a folder's name, `path~'/quantization/'`; a file's own name, `configuration_`, says what it holds)
    return bool(mine) and all(f.startswith("path~'/") for f in mine)


FORMULA = SCORING.min_strong_evidence * 3 // 2  # shared fingerprints of a routine of a few statements


def severity(role: str | None, m: Match, judge_size: bool = True) -> str:
    """The unit's severity on its own; ``judge_size``: a small routine's slight likeness is low."""
    if role in NOT_EVIDENCE or too_small(m):
        return "info"
    s, rarity = strength(m), m.rarity
    if held_whole(m):  # extended: a copy, not a whole one; its rare evidence undiluted by what was added
        s = max(s, MODERATE)
        if 0 < m.containment < m.ref_containment:
            rarity = min(1.0, m.rarity * m.ref_containment / m.containment)
    if role in ("inference-glue", INFRA):
        return "low"  # reuse of serving glue or of a framework is permitted under its licence; notices decide more
    strong = strong_evidence(m)
    if strong and slight(m) and judge_size:
        return "low"
    if s >= STRONG and rarity >= SCORING.high_rarity and strong:
        # a routine of a few statements copied is a copy, but not the architecture copied: high
        # needs more code than FORMULA (a stranger's review: mlx-lm's port of DeepSeek's ten-line
        # MLP constructor, 26 shared fingerprints, read "core-architecture copy", high)
        return "high" if role == "core-architecture" and m.shared >= FORMULA else "medium"
    return "medium" if s >= MODERATE and strong and rarity >= SCORING.medium_rarity else "low"


def strong_evidence(m: Match) -> bool:
    """Enough shared code to rate a match above low: MIN_STRONG_EVIDENCE shared fingerprints, with
    names alike (or NAMELESS_EVIDENCE of them when the names differ)."""
    return m.shared >= MIN_STRONG_EVIDENCE and (m.lexical >= SCORING.min_lexical or m.shared >= NAMELESS_EVIDENCE)


def slight(m: Match) -> bool:
    """A small routine's likeness, too little on its own to tell a copy from the same routine
    written again (a textbook Triton RMSNorm kernel is ten statements, and every such kernel is
    spelt alike; a patch embedding's constructor is one call): fewer than NAMELESS_EVIDENCE shared
    fingerprints, and short of the reference's very structure (Jaccard under STRONG: part of the
    unit only, or the reference's with more) without its names kept (a copy with a line inserted
    keeps its names: a stranger's review found such copies read low), or names unlike whatever
    the structure (lexical under names_partly_changed: the words of any tutorial, `offs`,
    `mask`, `acc`), or, for a formula of a few statements (fewer than FORMULA shared fingerprints),
    names not kept whatever the structure: GPT-OSS's clamped SwiGLU gate is five statements that
    every implementation of that activation writes alike (auto-round's read as a high copy of
    MiniMax's, which says it is "the same as GPT OSS").  Within a file that copies more, such a
    unit is part of the copy (classify/attribution.py lifts it with the notice)."""
    return bool(slight_cells(np.asarray(m.shared), np.asarray(m.similarity), np.asarray(m.lexical)))


def slight_cells(shared: np.ndarray, similarity: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """``slight``, cell by cell over arrays of matches' shared fingerprints, structural and name
    similarities (classify/cover.py reads a scope's units so)."""
    unnamed = lexical < SCORING.names_kept
    return np.asarray((shared < NAMELESS_EVIDENCE) & (
        (similarity < STRONG) & unnamed | (lexical < SCORING.names_partly_changed) | (shared < FORMULA) & unnamed))


def verdict(role: str | None, m: Match, lifted: bool = False) -> str:
    """The finding's verdict on the unit alone; ``lifted``: rated above low all the same (copied
    code whose upstream notice the file removed or replaced), said as the copy it is."""
    who = f"{model_line(m.ref.family)} ({m.ref.org or 'organisation not labelled'}{', ' + m.ref.country if m.ref.country else ''})"
    if role == "boilerplate":
        return f"module boilerplate resembling {who}: no lineage evidence"
    if role == "common-idiom":
        # (rare evidence is low: code much like it, not necessarily the same, stands in many families;
        # how many hold this very code is said apart, "the same code stands in N families")
        return (f"common idiom: code much like it stands in many model lines (rare evidence {m.rarity:.2f}), so its "
                f"likeness to {who} is no lineage evidence")
    if too_small(m):
        return f"too little code ({m.shared} shared fingerprints) to establish lineage from {who}"
    if role == INFRA:
        return f"uses the training and serving infrastructure of {who} (permitted tool use)"
    if not strong_evidence(m) and lifted:  # (judged.copied: a short routine copied with its names)
        return f"{role or 'unclassified'} copy of {who} (a short routine, {m.shared} shared fingerprints, names kept)"
    if not strong_evidence(m):  # too few shared fingerprints, or names unlike, to call it anyone's code
        return (f"{role or 'unclassified'} resemblance to {who} ({m.shared} shared fingerprints"
                f"{', names unlike' if m.lexical < SCORING.min_lexical else ''}: too few to show a copy on their own)")
    if role != "inference-glue" and severity(role, m) == "low" and not lifted:
        # rated low on its own: the sentence that gives the verdict must not call it a copy (it
        # is quoted out of its finding); what keeps it low is said
        why = (f"rare evidence {m.rarity:.2f}: code much like it stands in many model lines"
               if m.rarity < SCORING.medium_rarity else
               f"a small routine, {m.shared} shared fingerprints, " + (
                   f"names unlike ({m.lexical:.2f})" if m.lexical < SCORING.names_partly_changed else
                   f"structure alike in part ({int(m.similarity * 1000) / 1000:.3f}), names not kept"
                   if m.similarity < STRONG else
                   f"a formula of a few statements, names not kept ({m.lexical:.2f})")
               + ": written the same way anew as often as copied"
               if slight(m) else f"strength {strength(m):.2f}: part of the unit only")
        return f"{role or 'unclassified'} code like that of {who} ({why}): no evidence of a copy on its own"
    kind = "copy" if strength(m) >= STRONG else "copy, extended," if held_whole(m) else "partial copy"
    return f"{role or 'unclassified'} {kind} of {who}"


def config_short_of_copy(qualname: str, m: Match) -> bool:
    """A configuration class (or a method of one) matched below a copy's strength: its likeness
    names the parameters of the architecture it follows, not whose code it holds."""
    return qualname.split(".", 1)[0].endswith("Config") and strength(m) < STRONG


def config_verdict(m: Match) -> str:
    """The verdict on a configuration class alike in part (its similarity under STRONG: held in
    part, one of the many configurations listing such parameters one by one)."""
    who = f"{model_line(m.ref.family)} ({m.ref.org or 'organisation not labelled'}" \
          f"{', ' + m.ref.country if m.ref.country else ''})"
    return f"{CONFIG_LIKE} {who}: it names the parameters of the architecture it follows, short of a copy"


CONFIG_LIKE = "configuration like that of"


def held_whole(m: Match) -> bool:
    """The unit holds the reference's unit whole (HELD_WHOLE of it, on enough code to convict
    without names) inside more code of its own: a copy extended, as far as the candidate lookup
    (bands on likeness) still finds it, about twice the reference's size (a
    stranger's review: gemma2's forward with 30 lines added read low, with 45 not at all, though
    it held 98% of the reference on 115 fingerprints; liger-kernel's patched forwards, which hold
    transformers' whole, read nothing)."""
    return m.ref_containment >= HELD_WHOLE and m.shared >= NAMELESS_EVIDENCE


def worth_reporting(m: Match, threshold: float) -> bool:
    return m.similarity >= threshold or (m.containment >= SCORING.report_containment
                                         and m.ref_containment >= SCORING.report_ref_containment) or held_whole(m)


SHARED_BY = SCORING.shared_by  # code that this many model lines hold (or more) cannot say which of them it came from


def shared_by(holders: int, makers: int) -> bool:
    """Code held by SHARED_BY model lines or more, of more than one maker (``makers``: companies
    among them, 0 when not known): shared code, which cannot say whose it is.  Lines of one maker
    holding it alike (Qwen2-MoE's sparse block in five Qwen lines and no one else's) say whose it
    is: that maker's, whichever of its models it came from (a stranger's review: that block,
    pasted into another maker's file, read "shared code", low, and Alibaba's notice was never owed)."""
    return holders >= SHARED_BY and makers != 1


def shared_code(d: CodeMatchDetails) -> bool:
    """A code-match finding's code is shared code: many lines hold it (shared_by), or it is a
    template many makers' lines hold most of (classify/crowd.Crowd)."""
    return shared_by(d.holders, d.makers) or d.template_lines > 0


WHOLE_HELD = 0.5  # ... and a file it explains so holding at least this share of the source's file
WHOLE_EXPLAINED = 0.4  # ... which explains at least this share of the file (the rest: code of its own) ...
WHOLE_MOST = 0.75  # ... or of which the file holds this share


def whole_shares(score: float, contains: float) -> bool:
    """A file is one source's file as a whole by its shares when it holds WHOLE_HELD of the
    source's file as a copy, whatever share of the file the source explains: code of its own around
    it, or padding in it, lowers that share with every line added, while the file still holds what
    it holds.  A copy with a hook call, a `with` span or a side effect put in every function loses
    every 12-token gram across each insertion (explained 82-87%, holding 74-85%); one importing
    every torch name under an alias of its own is explained to 78-79%, holding 72%; and a
    stranger's review put the core classes of eleven transformers files, verbatim, beside 257
    lines of glue: explained 46-65%, holding 63-79% of the file, exit 0 until 2026-12-03.  What
    keeps a file that merely shares common code from being called a copy is the lead over other
    organisations' families (wholecopy.whole_file), asked in proportion to the score, which
    dilution does not change; and the source must explain WHOLE_EXPLAINED of the file, unless the
    file holds WHOLE_MOST of the source's file: a file written apart in the same framework's
    idioms, 28% explained by a small mlx-lm model file, held half of that file (its common parts)
    and read as its copy, notice replaced (a stranger's review, 2026-12-03)."""
    return contains >= WHOLE_HELD and (score >= WHOLE_EXPLAINED or contains >= WHOLE_MOST)


def _holding(holders: int, ties: Ties | None) -> str:
    """"N model lines", and how many of them hold the very same code when fewer do (the
    explanation names those first: "the same code stands in 3 families", then "7 model lines
    hold it about as closely" read as a contradiction)."""
    same = ties.lines if ties is not None and ties.families else 0
    return (f"{holders} model lines ({same} of them the same code)" if 0 < same < holders
            else f"{holders} model lines")


def _part_of(whole: WholeFile | None, best: Match, families: Sequence[str]) -> bool:
    """The unit holds the whole-file source's code as a copy: shared code, but that file's."""
    return whole is not None and strength(best) >= STRONG and whole.family in (best.ref.family, *families)


def code_finding(path: str, unit: CompactUnit, matches: Sequence[Match], ties: Ties | None = None,
                 holders: int = 0, whole: WholeFile | None = None, context: str = "", makers: int = 0,
                 crowd: Crowd = Crowd(), closer: Match | None = None, also: Sequence[WholeFile] = ()) -> Finding:
    """A code-match finding; ``ties`` names every family holding the same code (all of them) and
    ``holders`` counts the model lines holding it about as closely as the best match does, models
    of ``makers`` companies (0: not known); ``crowd``: other makers' lines holding most of it.
    ``whole``: the file as a whole is a copy of this source's file (classify/wholecopy.whole_file);
    ``also``: whole files the file holds beside other code (classify/alsowhole.py).
    ``context``: the scope ("the file", "class X") whose source verdict put its family's match
    first among equal ones (classify/explain.source_first), "" when the ranking alone did.
    ``closer``: a later line's closer match the line the file is named after, its elder, was put
    before (classify/named.py)."""
    best = matches[0]
    ref = best.ref
    role, features = role_of(unit, best)
    where = f"{ref.path}:{ref.start_line}-{ref.end_line}"
    span = best.evidence_outside()  # (the unit read with the helper it calls: say where the shared code is)
    elsewhere = "" if span is None else \
        f" The shared code stands at lines {span[0]}-{span[1]} of {ref.path}, in a helper {ref.unit} calls."
    explanation = (
        f"{unit.qualname} ({unit.kind}, lines {unit.start_line}-{unit.end_line}) resembles {ref.unit} in "
        f"{where} ({ref.family}, {ref.org or 'unknown organisation'}{', ' + ref.country if ref.country else ''}): "
        f"{describe(best)}.{elsewhere} Verdict: {verdict(role, best)}."
    )
    tied = [m for m in matches if m.similarity >= best.similarity - SCORING.tie]
    families = sorted({m.ref.family for m in tied})
    earliest = min(tied, key=lambda m: (m.ref.first_seen or UNDATED, m.ref.family)).ref
    earliest_family, earliest_seen, earliest_public = earliest.family, earliest.first_seen, earliest.first_seen
    if ties is not None and ties.families:
        families = list(ties.families)
        earliest_family, earliest_seen, earliest_public = ties.earliest, ties.earliest_seen, ties.earliest_public
    if len(families) > 1:
        lines = f" ({ties.lines} model lines)" if ties is not None else ""
        # the families tie on strength of evidence (how much of the unit each holds), the listed
        # matches rank by similarity: when the best-listed family is not among them, say so
        where = ("The same code stands in" if ref.family in families else
                 f"Holding more of the unit than {model_line(ref.family)}'s closest unit:")
        later = f", its model first seen {earliest_seen}" if earliest_seen and earliest_public > earliest_seen else ""
        explanation += (f" {where} {len(families)} families{lines}; earliest: "
                        f"{earliest_family} ({earliest_public or 'date unknown'}{later}).")
        if ref.family in families and ref.family != earliest_family:  # why not the earliest holder
            why = (f"the source of {context} as a whole, which holds the same code" if context
                   else "the closest in names and rarity of those holding the same code")
            explanation += f" {ref.family} is named as {why}; {earliest_family} had it first."
    if closer is not None:
        c = closer.ref
        explanation += (f" {c.family} ({c.org or 'unknown organisation'}) holds it more closely (structural "
                        f"similarity {closer.similarity:.2f}, {c.path}:{c.start_line}-{c.end_line}), but the file is "
                        f"named after {model_line(ref.family)}, whose model (first seen {ref.first_seen}) came before "
                        f"{model_line(c.family)}'s ({c.first_seen}): the code is {model_line(ref.family)}'s first, "
                        f"and the unit is judged on it.")
    fid = finding_id(path, unit.qualname, unit.structure, ref.family, ref.path, ref.unit, "code-match")
    details = CodeMatchDetails(
        unit_kind=unit.kind, unit_role=unit.role, structure=unit.structure, verdict=verdict(role, best),
        role_features=tuple(features), reference_role=ref.role, equivalent_families=tuple(families),
        equivalents=max(best.ties, len(families)),
        model_lines=ties.lines if ties is not None else len({model_line(f) for f in families}),
        holders=holders, earliest=Earliest(earliest_family, earliest_seen or None, earliest_public or None),
        makers=makers)
    config = unit.qualname.split(".", 1)[0].endswith("Config")
    if config and best.similarity < STRONG and " copy of " in details.verdict:
        # (a review: a configuration class of its own read "inference-glue copy of phimoe" at low; the
        # verdict is quoted out of its finding, and a configuration short of a copy is no one's copy)
        said = details.verdict
        details = dataclasses.replace(details, verdict=config_verdict(best))
        explanation = explanation.replace(f"Verdict: {said}.", f"Verdict: {details.verdict}.")
    sev = severity(role, best)
    if severity(role, best, judge_size=False) in ("medium", "high") and config_short_of_copy(unit.qualname, best):
        # a configuration class lists the parameters of the architecture it follows: short of a copy,
        # its likeness to another model's configuration says what it implements, not whose code it holds
        sev = "low"
        explanation += (" A configuration class short of a copy: its likeness names the parameters of the "
                        "architecture it follows, not whose code it holds, so it is rated low.")
    common = shared_by(holders, makers)
    templated = not common and sev in ("medium", "high") and crowd.template(best.shared)
    if templated:
        details = dataclasses.replace(details, template_lines=len(crowd.shared))
    holding = (f"{_holding(holders, ties)} hold this code about as closely" if not templated else
               f"{len(crowd.shared)} model lines of {crowd.makers} other companies ({_listed(crowd.lines)}), their "
               f"code public before {model_line(ref.family)}'s model, hold most of this code (at {MODERATE:.0%} or "
               f"more; the fifth of them shares {crowd.shared[SHARED_BY - 1]} of its fingerprints, "
               f"{model_line(ref.family)} {best.shared})")
    if not _part_of(whole, best, families):
        whole = next((a for a in also if _part_of(a, best, families)), whole)  # (a file held whole beside other code)
    if (common or templated) and sev in ("medium", "high") and _part_of(whole, best, families):
        # shared code, but the file as a whole is one source's file: this unit is part of that copy
        assert whole is not None  # (checked by _part_of)
        sev = "medium"  # the file convicts, not this unit: no more than medium
        explanation += f" {holding}, but {part_sentence(whole)}"
    elif holders >= SHARED_BY and sev in ("medium", "high") and not common and not templated:  # (lines of one maker)
        explanation += (f" {_holding(holders, ties)} hold this code about as closely, all of them models of one "
                        f"maker ({ref.org}): code its models share is still {ref.org}'s code, whichever of them "
                        "it came from.")
    elif (common or templated) and sev in ("medium", "high"):
        # the same code stands in many model lines: it cannot convict, nor say which one it came from
        sev = "low"
        said = verdict(role, best)
        shared = (f"shared {role or 'unclassified'} code, not a copy of any one model line (alone it would read "
                  f"as {said})")
        explanation = explanation.replace(f"Verdict: {said}.", f"Verdict: {shared}.")
        details = dataclasses.replace(details, verdict=shared)
        explanation += (f" {holding}, so it is rated low: shared code says little about which of them it came "
                        "from." if common else
                        f" {holding}: a template many models' code follows, and {crowd.beyond(best.shared)} "
                        f"fingerprints more are too few to tell a copy of {model_line(ref.family)}'s code from the "
                        "template written again, so it is rated low.")
    listed = tuple(matches) if sev != "info" else tuple(matches[:INFO_MATCHES])  # no evidence: keep it short
    return Finding(fid, "code-match", path, unit.start_line, unit.end_line, unit.qualname, role, None,
                   sev, listed, explanation, details)
