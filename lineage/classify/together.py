"""Files of one package read together: a copy split into a file per definition.

A stranger's review put each class and function of a copy of transformers' qwen3 (and
mistral) file in a file of its own.  Every unit of those files is code many model lines share,
so each file, read alone, was "built on shared code of the llama line" (exit 0), where the file
whole was a copy of qwen3's file, its notice replaced: what tells one source's file from the code
it shares is the set of units held together, and the split hid the set.  So the files of a
directory (with its subdirectories', two levels down: `layers/attention.py` beside `model.py`) that
some family holds code of, none of them a copy on its own (no medium or high code finding, not one
source's whole file), are read again as one file, their units side by side (read_together).  When
the files holding one source's code, two at least, hold its whole file (WHOLE_FILE) and, read as
one file, are mostly its code and its copy (the rules for one file, wholecopy.whole_file), that
reading is each such file's source verdict (JSON `read_together` names them), and each is judged
as a part of that copy: its shared units the copy holds rated as part of it, its notices against
the source's.

Only small groups are read so (MAX_UNITS units): a serving engine's models directory holds
hundreds of files, each its own model, and no one file split apart.  And only a source's whole
file, spread over the files and most of their code, convicts.  A first version took any group
the rules for one file call a copy: a transformers model's configuration, processing and
feature-extraction files, read together, held a third of their modular file, and each file's
notice was then judged against whichever family its own units matched first (lasr's own feature
extractor "replaced" dots3_note's notice, high).  A second weighed the group over the code families
hold (filescope.whole_of_held): one small real file that reads as no copy on its own (an
unmodified modular file) beside a package of one's own code then held its whole source, which
explained 8% of the group, and its neighbours were read as parts of that copy (a fourth stranger's
review: a decoder written from scratch "replaced" NVIDIA's notice, high).  The held code now only
finds the source; the files holding it are judged over all of their code (their copy of the source's
whole file beside less code of their own confirmed over their held code, as one file's is:
filescope.whole_of_held's ``confirm_held``; a fifth review's two-file splits of bitnet with a few
helpers in each passed).  Parts that add more code of their own than they hold of the source, in all,
are read over the held code after all when the source's code is there as it is (`_beside_own`).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set

import numpy as np

from lineage.classify.codematch import STRONG, WHOLE_FILE
from lineage.classify.cover import file_share
from lineage.classify.filescope import VERBATIM, attribute_file
from lineage.classify.fileverdict import MOSTLY
from lineage.classify.wholecopy import whole_file
from lineage.compact.files import CompactFile, CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import UnitEvidence
from lineage.index.query import QueryOptions, query_files
from lineage.models import Finding
from lineage.scoring import SCORING
from lineage.verdicts import SourceVerdict
from lineage.vocab import KIND_CODES

MIN_FILES = 2  # files read together, at least ...
MAX_UNITS = 400  # ... and their units at most
PARTS = 2  # files holding the source's code at a copy's strength, at least: a copy split across them
LEVELS = 2  # a directory's files are read with those of its subdirectories this many levels down


def candidates(compacted: Sequence[CompactFile], sources: Mapping[str, Mapping[str, SourceVerdict]],
               copies: Set[str] = frozenset()) -> list[list[CompactFile]]:
    """Groups of files some family holds code of that read as no copy on their own (not one
    source's whole file, not in ``copies``, the paths with a medium or high code finding): per
    directory, its own such files, then with its subdirectories' (LEVELS down), deepest first,
    each group of MIN_FILES files at least and MAX_UNITS units in all at most."""
    groups: dict[str, list[CompactFile]] = defaultdict(list)
    for cf in compacted:
        v = sources.get(cf.path, {}).get("<file>")
        if v is None or v.source is None or cf.path in copies or whole_file(v):
            continue
        folder = posixpath.dirname(cf.path)
        for _ in range(LEVELS + 1):
            groups[folder].append(cf)
            if not folder:
                break
            folder = posixpath.dirname(folder)
    out: list[list[CompactFile]] = []
    seen: set[tuple[str, ...]] = set()
    for _, g in sorted(groups.items(), key=lambda kv: (-kv[0].count("/") - bool(kv[0]), kv[0])):
        key = tuple(cf.path for cf in g)
        if len(g) >= MIN_FILES and sum(len(cf.units) for cf in g) <= MAX_UNITS and key not in seen:
            seen.add(key)
            out.append(g)
    return out


@dataclasses.dataclass(frozen=True)
class _Reading:
    """Files read as one file: its verdict, and per file (by position) what it holds of the source."""

    v: SourceVerdict
    files: Sequence[CompactFile]
    refs: dict[int, set[int]]  # file -> the source's units it holds at a copy's strength (STRONG)
    judged: frozenset[int]  # files holding a unit of it that shares enough code to be judged

    @property
    def holding(self) -> list[CompactFile]:
        """The files holding the source's code at a copy's strength."""
        return [self.files[k] for k in sorted(self.refs) if self.refs[k]]

    def part_ids(self) -> list[int]:
        """Those of them (by position) holding a unit of it that shares enough code to be judged
        (SCORING.min_evidence: a two-line weight loader every serving engine's model writes alike
        makes no file a part of a copy) and some of its code that no other of them holds: a split
        copy's parts each hold their own share of it, while a file of one's own beside a vendored
        upstream package, holding a verbatim `repeat_kv` the package holds too, adds nothing to it
        (a sixth review: such files, written from scratch, were named parts of the vendored copy,
        their own notices "replacing" its, high)."""
        held = Counter(r for refs in self.refs.values() for r in refs)
        return [k for k in sorted(self.refs) if k in self.judged and any(held[r] == 1 for r in self.refs[k])]

    @property
    def parts(self) -> list[CompactFile]:
        return [self.files[k] for k in self.part_ids()]

    def alone(self, index: EmbeddedIndex) -> float:
        """The largest share of the source's file that any one file holds."""
        return max((_share(index, self.v.source.path, r) for r in self.refs.values()), default=0.0) \
            if self.v.source is not None else 0.0


_Queried = tuple[list[CompactUnit], list[int], dict[int, UnitEvidence]]  # units, each one's file, their evidence


def _query(index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions) -> _Queried:
    """The files' units side by side (but their module bodies), as one file's, and their evidence."""
    units, owner = [], []
    for k, cf in enumerate(files):
        for u in cf.units:
            if u.kind != "module":
                units.append(u)
                owner.append(k)
    one = dataclasses.replace(files[0], path=posixpath.dirname(files[0].path) or ".", units=tuple(units))
    return units, owner, {ui: ev for (_, ui), ev in query_files(index, [one], opts).evidence.items()}


def _read(index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions, weigh_held: bool,
          queried: _Queried | None = None) -> _Reading:
    """The files read as one file, and what each holds of the source that reading names (``queried``:
    their `_query`, when it was made)."""
    units, owner, evidence = queried if queried is not None else _query(index, files, opts)
    v = attribute_file(index, units, evidence, weigh_held=weigh_held, confirm_held=True)["<file>"]
    if v.source is None:
        return _Reading(v, files, {}, frozenset())
    row = index.family_keys.index(v.source.family)
    refs: dict[int, set[int]] = defaultdict(set)
    judged: set[int] = set()
    for ui, ev in evidence.items():
        held = (ev.family == row) & (ev.strength >= STRONG)
        refs[owner[ui]].update(int(r) for r in ev.unit[held].tolist())
        if held.any() and (ev.shared is None or bool((ev.shared[held] >= SCORING.min_evidence).any())):
            judged.add(owner[ui])
    return _Reading(v, files, dict(refs), frozenset(judged))


def _share(index: EmbeddedIndex, path: str, refs: set[int]) -> float:
    """Share of the reference file ``path`` (its units but the module body) that ``refs`` are."""
    u_file = index.arrays["u_file"]
    ref_file = next((int(u_file[r]) for r in refs if index.meta["files"][int(u_file[r])]["path"] == path), -1)
    if ref_file < 0:
        return 0.0
    held = np.fromiter((r for r in refs if int(index.arrays["u_kind"][r]) != KIND_CODES["module"]), dtype=np.int64)
    return file_share(index, ref_file, held)


def read_together(index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions) -> SourceVerdict | None:
    """The source verdict of the files that together are a copy of one source's whole file, read
    as one file, naming them (``together``); else None.  The group is read over the code families
    hold (a split copy beside files of one's own: filescope.whole_of_held) to find the source; the
    files holding its code at a copy's strength, none holding WHOLE_FILE of its file alone (that
    file is the copy, not a split: vLLM's mistral_large_3.py beside a file of one's own sharing its
    two-line weight loader read as "part of a copy of mistral_large_3", a fifth review), are then
    read alone as one file, over all of their code: they must hold WHOLE_FILE of the source's file,
    MOSTLY of their code explained by it, and be its copy by the rules for one file
    (wholecopy.whole_file); PARTS of them at least, holding code enough to judge, are its parts."""
    if not any(u.kind != "module" for cf in files for u in cf.units):
        return None
    first = _read(index, files, opts, weigh_held=True)
    if first.v.source is None or not whole_file(first.v) or len(first.holding) < PARTS \
            or first.alone(index) >= WHOLE_FILE:
        return None
    queried = _query(index, first.holding, opts)
    found = _read(index, first.holding, opts, False, queried)
    v, parts = found.v, found.parts
    # (none holding the source's whole file alone: the files of a model's directory share its parts)
    if v.source is not None and v.source.family == first.v.source.family and found.alone(index) < WHOLE_FILE \
            and len(parts) >= PARTS and v.source.contains >= WHOLE_FILE and v.source.score >= MOSTLY and whole_file(v):
        return dataclasses.replace(v, together=tuple(cf.path for cf in parts))
    return _beside_own(index, first, opts, queried) if first.v.source.contains >= WHOLE_FILE else None


PART_SHARE = 0.25  # a file is a part of a copy beside code of its own when the copy is this share of its code


def _beside_own(index: EmbeddedIndex, first: _Reading, opts: QueryOptions, queried: _Queried) -> SourceVerdict | None:
    """A copy split across files that each add code of their own, more than the copy in all: read
    over the code families hold as a copy, as one file's is (filescope.whole_of_held), the files
    must be a copy of the same source's whole file, its code in them there as it is (VERBATIM, as a
    near-clone's copy beside helpers of one's own must be: filescope._verbatim), none of them holding
    WHOLE_FILE of it alone; of its parts (`_Reading.part_ids`), those holding it for PART_SHARE of
    their code at least, PARTS of them, are named.  (A sixth review split bitnet's, qwen2's and
    granite's files a definition per file, three helpers of one's own beside each, and they passed:
    the group was 55-65% their own code.)"""
    held = _read(index, first.holding, opts, True, queried)
    s, source = held.v.source, first.v.source
    if s is None or source is None or (s.family, s.path) != (source.family, source.path) or not whole_file(held.v) \
            or s.contains < WHOLE_FILE or held.alone(index) >= WHOLE_FILE:
        return None
    units, owner, evidence = queried
    row = index.family_keys.index(s.family)
    size: dict[int, float] = defaultdict(float)  # file -> all of its code, and what of it holds the source's
    copied: dict[int, float] = defaultdict(float)
    at_all = as_is = 0.0  # the code the source holds at all, and as it is
    for ui, u in enumerate(units):
        size[owner[ui]] += u.n_kgrams
        ev = evidence.get(ui)
        of_source = ev.strength[ev.family == row] if ev is not None else np.zeros(0)
        if of_source.size:
            at_all += u.n_kgrams
            as_is += u.n_kgrams if float(of_source.max()) >= VERBATIM else 0.0
            copied[owner[ui]] += u.n_kgrams if float(of_source.max()) >= STRONG else 0.0
    parts = [k for k in held.part_ids() if copied[k] >= PART_SHARE * size[k]]
    if as_is < WHOLE_FILE * at_all or len(parts) < PARTS:
        return None
    return dataclasses.replace(held.v, together=tuple(held.files[k].path for k in parts))


def split_copies(index: EmbeddedIndex, compacted: Sequence[CompactFile],
                 sources: Mapping[str, Mapping[str, SourceVerdict]], findings: Sequence[Finding],
                 opts: QueryOptions, workers: int = 1) -> dict[str, SourceVerdict]:
    """Path -> the source verdict of the files read together as one, when they are a copy of one
    source's whole file split across them: it stands for the file's own.  ``workers``: forked
    processes reading the groups, each group read as found; a group that a copy found before it
    takes files from is read again, without them, here."""
    from lineage.pool import fork_map

    copies = {f.path for f in findings if f.kind == "code-match" and f.severity in ("medium", "high")}
    groups = candidates(compacted, sources, copies)
    read = fork_map(lambda files: read_together(index, files, opts), groups, workers)
    out: dict[str, SourceVerdict] = {}
    for group, found in zip(groups, read):
        files = [cf for cf in group if cf.path not in out]  # (a file is part of one copy: the deepest found)
        if len(files) < MIN_FILES:
            continue
        whole = found if len(files) == len(group) else read_together(index, files, opts)
        if whole is not None:
            out.update({path: whole for path in whole.together})
    return out
