"""Code-match findings + notices -> attribution per finding, and notice/licence findings.

For every scanned file whose code matches a reference (beyond common idioms and
boilerplate), the file's notices are compared with those of the reference file it matches
most; the state (declared, retained, removed, replaced, none-needed) is set on each of its
code findings and raises their severity when an upstream notice was removed or replaced.
Files without matches are read with the fast fallback detector only, for foreign notices
that have no matching code ("stale or credit").
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence

from lineage.classify.holders import elder_holder, holder_of, without
from lineage.classify.root_notices import declares_chain, root_notice_findings
from lineage.classify.sharedlicence import shared_licence_findings
from lineage.classify.second_source import alike_cap, carried_gap, closer_holder, makers_alike, second_sources
from lineage.classify.stated import with_attribution
from lineage.classify.vendored import credited_to
from lineage.classify.elder import declared_elder, elder_explanation, line_dates, unit_marks
from lineage.classify.declaring import declarations, declared_elsewhere, declared_unit, inherited_marker, naming_its_library
from lineage.classify.inherited import BaseMembers, not_inherited
from lineage.classify.wholecopy import explained_copy, whole_file
from lineage.classify.judged import (a_copy, of_line, reference_of, code_by_path, first_per_id, judged_findings,
                                     small_part)
from lineage.notices.dated import as_of
from lineage.classify.origins import credited_holder, credits_of, origin_explanation, port_explanation, publishes
from lineage.classify.owner import (OWN, family_orgs, makers_model, makers_own, names_holder, own_explanation,
                                    owned_as_said, owned_earlier, owner_port, owner_why, owners_of, owning,
                                    sole_holder)
from lineage.classify.unjudged import Detector, RepoNotices, own_unjudged
from lineage.verdicts import SourceVerdict
from lineage.compact.files import CompactFile
from lineage.declared.carried import carried_line, own_declarations
from lineage.declared.family import family_of
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, Match
from lineage.notices.compare import NOT_CARRIED, REMOVED
from lineage.notices.records import Attribution, FileNotices, same_holder
from lineage.source.maker import Makers
from lineage.vocab import Severity, model_line



def attribute_matched(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], findings: Sequence[Finding],
    repo_notices: RepoNotices = (), detect: Detector | None = None,
    sources: dict[str, dict[str, SourceVerdict]] | None = None, owners: frozenset[str] = frozenset(),
    makers: Makers = (), date: str = "", scan_texts: Mapping[str, str] | None = None,
) -> tuple[list[Finding], frozenset[str]]:
    """The findings with attribution set plus the notice findings of files with code matches,
    and the paths of those files.  Each file is handled on its own, so a scan may split its
    files between processes; `stale_notices` then looks at all the other files at once.
    ``owners``: organisations that own the scanned code (classify/owner.py); ``makers``: those the
    scanned package's metadata names as its maker (source/maker.py); ``date``: when the scanned code
    was published (the date the index is restricted to), whose reference notices written later are
    not owed (notices/dated.py).  ``scan_texts``: every file of the scan (path -> text), when ``compacted`` is
    one worker's share of it: what a file declares may be written in another file (the modular file a
    generated one names), wherever the share of the other file fell (a stranger's review: a generated
    file's units read "declared" with one worker and as copies with two)."""
    from lineage.notices import compare_notices, detect_notices, notice_findings

    detect = detect or detect_notices
    made = frozenset(m.org for m in makers)
    by_file, carriers = judged_findings(findings, sources or {})
    out: list[Finding] = []
    texts = {cf.path: cf.text for cf in compacted}
    scanned_texts = scan_texts or texts  # (the whole scan's, which hold the share's: declarations across files)
    updated: dict[str, Finding] = {}
    references: dict[tuple[str, str], FileNotices] = {}  # a reference header is read once per scan
    orgs: dict[str, str] = {}  # family -> its model's maker, read once when an owner can apply
    licences: dict[tuple[str, str], str] = {}  # a reference file's own SPDX licence, read once per scan
    dates: dict[str, str] = {}  # model line -> first seen, read once when a unit declares a line

    def header_lines(family: str, ref_path: str) -> frozenset[str]:
        """The model lines the reference file's own header declares as its origin (its notices'
        Adapted-from / generated-from lines, read once per scan)."""
        return frozenset(filter(None, map(family_of, reference_notices(family, ref_path).adapted_from)))

    def reference_notices(family: str, ref_path: str) -> FileNotices:
        if (family, ref_path) not in references:
            references[(family, ref_path)] = as_of(detect(ref_path, index.header_of(family, ref_path)), date)
        return references[(family, ref_path)]

    contributors: set[tuple[str, str]] = set()  # notice files that name no maker: their holders owed as a framework's

    def judged_notices(family: str, ref_path: str) -> FileNotices:
        """The notices a file is judged against: a notice file naming no maker (deepseek_v3's
        configuration module names its porter and Hugging Face) holds a project's notices, owed by a
        copy as a framework's are, never an upstream maker's whose removal conceals lineage."""
        found = reference_notices(family, ref_path)
        if (family, ref_path) not in contributors:
            return found
        return dataclasses.replace(found, notices=tuple(dataclasses.replace(n, org_kind="framework")
                                                        for n in found.notices))

    def holding_notices(family: str, ref_path: str, mine: list[Finding]) -> str:
        """The family's file to judge notices against: ``ref_path``, or when that names no holder,
        the file of the family that the file's units match most and that does name one (timm's
        layers are many files: attention_pool.py names no one, mlp.py and patch_embed.py Ross
        Wightman; a copy of all three read "none-needed"), else the family's notice file when
        it names the model's maker (transformers generates qwen2's modeling file without its
        notice; its configuration module names the Qwen team; deepseek_v3's names a contributor
        only, and stands for no one's notice)."""
        if any(n.counts for n in reference_notices(family, ref_path).notices):
            return ref_path
        lines: Counter[str] = Counter()
        for f in mine:
            ref = f.matches[0].ref
            if ref.family == family and ref.path != ref_path:
                lines[ref.path] += f.end_line - f.start_line + 1
        found = next((p for p, _ in lines.most_common() if any(n.counts for n in reference_notices(family, p).notices)),
                     "")
        kept = index.notice_file_of(family)
        maker = next((m.ref.org for f in mine for m in f.matches if m.ref.family == family), "")
        if not found and kept and (not maker and any(n.counts for n in reference_notices(family, kept).notices)
                                   or maker and any(n.counts and n.org and same_holder(n.org, maker)
                                                    for n in reference_notices(family, kept).notices)):
            return kept  # (no maker known, `verify`'s reference side: its holders stand for the maker's)
        if not found and kept and not reference_notices(family, ref_path).notices:
            # the matched file names no one at all, as generated (ijepa, deepseek_v3): what its notice
            # file names is owed as a project's notice, a low finding (a copy of deepseek_v4, whose
            # generated file keeps Hugging Face's line, already read so)
            contributors.add((family, kept))
            return kept
        return found or ref_path

    def judged_against(family: str, matched: str, ref_path: str) -> FileNotices:
        """The notices of ``ref_path``, with the origin lines of the file ``matched`` too when they
        differ (a family's notice file: a copy keeping the generated file's banner keeps what the
        matched file carries, declaring nothing)."""
        reference = judged_notices(family, ref_path)
        if matched == ref_path:
            return reference
        return dataclasses.replace(reference, adapted_from=tuple(dict.fromkeys(
            (*reference.adapted_from, *reference_notices(family, matched).adapted_from))))

    def other_holders(mine: list[Finding], family: str, maker: str, reference: FileNotices) -> set[str]:
        """The holders of the other makers the file copies from (second sources), not also the
        reference's: their notices kept in the file stand for their own code, in no one's place."""
        found = {n.key for other, other_path, _, _ in second_sources(verdicts, mine, family, maker, owners)
                 for n in reference_notices(other, other_path).notices if n.counts}
        return found - {n.key for n in reference.notices}

    code_of = code_by_path(findings)  # (every code finding of a file, info ones too)
    members = BaseMembers(index, compacted)  # (a subclass's units against its bases' members, read when needed)
    for path, mine in sorted(by_file.items()):
        begin = len(out)  # (this file's notice findings are out[begin:])
        verdicts = (sources or {}).get(path, {})
        family, matched = reference_of(mine, verdicts)
        ref_path = holding_notices(family, matched, mine)
        text = texts.get(path, "")
        # the marker lines the matched reference files carry: a copy keeps them, declaring nothing
        carried = frozenset().union(*(index.marks_of(m.ref.family, m.ref.path) for f in mine for m in f.matches[:1]))
        whole, declared_units, imported, bases, marked, elsewhere = declarations(
            path, text, index, family, header_lines(family, ref_path) | header_lines(family, matched), carried,
            scanned_texts)
        marks = unit_marks(path, text, carried, index.libraries)
        if marks and not dates:
            dates = line_dates(index)
        elder = {f.id: declared_elder(f, marks, dates) for f in mine if not declared_unit(f.unit, declared_units)}
        rest = [f for f in mine if not elder.get(f.id)]
        if rest and len(rest) < len(mine):  # the notices owed are those of what the file did not declare
            family, matched = reference_of(rest, verdicts)
            ref_path = holding_notices(family, matched, rest)
            whole, declared_units, imported, bases, marked, elsewhere = declarations(path, text, index, family, header_lines(
                family, ref_path) | header_lines(family, matched), carried, scanned_texts)
        declared_ids = {f.id for f in mine if (declared_unit(f.unit, declared_units) and not not_inherited(f, bases, members)
                                               and not inherited_marker(f, marked)
                                               or declared_elsewhere(f, elsewhere, index))}
        copied = [f for f in mine if f.id not in declared_ids and not elder.get(f.id)]
        scanned = detect(path, text)
        maker = next((m.ref.org for f in mine for m in f.matches if m.ref.family == family), "")
        if carried:  # a declaration line the reference carries (below its stored header, too) came with the copy
            scanned = dataclasses.replace(scanned, adapted_from=tuple(
                line for line in scanned.adapted_from if not carried_line(line, carried)))
        if scanned.adapted_from:  # a line naming the line in another model library declares it as that library has it
            scanned = dataclasses.replace(scanned, adapted_from=naming_its_library(scanned.adapted_from, family, index))
        reference = judged_against(family, matched, ref_path)
        if scanned.adapted_from and reference.adapted_from:  # (the reference's own declarations, words appended)
            scanned = dataclasses.replace(scanned, adapted_from=own_declarations(scanned.adapted_from,
                                                                                  reference.adapted_from))
        judged = without(scanned, other_holders(mine, family, maker, reference))
        beside = ref_path != matched and ref_path == index.notice_file_of(family)  # (the matched file holds none)
        attribution = compare_notices(judged, reference, repo_notices=repo_notices, declared=whole or not copied,
                                      reference_family=model_line(family), maker=maker,
                                      removed_as=NOT_CARRIED if beside else REMOVED)
        whole_copy = "<file>" in verdicts and (whole_file(verdicts["<file>"]) or explained_copy(verdicts["<file>"]))
        # (a whole copy spans its info units too: llama's file under another notice had read "removed")
        if attribution.state == "replaced" and small_part(code_of.get(path, []) if whole_copy else mine, text,
                                                          verdicts.get("<file>"), family):
            # the file is mostly code of its own: its notice stands for that, in no one's place; the
            # upstream holder's, owed for the part copied, was not kept (vLLM's old phi.py, Microsoft's
            # model, holds an attention forward like gpt_j's: "Microsoft replaced EleutherAI", high)
            attribution = compare_notices(without(judged, {n.key for n in attribution.replacements}), reference,
                                          repo_notices=repo_notices, declared=whole or not copied,
                                          reference_family=model_line(family), maker=maker,
                                          removed_as=NOT_CARRIED if beside else REMOVED)
        if beside and attribution.state in ("removed", "replaced", "retained"):
            attribution = dataclasses.replace(attribution, explanation=(
                f"{attribution.explanation} (The model file matched holds no notice, as generated; its family's "
                f"stands in {ref_path.rsplit('/', 1)[-1]} beside it.)"))
        if imported and copied and attribution.state in ("removed", "replaced"):
            attribution = dataclasses.replace(attribution, explanation=(
                f"{attribution.explanation} The file imports {', '.join(imported[:4])} (the line of "
                f"{model_line(family)} or a line it declares descent from), which declares reuse of what it "
                "imports only; "
                f"{len(copied)} matched {'unit is' if len(copied) == 1 else 'units are'} copied, not imported."))
        explanation = attribution.explanation
        # the reference credits the file's own holder with its code: the file may be that origin's
        # own code (classify/origins.py)
        credit = credits_of(index, family, ref_path, reference, maker)
        origin, how, also_named = credited_holder(attribution, scanned, credit, reference)
        if also_named and "<file>" in verdicts and whole_file(verdicts["<file>"]):
            origin, how, also_named = "", "", ()  # (the reference's file whole, its own code and all: its copy)
        owned = owners_of(owners, attribution, scanned, made)
        own = owned | ({origin} if origin else set())
        # (removed or replaced, yet every notice missing the owners' own: none owed is missing)
        owed_none = attribution.state in ("removed", "replaced") and bool(owned)
        # the package's word, where the file gives none or names the same one maker (both say whose code it is)
        sole = sole_holder(scanned)
        maker_own = made if not names_holder(scanned) or (sole and all(owning(made, o) for o in sole)) else frozenset()
        if (own or owners or maker_own) and not orgs:
            orgs = family_orgs(index)  # once per call, and only when an owner can apply
        port = owner_port(owners, attribution, orgs, family)
        if port:  # a third party's implementation of the owner's model: the code is the owner's
            own = owners
        if (owners or own or maker_own) and not dates:
            dates = line_dates(index)
        by_dates: list[tuple[str, str]] = []  # (owner, its model) of units the owner's word makes its own, by dates
        publisher = next((o for o in sorted(owners) if publishes(index, family, o)), "")  # (an owner's own ports)
        for f in mine:
            org, own_family = owned_as_said(f, own & owners, own, orgs, index.lineage_of, dates)
            ported = not org and bool(publisher) and f.matches[0].ref.family.partition(":")[0] == \
                family.partition(":")[0]
            if ported:
                org, own_family = publisher, f.matches[0].ref.family
            if not org and owners and not own:  # (a notice owed to another maker: the owner's word, by dates)
                org, own_family = owned_earlier(f, owners, orgs, dates, index.lineage_of)
                by_dates += [(org, own_family)] if org else []
            if not org and maker_own and not own:
                org, own_family = makers_model(f, family, maker_own, orgs, reference_notices, dates)
            if f.id in carriers:
                updated[f.id] = f
            elif origin and f.matches[0].ref.family == family and not (f.id in declared_ids or whole):
                updated[f.id] = with_attribution(f, OWN, origin_explanation(origin, how, ref_path, also_named),
                                                 origin=origin, beside=also_named)
            elif org and not (f.id in declared_ids or whole):
                why_own = port_explanation(f, org) if ported else \
                    own_explanation(f, org, own_family, owner_why(org, owners, makers), dates)
                updated[f.id] = with_attribution(f, OWN, why_own, owner=(org, own_family))
            elif f.id in declared_ids and not whole:
                updated[f.id] = with_attribution(f, "declared", f"{f.unit} declares its origin in "
                                                  f"{model_line(family)} (base class or marker).")
            elif elder.get(f.id) and not whole:
                updated[f.id] = with_attribution(f, "declared", elder_explanation(f, elder[f.id], dates),
                                                  elder=elder[f.id])
            elif attribution.state in ("removed", "replaced", "retained") and not of_line(f, family):
                # a resemblance to another family's code: the judged reference's notice says nothing of
                # it (a file of its own code with one pasted attention read its own units "replaced"; a
                # Qwen block pasted into a phi3 copy keeping Microsoft's notice read "retained")
                updated[f.id] = f
            elif owed_none and f.matches[0].ref.family == family:
                updated[f.id] = with_attribution(f, "retained", _owners_own(attribution, owned), family)
            else:
                updated[f.id] = with_attribution(f, attribution.state, explanation, family)
        if not a_copy([updated[f.id] for f in mine], verdicts):  # a framework's notice is owed by copies only
            attribution = dataclasses.replace(attribution, frameworks_dropped=())
        # the notice findings cite the strongest evidence first: the most severe, rarest units
        mine = sorted(mine, key=lambda f: (-Severity(updated[f.id].severity).rank, -f.matches[0].rarity,
                                            f.start_line))
        matches = [own_licence(index, m, licences) for f in mine for m in f.matches[:1]]
        # the owner's own code owes no licence terms of the family it matches: not a copy; and the
        # licence owed is that of the code the file copies (its medium or high findings, or all
        # of them when the file is its source's whole file), not of a low resemblance
        licensed = [m for f, m in zip(mine, matches) if updated[f.id].attribution != OWN]
        copies = [m for f, m in zip(mine, matches) if updated[f.id].attribution != OWN
                  and updated[f.id].severity in ("medium", "high")]
        licensed = copies or (licensed if whole_copy else [])
        # every copy of the reference's line the owner's code, by dates: the notice missing is lowered
        owner_code = _owner_code(mine, updated, attribution.reference_family, by_dates)
        # (else only the owner's notice is missing)
        if port or origin or not (own and attribution.state in ("removed", "replaced")):
            out += notice_findings(path, scanned, attribution, matches, has_code_match=True, owner_model=port,
                                   owner_elder="" if port else owner_code,
                                   licensed=licensed, own_orgs=sorted(owners), elder=elder_holder(attribution, mine),
                                   origin=origin_explanation(origin, how, ref_path, also_named) if origin else "")
        for other, other_path, other_maker, theirs in second_sources(verdicts, [updated[f.id] for f in mine], family,
                                                                     maker, owners):
            # the main maker's notice kept in the file stands for its own code, in no one's place;
            # a holder both references name stands for both (vLLM's nemotron.py and openpangu.py
            # both keep "EleutherAI and the HuggingFace Inc. team": kept, it is kept for both); a
            # generated file holding no notice is judged by its family's notice file, as the first
            # reference is (a review: mistral's whole file beside a CLIP tower read "also a copy of
            # mistral" with no notice state, where alone it read "notice removed")
            second = judged_notices(other, holding_notices(other, other_path, theirs))
            theirs_only = without(scanned, {m.key for m in attribution.reference_holders}
                                  - {n.key for n in second.notices})
            state = compare_notices(theirs_only, second, repo_notices=repo_notices,
                                    reference_family=model_line(other), maker=other_maker)
            if state.state not in ("removed", "replaced"):
                continue
            for f in theirs:
                updated[f.id] = with_attribution(f, state.state, state.explanation, other)
            said = {holder_of(n) for n in out if n.path == path and n.kind == "notice"}  # one finding per holder
            out += [n for n in notice_findings(path, scanned, state, [f.matches[0] for f in theirs], has_code_match=True)
                    if n.kind == "notice" and n.attribution in ("removed", "replaced") and holder_of(n) not in said]
        alike: tuple[str, ...] = ()
        if attribution.state in ("removed", "replaced") and not whole_copy:  # (a whole file is one maker's)
            orgs = orgs or family_orgs(index)
            held = [updated[f.id] for f in mine if updated[f.id].severity in ("medium", "high")] \
                or [updated[f.id] for f in mine]
            alike = makers_alike(held, orgs, index.lineage_of)
        closer = closer_holder(verdicts, family, maker, owners) if attribution.state in ("removed", "replaced") \
            and a_copy([updated[f.id] for f in mine], verdicts) and not alike else None
        if closer is not None and makers_own(maker_own, closer[2], reference_notices(closer[0], closer[1])):
            closer = None  # (the package maker's own model, its notices naming no one else: no notice owed)
        if closer is not None:  # (the runner-up holds the file as closely: its maker's notice is owed too)
            other, other_path, other_maker = closer
            second = reference_notices(other, other_path)
            theirs_only = without(scanned, {m.key for m in attribution.reference_holders}
                                  - {n.key for n in second.notices})
            state = compare_notices(theirs_only, second, repo_notices=repo_notices,
                                    reference_family=model_line(other), maker=other_maker)
            evidence = [m for f in [*mine, *code_of.get(path, [])] for m in f.matches if m.ref.family == other][:len(mine)]
            if state.state in ("removed", "replaced") and evidence:
                said = {holder_of(n) for n in out if n.path == path and n.kind == "notice"}
                out += [n for n in notice_findings(path, scanned, state, evidence, has_code_match=True)
                        if n.kind == "notice" and n.attribution in ("removed", "replaced") and holder_of(n) not in said]
            elif state.state == "retained":  # (it keeps arcee's header whole: llama's gap came with arcee's file)
                out = [carried_gap(n, other, other_path) if n.path == path and n.kind == "notice"
                       and n.attribution in ("removed", "replaced") else n for n in out]
        if alike:  # (code several makers hold alike: no one maker's notice is known to be owed)
            out[begin:] = [alike_cap(n, alike) if n.kind == "notice" and n.attribution in ("removed", "replaced")
                           else n for n in out[begin:]]
        through = verdicts["<file>"].look_through if "<file>" in verdicts else None
        if through is not None and through.root_path and through.root != family \
                and not declares_chain(index, through, verdicts["<file>"]):
            root = reference_notices(through.root, through.root_path)
            out += root_notice_findings(path, scanned, root, through, matches, repo_notices, whole,
                                        kept=attribution.state in ("retained", "none-needed")
                                        and not attribution.frameworks_dropped)
    out_findings = credited_to([updated.get(f.id, f) for f in findings], index.header_of, reference_notices)
    # one finding per id: a look-through's judgement against the root restates the file's licence
    # finding, the same finding (a scan of vLLM's qwen3.py under MIT listed it twice)
    out += shared_licence_findings(index, [f for f in out_findings if f.attribution != OWN], frozenset(by_file),
                                   texts, detect)
    out = first_per_id(out)
    return own_unjudged(index, out_findings, frozenset(by_file), texts, repo_notices, owners, detect,
                         reference_notices, makers) + out, frozenset(by_file)


def _owners_own(attribution: Attribution, owned: frozenset[str]) -> str:
    """Why a unit whose reference's missing notices are all the owners' owes none."""
    missing = ", ".join(dict.fromkeys(n.holder for n in attribution.missing))
    return (f"The file does not keep the notice of {missing}, which {', '.join(sorted(owned))} owns (the scan's "
            "--owner, the file's own notice or its package's metadata): an owner need not keep its own notice, "
            "and the file keeps every other notice its reference holds, so none owed is missing.")


def _owner_code(mine: Sequence[Finding], updated: Mapping[str, Finding], line: str,
                by_dates: Sequence[tuple[str, str]]) -> str:
    """The given owner's model ("clip (OpenAI)") when the owner's word made units its own by
    dates (``by_dates``) and no copy of the reference's model line is left in the file."""
    if not by_dates or any(updated[f.id].attribution != OWN and updated[f.id].severity in ("medium", "high")
                           for f in mine if model_line(f.matches[0].ref.family) == line):
        return ""
    org, family = by_dates[0]
    return f"{model_line(family)} ({org})"


def own_licence(index: EmbeddedIndex, m: Match, seen: dict[tuple[str, str], str]) -> Match:
    """The match with its reference's licence as the reference file itself declares it (an SPDX
    line in its header), else as its source declares it: a package under one licence may carry
    files under another (a kernel derived from NVIDIA's BSD-3-Clause examples in an Apache-2.0
    engine), and the file's own declaration is what its copy owes."""
    from lineage.notices.header import spdx_expressions

    key = (m.ref.family, m.ref.path)
    if key not in seen:
        lines = index.header_of(*key).splitlines()
        seen[key] = " AND ".join(spdx_expressions(list(enumerate(lines, start=1))))
    own = seen[key]
    if not own or own == m.ref.licence:
        return m
    return dataclasses.replace(m, ref=dataclasses.replace(m.ref, licence=own))
