"""Files of one directory read together: a copy split into a file per definition.

A stranger's review put each class and function of a copy of transformers' qwen3 (and
mistral) file in a file of its own.  Every unit of those files is code many model lines share,
so each file, read alone, was "built on shared code of the llama line" (exit 0), where the file
whole was a copy of qwen3's file, its notice replaced: what tells one source's file from the code
it shares is the set of units held together, and the split hid the set.  So the files of a
directory that some family holds code of, none of them a copy on its own (no medium or high code
finding, not one source's whole file), are read again as one file, their units side by side; when, so read, they hold WHOLE_FILE of one
source's file and are a copy of it (fileverdict.whole_file: the same rules as for a file), that reading is each file's
source verdict (`read_together` naming the files), and each file is judged as a part of that
copy: its shared units the copy holds rated as part of it, its notices against the source's.

Only small groups are read so (MAX_UNITS units): a serving engine's models directory holds
hundreds of files, each its own model, and no one file split apart.  And only a source's whole
file read so convicts: the configuration, processing and feature-extraction files of a
transformers model's directory, read together, held a third of their model's modular file,
enough for fileverdict's rules on one file's shares (the rest of it code of its own), and each
file's notice was then judged against whichever family its own units matched first (lasr's own
feature extractor "replaced" dots3_note's notice, high).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set

from lineage.classify.filescope import attribute_file
from lineage.classify.codematch import WHOLE_FILE
from lineage.classify.fileverdict import whole_file
from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.index.query import QueryOptions, query_files
from lineage.models import Finding
from lineage.verdicts import SourceVerdict

MIN_FILES = 2  # files of one directory read together, at least ...
MAX_UNITS = 400  # ... and their units at most


def candidates(compacted: Sequence[CompactFile], sources: Mapping[str, Mapping[str, SourceVerdict]],
               copies: Set[str] = frozenset()) -> list[list[CompactFile]]:
    """Per directory, its files some family holds code of that read as no copy on their own (not
    one source's whole file, not in ``copies``, the paths with a medium or high code finding), when
    there are MIN_FILES of them, MAX_UNITS units in all at most."""
    groups: dict[str, list[CompactFile]] = defaultdict(list)
    for cf in compacted:
        v = sources.get(cf.path, {}).get("<file>")
        if v is None or v.source is None or cf.path in copies or whole_file(v):
            continue
        groups[posixpath.dirname(cf.path)].append(cf)
    return [g for _, g in sorted(groups.items())
            if len(g) >= MIN_FILES and sum(len(cf.units) for cf in g) <= MAX_UNITS]


def read_together(index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions) -> SourceVerdict | None:
    """The files' source verdict read as one file, when so read they are a copy of one source's
    whole file; else None."""
    units = tuple(u for cf in files for u in cf.units if u.kind != "module")
    if not units:
        return None
    one = dataclasses.replace(files[0], path=posixpath.dirname(files[0].path) or ".", units=units)
    found = query_files(index, [one], opts)
    v = attribute_file(index, units, {ui: ev for (_, ui), ev in found.evidence.items()})["<file>"]
    if v.source is None or v.source.contains < WHOLE_FILE or not whole_file(v):
        return None  # (the source's whole file held: the files of a model's directory share its parts)
    return dataclasses.replace(v, together=tuple(cf.path for cf in files))


def split_copies(index: EmbeddedIndex, compacted: Sequence[CompactFile],
                 sources: Mapping[str, Mapping[str, SourceVerdict]], findings: Sequence[Finding],
                 opts: QueryOptions) -> dict[str, SourceVerdict]:
    """Path -> the source verdict of the files of its directory read together as one, when they are
    a copy of one source's whole file split across them: it stands for the file's own."""
    copies = {f.path for f in findings if f.kind == "code-match" and f.severity in ("medium", "high")}
    out: dict[str, SourceVerdict] = {}
    for files in candidates(compacted, sources, copies):
        whole = read_together(index, files, opts)
        if whole is not None:
            out.update({cf.path: whole for cf in files})
    return out
