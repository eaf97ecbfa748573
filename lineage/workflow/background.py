"""The corpus as background for a two-sided comparison: rarity and commonness from an index.

Two files alone cannot tell common code from copied code: with only the pair to compare,
every fingerprint looks rare, and a serving engine's standard attention looks like a copy
between two unrelated models of that engine.  `lineage verify` therefore takes document
frequencies from an index of many model lines (the default index unless another is named),
and counts, for every suspect unit, how many indexed model lines hold the same code.  An
exhibit states that background explicitly ("this code stands in 37 indexed families").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex, from_arrays
from lineage.classify.codematch import MODERATE, SHARED_BY
from lineage.classify.crowd import Crowd
from lineage.index.evidence import SAME, STRONG, UnitEvidence, same_code
from lineage.index.query import QueryOptions, query_files
from lineage.vocab import UNLABELLED, company, first_seen_key, model_line

COMMON_FAMILIES = SHARED_BY  # code the corpus holds in this many model lines is rated low at most
# ... or in lines of this many companies' models: the pair cannot show that the suspect took it
# from the reference rather than from the others (a serving engine's own code, written into
# several makers' model files at once, is dated by the oldest of those models)
COMMON_MAKERS = 3


def with_background(pair: EmbeddedIndex, corpus: EmbeddedIndex) -> EmbeddedIndex:
    """The pair's index with document frequencies counted over the corpus and the pair together."""
    keys = np.concatenate([corpus.arrays["df_hash"], pair.arrays["df_hash"]])
    counts = np.concatenate([corpus.arrays["df_count"], pair.arrays["df_count"]]).astype(np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse, weights=counts, minlength=uniq.size)
    arrays = dict(pair.arrays, df_hash=uniq.astype(np.uint32),
                  df_count=np.minimum(summed, 65535).astype(np.uint16))
    header = dict(pair.header, df_lines=corpus.n_lines + pair.n_lines, background=corpus.header.get("id"))
    return from_arrays(pair.path, header, arrays)


@dataclass(frozen=True)
class Line:
    """An indexed family as the corpus labels it."""

    family: str  # "vllm:falcon"
    org: str
    first_seen: str  # its model's
    # the model lines it declares it took code from ("Copied from", modular imports, the manifest)
    declared: tuple[str, ...] = ()
    # the earliest its code can have been public where the corpus holds it (EmbeddedIndex.public):
    # an engine's port is no older than the engine's first release that shipped it
    public: str = ""

    @property
    def since(self) -> str:
        """When this family's code was public at the earliest: its model's date, or its source's
        later one ("" undated)."""
        return max(self.first_seen, self.public)

    def label(self) -> str:
        later = f", in its source since {self.public}" if self.first_seen and self.public > self.first_seen else ""
        return (f"{self.family} ({self.org or 'organisation not labelled'}, first seen "
                f"{self.first_seen or 'undated'}{later})")

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "org": self.org or None, "first_seen": self.first_seen or None,
                "public": self.since or None}


def dated(line: Mapping[str, Any]) -> str:
    """When a line's code was public, as an exhibit says it (``Line.to_dict``): its model's
    first-seen date, and its source's later one where they differ."""
    seen, public = line.get("first_seen"), line.get("public")
    return f"first seen {seen}" + (f", in its source since {public}" if public and seen and public > seen else "")


@dataclass(frozen=True)
class Holders:
    """Indexed model lines holding one suspect unit's code."""

    lines: int
    rows: tuple[Line, ...]  # the families holding it, earliest first
    # the holders whose makers the rating counts (``apart_from``): None, every one
    counted: tuple[Line, ...] | None = None
    # the corpus's evidence of the unit, down to MODERATE: the lines holding most of it (template_of)
    evidence: UnitEvidence | None = field(default=None, compare=False, repr=False)

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(x.family for x in self.rows)

    @property
    def makers(self) -> tuple[str, ...]:
        """The companies whose models' lines the rating counts (labelled ones), by name."""
        rows = self.rows if self.counted is None else self.counted
        named = {company(x.org): x.org for x in reversed(rows) if x.org.casefold() not in UNLABELLED}
        return tuple(sorted(named.values()))

    def to_dict(self) -> dict[str, Any]:
        return {"model_lines": self.lines, "families": list(self.families), "makers": list(self.makers)}


