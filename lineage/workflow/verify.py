"""`verify SUSPECT --against REFERENCE`: a reproducible exhibit for one accusation.

Both sides are loaded in memory (directory, file, archive, REPO@REV, URL@REV or
name==version); the reference side becomes a throw-away in-memory index and the suspect
side is scanned against it.  The exhibit says exactly what was compared (a hash of every
file on both sides, versions, commit ids), with which tool and parameters, which units
match with their aligned regions and the real source lines of both sides, the notices of
both sides, and where each score stands against unrelated pairs.  The same inputs give
byte-identical JSON: no timestamps, sorted keys, no absolute local paths.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

from lineage import __version__
from lineage.config import Config
from lineage.details import CodeMatchDetails
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.index.header import scores_digest
from lineage.models import Finding, SourceFile
from lineage.parse.lines import numbered_lines
from lineage.pipeline.match import Progress, fingerprint_files
from lineage.pipeline.scan import scan_files
from lineage.report.jsonfmt import finding_dict
from lineage.source.target import LoadedTarget
from lineage.classify.codematch import held_whole, strength
from lineage.index.evidence import STRONG
from lineage.classify.codematch import WHOLE_FILE
from lineage.workflow.background import (Holders, Line, Template, background_section, apart_from, holders,
                                         line_orgs, template_of, with_background)
from lineage.workflow.exhibit import (AlignedRegion, AlsoMatch, Exhibit, ExhibitMatch, FileScore,
                                       ReferenceSpan, SideLines, UnitScores)
from lineage.workflow.whole import (HELD, dated_licence, held_shares, is_whole, licence_gaps, main_reference, rated,
                                    whole_reference)
from lineage.workflow.prior_art import (capped, corpus_entry, earlier_lines, framework_code, named, whole_lines)
from lineage.workflow.verify_inputs import error_fields, not_compared_sentence, ordered, reference_errors, warnings_of
from lineage.workflow.verify_declared import declared_reuse, declared_sentence, reference_families
from lineage.workflow.verify_notices import NoticeReference, reattributed
from lineage.workflow.unit_notices import JUDGED, held_elsewhere, judged_notice, notice_needs_a_copy
from lineage.workflow.verify_statement import judged_units, summary
from lineage.workflow.verify_vestiges import dated_vestiges
from lineage.workflow.chronology import Chronology
from lineage.workflow.published import (first_publications, judged as published_judged, published_pair,
                                        published_suspects)
from lineage.workflow.versions import calibration_provenance, code_digest, score_versions
from lineage.pool import default_workers
from lineage.workflow.siblings import Closer, reference_side
from lineage.workflow.scores import best_similarities, calibration, file_score, place_file, place_unit, stats

SCHEMA_VERSION = 1
_CONFIG_KEYS = ("min_similarity", "min_containment", "report_similarity", "top", "max_file_bytes")
_INPUT_KEYS = ("kind", "name", "version", "filename", "sha256", "url", "rev", "commit", "date", "release")


def side_inputs(loaded: LoadedTarget) -> dict[str, Any]:
    """What a third party needs to obtain the same files; local paths reduced to a name."""
    raw = loaded.inputs
    out = {k: raw[k] for k in _INPUT_KEYS if raw.get(k)}
    if raw.get("path") and raw.get("kind") in ("dir", "file", "archive", "git"):
        out["name"] = os.path.basename(str(raw["path"]).rstrip("/")) or str(raw["path"])
    files = {f.path: hashlib.sha256(f.data).hexdigest() for f in loaded.files}
    listing = "".join(f"{h}  {p}\n" for p, h in sorted(files.items()))
    out["files"] = dict(sorted(files.items()))
    out["tree_sha256"] = hashlib.sha256(listing.encode("utf-8", "surrogatepass")).hexdigest()
    return out  # the side's errors are added once it is scanned (verify_inputs.error_fields)


def side_label(inputs: dict[str, Any]) -> str:
    if inputs.get("kind") == "pypi":
        return f"{inputs.get('name')}=={inputs.get('version')}"
    if inputs.get("kind") == "git":
        return f"{inputs.get('url') or inputs.get('name')}@{str(inputs.get('commit', ''))[:12]}"
    return f"{inputs.get('kind', 'dir')}:{inputs.get('name', '')}"


def _unrelated_units(index: EmbeddedIndex, compacted: Sequence[CompactFile],
                     findings: Sequence[Finding]) -> list[float]:
    """The in-pair baseline: each suspect unit's best similarity to the reference units but its
    counterpart (its best match, and any tied with it), so that a matched unit is placed among draws
    that are not below the match threshold by construction: a reference unit the suspect unit
    resembles less than its counterpart (another attention's forward) is a draw."""
    counterparts: dict[tuple[str, str, int], frozenset[int]] = {}
    for f in findings:
        best = f.matches[0].similarity
        rows = {index.unit_id(m.ref.family, m.ref.path, m.ref.start_line, m.ref.unit) for m in f.matches
                if m.similarity >= best}
        counterparts[(f.path, f.unit, f.start_line)] = frozenset(r for r in rows if r is not None)
    units = [(c.path, u) for c in compacted for u in c.units if u.kind != "module"]
    return best_similarities(index, [u for _, u in units],
                             [counterparts.get((p, u.qualname, u.start_line), frozenset()) for p, u in units])


def _as_capped(explanation: str, note: str) -> str:
    """A pair finding's wording once the background rated it down (``note``): its verdict is what the
    pair alone would read, not the exhibit's (a review: "Verdict: ... copy of reference" stood beside
    the exhibit's "no copy verdict")."""
    return explanation.replace("Verdict: ", "The pair alone would read: ", 1) if note else explanation


def _lines(text: str, start: int, end: int) -> list[str]:
    return numbered_lines(text)[max(0, start - 1): end]


def _texts(files: Sequence[SourceFile]) -> dict[str, str]:
    from lineage.parse.decode import decode_source

    out = {}
    for f in files:
        text, _ = decode_source(f.path, f.data)
        if text is not None:
            out[f.path] = text
    return out


def match_entry(f: Finding, suspect_text: str, reference_text: str, placed: dict[str, Any],
                held: Holders | None = None, background: bool = False, line: Line | None = None,
                orgs: Mapping[str, str] | None = None, own: Line | None = None,
                side: Sequence[str] = (), closer: Closer | None = None,
                template: Template | None = None) -> ExhibitMatch:
    """One matched unit with both sides' lines for every aligned region, and what the corpus
    background says of it (how many indexed model lines hold the same code); ``placed`` is
    where its similarity stands among the pair's unrelated units (``place_unit``); ``line`` is the
    indexed line whose file the matched reference file is, when the corpus holds it whole (``own``:
    the suspect file's, so); ``orgs``: model line -> organisation (background.line_orgs); ``side``:
    the files of the reference side and beside it that hold the same code, ``closer`` the one beside
    it holding it more closely than the reference does (siblings.py); ``template``: the corpus shows
    the unit as a template (background.template_of)."""
    orgs = orgs or {}
    held = apart_from(held, line, orgs) if held is not None else None
    best = f.matches[0]
    ref = best.ref
    regions = tuple(
        AlignedRegion(SideLines(g.start_line, g.end_line, tuple(_lines(suspect_text, g.start_line, g.end_line))),
                      SideLines(g.ref_start_line, g.ref_end_line,
                                tuple(_lines(reference_text, g.ref_start_line, g.ref_end_line))))
        for g in best.regions
    )
    earlier = earlier_lines(held.rows, line, orgs) if held is not None and line is not None else ()
    framework = framework_code(held, line, own) if held is not None else ""
    sev, note = capped(f.severity, held, line, earlier, framework, side, closer, template)
    unbacked = not background and sev in ("high", "medium")
    if unbacked:
        sev, note = "low", (f"{note} {UNBACKED}").strip()
    corpus = corpus_entry(held, line, earlier, framework, side, closer, template) if background else None
    code = f.details if isinstance(f.details, CodeMatchDetails) else None
    scores = UnitScores(best.similarity, best.containment, best.ref_containment, best.lexical, best.rarity,
                        placed["above_unrelated_p99"], placed.get("unrelated_percentile"))
    return ExhibitMatch(
        id=f.id, path=f.path, unit=f.unit, unit_kind=code.unit_kind if code else None,
        start_line=f.start_line, end_line=f.end_line, role=f.role,
        role_features=code.role_features if code else (), attribution=f.attribution,
        severity=sev, severity_before_corpus=f.severity if note else None, corpus=corpus,
        verdict=(f"{PAIR_ALONE if unbacked else ''}{named(code.verdict, line)}" if code else None),
        explanation=named(f"{_as_capped(f.explanation, note)} {note}".strip(), line),
        reference=ReferenceSpan(ref.path, ref.unit, ref.start_line, ref.end_line),
        also_matches=tuple(AlsoMatch(m.ref.path, m.ref.unit, m.similarity) for m in f.matches[1:]),
        scores=scores, regions=regions)


def notices_section(pairs: Sequence[tuple[str, str, str]], texts: dict[str, dict[str, str]],
                    chosen: dict[str, NoticeReference] | None = None,
                    judged: Mapping[str, Finding] | None = None,
                    unshown: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Notices of every file involved in a match, and how each suspect file treats its reference's;
    ``chosen`` says why each suspect file was judged against that reference file; ``judged``: per
    suspect file, the notice finding of the judgement its code findings state, stated here too (a
    stranger's review: "Notices: removed" above, "notice replaced" below, on one file); ``unshown``:
    suspect files no unit of which the exhibit rates above low, whose removed or replaced notice is
    said as what the file lacks, not as what a copy dropped (a review: unrelated files compared
    with `--no-index` read "the upstream notice was removed" as a flat fact), and each entry's
    ``copy_shown`` is false for them (a later review: the JSON's state alone read as an accusation)."""
    try:
        from lineage.notices import compare_notices, detect_notices
    except ImportError as exc:  # the notices layer is optional at runtime
        return {"available": False, "reason": str(exc)}
    found: dict[str, dict[str, Any]] = {"suspect": {}, "reference": {}}
    parsed: dict[tuple[str, str], Any] = {}
    for side, path in sorted({("suspect", s) for s, _, _ in pairs} | {("reference", r) for _, r, _ in pairs}):
        fn = detect_notices(path, texts[side].get(path, ""))
        parsed[(side, path)] = fn
        found[side][path] = {
            "holders": [{"holder": n.holder, "org": n.org, "line": n.line, "statement": n.statement}
                        for n in fn.notices],
            "licences": list(fn.licences), "adapted_from": list(fn.adapted_from),
        }
    attribution = []
    for s, r, family in sorted(set(pairs)):
        att = compare_notices(parsed[("suspect", s)], parsed[("reference", r)], reference_family=family)
        said = (judged or {}).get(s)
        state, why = att.state, att.explanation
        # (the reference file names no one while the notice file beside it does: the judgement against that
        # notice stands, as in `scan`)
        if said is not None and (state in JUDGED or state == "none-needed" and said.attribution in JUDGED) \
                and said.attribution != state and (not chosen or s not in chosen or chosen[s].path == r):
            state, why = str(said.attribution), said.explanation
        if s in unshown and state in ("removed", "replaced"):
            why = f"{why} {UNSHOWN}"
        entry = {"suspect": s, "reference": r, "state": state, "explanation": why,
                 # (a removed or replaced notice of a file no unit of which the exhibit rates above low says
                 # what the file lacks, not what a copy dropped: said in the data as in the text)
                 "copy_shown": s not in unshown,
                 "missing": sorted({n.holder for n in att.missing}),
                 "replacements": sorted({n.holder for n in att.replacements}),
                 "frameworks_dropped": sorted({n.holder for n in att.frameworks_dropped})}
        if chosen and s in chosen and chosen[s].path == r:
            entry["reference_basis"] = chosen[s].basis
        attribution.append(entry)
    return {"available": True, **found, "attribution": attribution}


def build_reference(loaded: LoadedTarget, inputs: dict[str, Any], notice: dict[str, str] | None = None
                    ) -> EmbeddedIndex:
    """The reference side as an in-memory index; ``notice``: the side's notice file ({"path",
    "header"}, `reference_notice`), if any."""
    from lineage.index.build import index_from_files
    from lineage.index.embedded import from_arrays

    pinned = {k: v for k, v in inputs.items() if k in _INPUT_KEYS}
    # family keys are "source:name", read up to the first colon: a label's own colons ("file:x.py",
    # "https://...") would make the line "x.py:reference" in every verdict instead of "reference"
    source = side_label(inputs).replace(":", " ")
    header, arrays = index_from_files(list(loaded.files), family="reference", source=source,
                                      pinned=pinned, notice=notice)
    return from_arrays("in-memory:reference", header, arrays, FingerprintParams())


def reference_notice(loaded: LoadedTarget, spec: str, inputs: dict[str, Any], background: EmbeddedIndex | None
                     ) -> tuple[dict[str, str] | None, dict[str, str]]:
    """The reference side's notice file when its model files name no one: the configuration module
    among or beside them (`siblings.notice_beside`), else the one the corpus keeps for the family
    a reference file is byte for byte (`siblings.notice_in_index`, as `scan` judges a copy of
    it), with where that came from; none when the notice beside it names a porter, not the maker the
    corpus knows the file by (`siblings.porters_notice`)."""
    from lineage.workflow.siblings import notice_beside, notice_in_index, porters_notice

    beside_it = notice_beside(loaded.files, spec, inputs)
    if beside_it is not None and porters_notice(beside_it, loaded.files, background):
        return None, {}  # (a porter's notice beside the maker's model file: no maker's notice to judge)
    indexed = notice_in_index(loaded.files, background) if beside_it is None else None
    return (beside_it, {}) if indexed is None else indexed


PAIR_ALONE = "by the pair alone (no corpus): "  # (a capped unit's verdict: what the two files alone would read)
UNSHOWN = ("No unit of this file is rated above low in this exhibit: this says what the file lacks of the "
           "reference's notices, not that a copy dropped them.")
UNBACKED = ("No corpus background (--no-index): the pair alone cannot show that this code is not what many "
            "models share, so it is rated low at most here; verify against an index to rate it.")


def verify(suspect_spec: str, reference_spec: str, config: Config,
           background: EmbeddedIndex | None = None, progress: Progress | None = None) -> Exhibit:
    """Compare two sides and return the exhibit; raises SourceError for unusable specs.

    ``background`` is the corpus index that rarity and commonness come from; without one the
    exhibit carries a warning."""
    from lineage.source.target import load_target

    # (an unpacked release the package index confirms file for file is dated by it: chronology.py)
    suspect = load_target(suspect_spec, max_bytes=config.max_file_bytes, release_dates=True)
    reference = load_target(reference_spec, max_bytes=config.max_file_bytes)
    s_in, r_in = side_inputs(suspect), side_inputs(reference)
    notice, notice_from = reference_notice(reference, reference_spec, r_in, background)
    r_in = {**r_in, **({"notice_from_index": notice_from} if notice_from else {})}
    index = pair = build_reference(reference, r_in, notice)
    compared = judged_units(index) > 0  # a reference with nothing to judge gives no in-pair baseline either
    if background is not None:
        index = with_background(index, background)
    result, compacted = scan_files(list(suspect.files), index, config, target=side_label(s_in),
                                   revision=suspect.revision, errors=suspect.errors, progress=progress)
    # each suspect file's notices judged against the reference file its code comes from
    scanned, chosen, judged_notices = reattributed(index, compacted, result.findings, suspect.files, config)
    findings = [f for f in scanned if f.kind == "code-match" and f.matches]
    null = sorted(_unrelated_units(index, compacted, findings)) if compared else []
    calib = calibration()
    placed_on = calibration_provenance(calib, background.info().id if background is not None else None,
                                       scores_digest(background.header) if background is not None else None)
    texts = {"suspect": {c.path: c.text for c in compacted}, "reference": _texts(reference.files)}
    strengths = {(f.path, f.unit, f.start_line): strength(f.matches[0]) for f in findings}
    extended = frozenset((f.path, f.unit, f.start_line) for f in findings if held_whole(f.matches[0]))
    held = holders(background, compacted, strengths, extended) if background is not None else {}
    side, closer, near, unread = reference_side(pair, reference_spec, r_in, (suspect.files, reference.files), compacted, strengths,
                                config.max_file_bytes, config.workers or default_workers())
    orgs = line_orgs(background) if background is not None else {}
    cited_files = [x for x in reference.files if x.path in {f.matches[0].ref.path for f in findings}]
    cited_compact = fingerprint_files(cited_files, config) if background is not None and cited_files else []
    dated_whole = whole_lines(background, cited_compact, config) if background is not None else {}
    dated = {path: line for path, (line, _) in dated_whole.items()}
    # the suspect's files the corpus holds whole: two files one engine or framework published share its code
    matched = [c for c in compacted if c.path in {f.path for f in findings}]  # (fingerprinted once, by the scan)
    own_whole = whole_lines(background, matched, config) if background is not None and dated else {}
    own = {path: line for path, (line, _) in own_whole.items()}
    # a suspect file that is the line's published file, notice and all, against that line's code re-noticed
    holding: dict[str, list[tuple[str, ...]]] = {}
    for f in findings:
        if f.unit != "<module>":
            found = held.get((f.path, f.unit, f.start_line))
            holding.setdefault(f.path, []).append(found.families if found is not None else ())
    r_date = Chronology.of(r_in, {}, None).date  # the reference's own date (a release's, a commit's), if it has one
    published = published_suspects(background, matched, cited_compact, own_whole, dated_whole, holding, r_date) \
        if background is not None else {}
    matches = tuple(
        match_entry(f, texts["suspect"].get(f.path, ""), texts["reference"].get(f.matches[0].ref.path, ""),
                    place_unit(f.matches[0].similarity, null), held.get((f.path, f.unit, f.start_line)),
                    background is not None, dated.get(f.matches[0].ref.path), orgs, own.get(f.path),
                    side.get((f.path, f.unit, f.start_line), ()), closer.get((f.path, f.unit, f.start_line)),
                    template_of(background, held.get((f.path, f.unit, f.start_line)), dated.get(f.matches[0].ref.path),
                                f.matches[0].shared, own.get(f.path)) if background is not None else None)
        for f in findings)
    clock = Chronology.of(suspect.inputs, dated, background)  # a suspect public before the reference's line: not its copy
    matches = tuple(clock.judged(m) for m in matches)
    notice_refs = {p: c.path for p, c in chosen.items()}
    share = held_shares(index, findings)
    files = []
    # units whose code the corpus shows as shared, or as earlier lines': no evidence of this pair
    sides = {key: len(found) for key, found in side.items()}  # (files of the reference side holding each unit's code)
    common = {(m.path, m.unit, m.start_line) for m in matches
              if held_elsewhere(m, sides.get((m.path, m.unit, m.start_line), 0))}
    whole: set[str] = set()  # copies of a reference file as a whole (whole.py)
    for c in compacted:
        if any(f.path == c.path and f.unit != "<module>" for f in findings):  # (module bodies are not judged)
            score = file_score(index, c.units)
            main = main_reference(c.path, findings, notice_refs)
            if is_whole(score, share(c.path, main)) and not clock.suspect_first(main):
                whole.add(c.path)
            beyond = file_score(index, c.units, [(c.path, u.qualname, u.start_line) in common for u in c.units]) \
                if background is not None else None
            # (a copy of the reference file as a whole is that file's copy, shared code and all)
            placed = place_file(score if beyond is None or c.path in whole else beyond, calib)
            files.append(FileScore(c.path, score, placed["above_unrelated_p99"], placed.get("vs_derived_median"),
                                   beyond_shared=beyond))
    matches = tuple(judged_notice(m, whole, sides.get((m.path, m.unit, m.start_line), 0)) for m in matches)
    matches = notice_needs_a_copy(matches, {k for k, s in strengths.items() if s >= STRONG} | extended)
    matches = tuple(published_judged(m, published) for m in matches)  # (last: its verdict stands as it is)
    if background is not None:  # units of a suspect that is an indexed line's file, whose code that line had first
        matches = first_publications(background, suspect.files, reference.files, r_date, matches, held)
    # vestiges of the reference's line, in the units the exhibit holds as copies of it
    copies = {(m.path, m.unit, m.start_line) for m in matches if m.severity != "info"
              and (m.path in whole or not held_elsewhere(m, sides.get((m.path, m.unit, m.start_line), 0)))}
    vestiges = [f for f in result.findings if f.kind == "vestige"] + dated_vestiges(compacted, findings, dated, copies, held)
    declared = declared_reuse(compacted, reference_families((x.path for x in reference.files), dated))
    pairs = [(m.path, ref, "") for m in matches if m.severity != "info" and m.attribution
             and not published_pair(published, m.path, ref := notice_refs.get(m.path, m.reference.path))]
    # a copy of a reference file as a whole owes that file's notice, whatever its units' code is
    wholes = {p: r for p in whole - {s for s, _, _ in pairs}
              if not published_pair(published, p, r := whole_reference(p, matches, notice_refs))}
    shown = {m.path for m in matches if m.severity in ("medium", "high")} | whole
    notices = notices_section(pairs + [(p, r, "") for p, r in sorted(wholes.items())], texts, chosen, judged_notices,
                              frozenset({s for s, _, _ in pairs} - shown))
    dropped = {a["suspect"]: a["frameworks_dropped"] for a in notices.get("attribution", ())
               if a["frameworks_dropped"] and a["reference"] == notice_refs.get(a["suspect"], a["reference"])}
    judged = {a["suspect"]: a["state"] for a in notices.get("attribution", ()) if wholes.get(a["suspect"]) == a["reference"]}
    files = list(rated(files, matches, notice_refs, dropped, whole, licence_gaps(notices, dated_licence(background, dated)),
                       judged, {(p, r): x.note() for p, x in published.items() for r in x.renoticed}))
    cited = {m.reference.path for m in matches} | {a.path for m in matches for a in m.also_matches}
    s_err, r_err = ordered(result.errors), reference_errors(reference, index, cited | set(notice_refs.values()))
    s_in, r_in = {**s_in, **error_fields(s_err)}, {**r_in, **error_fields(r_err), **({"beside": near} if near else {})}
    return Exhibit(
        schema_version=SCHEMA_VERSION, kind="lineage-verify-exhibit",
        tool={"name": "lineage", "version": __version__, "code_sha256": code_digest(), "versions": score_versions()},
        parameters={"fingerprint": FingerprintParams().to_dict(),
                    "config": {k: getattr(config, k) for k in _CONFIG_KEYS}},
        inputs={"suspect": s_in, "reference": r_in},
        background=background_section(background, dated),
        warnings=(*warnings_of(background, s_err, r_err, compared, suspect_code=not result.files_scanned or any(
            u.kind != "module" for c in compacted for u in c.units)), *unread),
        scores_baseline={
            "units": {"source": "in-pair", "unrelated": stats(null),
                      "method": "best exact structural similarity of every suspect unit against every reference "
                                "unit but its counterparts (the reference units it matched); p99 needs at least 20 "
                                "suspect units"},
            "files": {"source": "calibration" if calib else None, "calibration": calib, **placed_on,
                      "method": "k-gram weighted mean of each unit's best similarity, against the unrelated "
                                "family pairs of corpora/calibration.toml; with a corpus background, the score "
                                "placed is the one beyond shared code (units whose code the corpus shows as "
                                "shared, or as earlier lines', counted as no match), unless the file is a copy of "
                                f"a reference file as a whole (score at least {WHOLE_FILE}, holding {HELD} of it)"},
        },
        matches=matches,
        files=tuple(files),
        vestiges=tuple(finding_dict(f) for f in vestiges),
        notices=notices,
        summary=summary(result, matches, index, compacted, files, not_compared_sentence(s_err, r_err),
                        background=background is not None, vestiges=vestiges, declared=declared_sentence(declared, [
                            (m.path, m.unit) for m in matches if m.severity in ("medium", "high")],
                            [(m.path, m.unit) for m in matches if m.severity == "low"])),
        declared=declared,
        chronology=clock.section(matches),
    )