def apart_from(held: Holders, reference: Line | None, orgs: Mapping[str, str]) -> Holders:
    """The holders whose makers the rating counts when the corpus dates the reference file to a
    line: that line's maker's own lines, and the lines that declare one of them as an ancestor
    (``orgs``: model line -> organisation), count as the reference's maker alone.  Code that
    DeepSeek's lines and two models declaring DeepSeek's lines hold is DeepSeek's code, not code
    three makers share.  (How many lines hold it is counted as it stands: code 5 or more lines
    hold is shared code whoever they declare.)"""
    if reference is None or reference.org.casefold() in UNLABELLED:
        return held
    maker = company(reference.org)

    def its(x: Line) -> bool:
        return company(x.org) == maker or any(company(orgs.get(d, "")) == maker for d in x.declared)

    return dataclasses.replace(held, counted=(reference, *(x for x in held.rows if not its(x))))


def line_orgs(corpus: EmbeddedIndex) -> dict[str, str]:
    """Model line -> organisation, as the corpus labels its families (a labelled one wins)."""
    out: dict[str, str] = {}
    for f in corpus.meta["families"]:
        if f.get("org") and str(f["org"]).casefold() not in UNLABELLED:
            out.setdefault(str(f["name"]), str(f["org"]))
    return out


def shared(corpus: Mapping[str, Any] | None) -> bool:
    """A matched unit's code is shared code (an exhibit's corpus entry): it stands in COMMON_FAMILIES
    or more indexed model lines, or in lines of COMMON_MAKERS or more companies' models, or in
    COMMON_FAMILIES or more files of the reference side (workflow/siblings.py)."""
    if not corpus:
        return False
    return by_the_corpus(corpus) or len(corpus.get("reference_side") or ()) >= COMMON_FAMILIES


def by_the_corpus(corpus: Mapping[str, Any]) -> bool:
    """Shared code by the corpus's own count (not by the reference side's files alone)."""
    return bool(corpus["model_lines"] >= COMMON_FAMILIES or len(corpus.get("makers") or ()) >= COMMON_MAKERS)


def shared_by(corpus: Mapping[str, Any]) -> str:
    """How many lines (of how many companies) hold a unit's code, as an exhibit says it."""
    makers, side = corpus.get("makers") or (), corpus.get("reference_side") or ()
    if not by_the_corpus(corpus) and len(side) >= COMMON_FAMILIES:
        return f"{len(side)} files of the reference side (its source's own pattern)"
    return (f"{corpus['model_lines']} indexed model lines"
            + (f" of {len(makers)} companies ({', '.join(makers)})" if len(makers) > 1 else ""))


def holders(corpus: EmbeddedIndex, compacted: Sequence[CompactFile], strengths: dict[tuple[str, str, int], float],
            extended: frozenset[tuple[str, str, int]] = frozenset()) -> dict[tuple[str, str, int], Holders]:
    """Per matched suspect unit ((path, qualname, start line) -> the pair's match strength):
    the corpus families holding the same code.  A unit of ``extended`` holds the reference's unit
    whole inside code of its own (a copy, extended: classify/codematch.held_whole): its strength is
    the extension's, so the families holding the same code are those holding the code it holds
    whole, as the scan finds them (index/query.whole_families; a stranger's review: verify read an
    extended copy high, medium, then low as code was added, where the scan read medium)."""
    wanted = [(fi, ui) for fi, cf in enumerate(compacted) for ui, u in enumerate(cf.units)
              if (cf.path, u.qualname, u.start_line) in strengths]
    if not wanted:
        return {}
    subset = [compacted[fi] for fi in sorted({fi for fi, _ in wanted})]
    # (evidence down to MODERATE: the lines holding most of the code, not the same code, are the crowd)
    res = query_files(corpus, subset, QueryOptions(), hold=min(MODERATE, same_code(min(strengths.values()))))
    every = corpus.meta["families"]
    out: dict[tuple[str, str, int], Holders] = {}
    for fi, ui in sorted({*res.evidence, *res.whole}):
        cf, unit = subset[fi], subset[fi].units[ui]
        key = (cf.path, unit.qualname, unit.start_line)
        if key not in strengths:
            continue
        if key in extended:  # (the families holding what it holds whole)
            found = res.whole.get((fi, ui), np.zeros(0, dtype=np.int64)).tolist()
            if not found:
                continue
        else:
            ev = res.evidence.get((fi, ui))
            if ev is None:
                continue
            at = same_code(strengths[key])
            found = [f for f, s in zip(ev.family.tolist(), ev.strength.tolist()) if s >= at]
        # earliest first: by when each family's code was public, then by its model's date (explain.ties_of)
        fams = sorted((int(f) for f in found),
                      key=lambda f: (first_seen_key(corpus.public[f]), first_seen_key(every[f].get("first_seen")),
                                     every[f]["source"], every[f]["name"]))
        rows = [every[f] for f in fams]
        labelled = tuple(Line(f"{r['source']}:{r['name']}", r.get("org") or "", r.get("first_seen") or "",
                              tuple(model_line(a) for a in corpus.lineage_of(f"{r['source']}:{r['name']}")),
                              corpus.public[f])
                         for f, r in zip(fams, rows))
        out[key] = Holders(len({r["name"] for r in rows}), labelled, evidence=res.evidence.get((fi, ui)))
    return out


@dataclass(frozen=True)
class Template:
    """Other companies' lines holding most of a unit's code, the pair sharing too little beyond the
    fifth of them to show the suspect took it from the reference (crowd.Crowd)."""

    lines: int
    makers: int
    fifth: int  # fingerprints the fifth of them shares with the unit
    pair: int  # ... and the pair's match
    names: tuple[str, ...] = ()  # the lines, most shared first

    def to_dict(self) -> dict[str, Any]:
        return {"model_lines": self.lines, "makers": self.makers, "fifth_shares": self.fifth,
                "pair_shares": self.pair, "lines": list(self.names)}


def template_of(corpus: EmbeddedIndex, held: Holders | None, reference: Line | None, pair_shared: int,
                suspect: Line | None = None) -> Template | None:
    """The unit is a template (classify/crowd.Crowd) by its crowd, as `scan` counts it against the
    reference's line (UnitEvidence.others), less the suspect's own line (``suspect``: the line whose
    file the suspect file is, when the corpus holds it whole).  Only where the corpus dates the
    reference file to a labelled maker's line (an undated reference cannot be placed after them)."""
    if held is None or held.evidence is None or reference is None or not reference.first_seen \
            or reference.org.casefold() in UNLABELLED or reference.family not in corpus.family_rows:
        return None
    mine = corpus.line_codes.get(model_line(suspect.family)) if suspect is not None else None
    crowd = Crowd(*held.evidence.others(corpus, MODERATE, corpus.family_rows[reference.family], mine))
    if not crowd.template(pair_shared):
        return None
    return Template(len(crowd.shared), crowd.makers, crowd.shared[SHARED_BY - 1], pair_shared, crowd.lines)


def background_section(corpus: EmbeddedIndex | None, dated: dict[str, Line]) -> dict[str, Any] | None:
    """The exhibit's account of its background: the corpus, and how it rates what it holds."""
    if corpus is None:
        return None
    info = corpus.info()
    return {"id": info.id, "families": info.families, "files": info.files, "model_lines": corpus.n_lines,
            "sources": [{"name": x.name, "version": x.version, "sha256": x.sha256 or None} for x in info.sources],
            "common_families": COMMON_FAMILIES, "common_makers": COMMON_MAKERS,
            "method": "document frequencies counted over the corpus and the pair; a suspect unit whose code "
                      f"(strength >= {STRONG}, or the pair's own less {SAME}) stands in {COMMON_FAMILIES} or more "
                      f"indexed model lines, or in lines of {COMMON_MAKERS} or more companies' models, is rated "
                      "low at most; so is one whose code stands, at that strength, in "
                      "another organisation's line first seen before the reference's (when the corpus holds the "
                      "reference file whole, which dates it), or in "
                      f"{COMMON_FAMILIES} or more files of the reference side, the files beside a one-file "
                      "reference in its folder included (inputs.reference.beside)",
            "reference_lines": {path: line.to_dict() for path, line in sorted(dated.items())}}
