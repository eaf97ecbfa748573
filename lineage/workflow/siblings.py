"""The reference side as its own background: code many of its files hold is its source's pattern.

The corpus (background.py) knows the code of the releases it indexes.  A release it does not
hold makes that release's common code look rare: vLLM 0.3.3 writes the same twelve-line
attention forward into 19 of its 25 model files, and two unrelated model files of it read as a
medium copy of each other, "notice removed" (a stranger's review, 2026-12-05: 46 of 47 unrelated
pairs of that release, with the index holding vLLM 0.33.0).  So `verify` also counts, for every
matched suspect unit, the files of the reference side that hold the same code, each file on its
own; when the reference is one file, the Python files beside it in its folder count too (read as
the reference side is, never run, within the per-file cap; not symlinks), and when its file is
named after its folder, one folder per model, the same-named files of the folders beside that one
(`models/X/modeling_X.py`).  Code that
COMMON_FAMILIES or more of those files hold is the reference source's own pattern: the pair
cannot show that it came from this file rather than another, and it is rated low at most.  So is
code a file beside the reference holds more closely than the reference does (a stranger's review,
2026-12-07: optimum-habana pastes its tiled flash-attention helper, with small changes, into eight
model files; gemma's port against starcoder2's read high, "notice removed", though gemma2's port
beside it holds gemma's helper more closely, 0.94 against 0.87).  A file beside it that is a version of the suspect's own
file (holding most of its matched units verbatim) is no such file.
A file whose bytes are a suspect file's is not counted (the suspect beside the reference).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple


from lineage.compact.files import CompactFile
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import EmbeddedIndex, from_arrays
from lineage.index.header import meta_array
from lineage.index.evidence import TIE, same_code
from lineage.index.query import QueryOptions, query_files
from lineage.models import SourceFile
from lineage.source.walk import read_path

MAX_BESIDE = 500  # files read beside a one-file reference (by name): enough for any engine's models folder
MAX_BESIDE_BYTES = 64_000_000  # ... and bytes: a folder of huge files is read up to this much, by name

Key = tuple[str, str, int]  # a suspect unit: (path, qualname, start line)


class Closer(NamedTuple):
    """A file beside the reference holding a suspect unit more closely than the reference does."""

    file: str
    strength: float  # its hold on the unit
    pair: float  # the reference's


def beside(path: str, suspect: Sequence[SourceFile], max_bytes: int,
           reference: Sequence[SourceFile] = ()) -> tuple[list[SourceFile], int]:
    """The ``.py`` files beside the one-file reference ``path`` in its folder, named by file name:
    regular files within ``max_bytes``, not symlinks, not the reference itself, not a suspect file's
    nor a ``reference`` file's bytes, each content once (a hard link or a copy of the reference
    beside it is the reference, no other file of its source); MAX_BESIDE of them and
    MAX_BESIDE_BYTES in all at most.  With the number of ``.py`` names not looked at (the budgets)."""
    folder, own = os.path.split(os.path.abspath(path))
    try:
        names = [(folder, n, n) for n in sorted(os.listdir(folder)) if n.endswith(".py") and n != own]
    except OSError:
        return [], 0
    names += _model_folders(folder, own)
    seen = {f.data for f in (*suspect, *reference)}
    out: list[SourceFile] = []
    left = MAX_BESIDE_BYTES
    for looked, (where, name, shown) in enumerate(names):
        if looked >= MAX_BESIDE or left <= 0:
            return out, len(names) - looked
        full = os.path.join(where, name)
        if os.path.islink(full):
            continue
        read = read_path(full, shown, os.path.realpath(where), min(max_bytes, left))
        if isinstance(read, SourceFile) and read.data not in seen:
            seen.add(read.data)
            out.append(read)
            left -= len(read.data)
    return out, 0


def _model_folders(folder: str, own: str) -> list[tuple[str, str, str]]:
    """(folder, name, name as shown) of the files standing as the reference does in the folders beside
    its own, one folder per model: an engine that keeps each model apart writes its boilerplate into
    every model's folder (a stranger's review: two unrelated model files of a release the corpus
    lacks read as a high copy, "notice removed", where the same files in one folder read as low).
    First, in every such folder, the file named as the reference is with the folder's name in it
    (optimum-habana's `models/qwen3/modeling_qwen3.py`: each `models/X/modeling_X.py`, shown as
    `../X/modeling_X.py`) or named as it is (torchtune's `models/X/_component_builders.py`); then
    the files whose names end in the reference's last word, the part it plays (keras-hub's
    `models/mistral/mistral_transformer_decoder.py`: `../qwen/qwen_decoder.py`, a second review,
    2026-12-08).  Not symlinked folders."""
    base = os.path.basename(folder)
    parent = os.path.dirname(folder)
    if len(base) < 2 or not parent or parent == folder:
        return []
    try:
        others = sorted(d for d in os.listdir(parent) if d != base)
    except OSError:
        return []
    stem = own.removesuffix(".py")
    role = stem.rsplit("_", 1)[-1] if "_" in stem.strip("_") else ""
    first: list[tuple[str, str, str]] = []
    then: list[tuple[str, str, str]] = []
    for other in others:
        where = os.path.join(parent, other)
        if os.path.islink(where) or not os.path.isdir(where):
            continue
        named = [own.replace(base, other)] if base in stem else []
        named += [own] if own not in named else []
        first += [(where, n, f"../{other}/{n}") for n in named if os.path.isfile(os.path.join(where, n))]
        if len(role) >= ROLE_WORD:
            try:
                playing = sorted(n for n in os.listdir(where) if n.endswith(f"_{role}.py") and n not in named)
            except OSError:
                continue
            then += [(where, n, f"../{other}/{n}") for n in playing]
    return first + then


ROLE_WORD = 4  # a file name's last word this long or more names the part the file plays (`decoder`)


def per_file(index: EmbeddedIndex) -> EmbeddedIndex:
    """The reference side's index with each of its file contents a family of its own (named by its
    first path): identical files (copies, hard links) are one file of the source."""
    meta = dict(index.meta)
    row = dict(meta["families"][0]) if meta["families"] else {"source": "reference side", "lineage": []}
    first: dict[str, int] = {}  # content -> its family
    names: list[str] = []
    for f in meta["files"]:
        if str(f.get("sha256") or f["path"]) not in first:
            first[str(f.get("sha256") or f["path"])] = len(names)
            names.append(str(f["path"]).replace(":", " "))
    meta["families"] = [dict(row, name=name) for name in names]
    meta["files"] = [dict(f, family=first[str(f.get("sha256") or f["path"])]) for f in meta["files"]]
    arrays = dict(index.arrays, meta=meta_array(meta))
    return from_arrays(f"{index.path} (per file)", index.header, arrays, FingerprintParams())


def beside_index(files: Sequence[SourceFile], workers: int = 1) -> EmbeddedIndex | None:
    """An in-memory index of the files beside the reference, each file a family of its own."""
    from lineage.index.build import index_from_files

    if not files:
        return None
    header, arrays = index_from_files(list(files), family="beside", source="beside the reference", workers=workers)
    return per_file(from_arrays("in-memory:beside", header, arrays, FingerprintParams()))


def side_holders(sides: Sequence[EmbeddedIndex], compacted: Sequence[CompactFile],
                 strengths: Mapping[Key, float]) -> tuple[dict[Key, tuple[str, ...]], dict[Key, Closer]]:
    """Per matched suspect unit (its key -> the pair's match strength): the files of the reference
    side and beside it (``sides``: per-file indexes, the reference side first) that hold the same
    code, by path; and the file beside the reference holding it most closely, when that is more
    closely than the reference does (by more than TIE)."""
    wanted = [cf for cf in compacted if any(k[0] == cf.path for k in strengths)]
    if not wanted or not strengths:
        return {}, {}
    out: dict[Key, set[str]] = {}
    beside: list[tuple[Key, str, float]] = []  # (unit, file beside the reference, its hold on the unit)
    for n, side in enumerate(sides):
        found = query_files(side, wanted, QueryOptions(), hold=same_code(min(strengths.values())))
        names = side.meta["families"]
        for (fi, ui), ev in found.evidence.items():
            unit = wanted[fi].units[ui]
            key = (wanted[fi].path, unit.qualname, unit.start_line)
            if key not in strengths:
                continue
            at = same_code(strengths[key])
            held = [(str(names[int(f)]["name"]), s) for f, s in zip(ev.family.tolist(), ev.strength.tolist()) if s >= at]
            out.setdefault(key, set()).update(name for name, _ in held)
            beside += [(key, name, s) for name, s in held] if n else []  # (its own side's best match is the pair's)
    return {k: tuple(sorted(v)) for k, v in out.items()}, _closer(beside, strengths)


TWIN = 0.8  # a file beside the reference holding this share of a suspect file's matched units ...
VERBATIM_HOLD = 0.97  # ... this closely is a version of the suspect file, not the reference source's own code


def _closer(beside: Sequence[tuple[Key, str, float]], strengths: Mapping[Key, float]) -> dict[Key, Closer]:
    """Per suspect unit, the file beside the reference holding it most closely, when more closely than
    the reference does (by more than TIE); not a file that is a version of the suspect's own file
    (holding TWIN of its matched units at VERBATIM_HOLD): a case folder keeping the reference beside
    two releases of the infringing file, one a comment longer, had the copy's units rated low on its
    own twin's account (a stranger's review, 2026-12-07)."""
    units = Counter(key[0] for key in strengths)  # (per suspect file, its matched units)
    verbatim = Counter((key[0], name) for key, name, s in beside if s >= VERBATIM_HOLD)
    closer: dict[Key, Closer] = {}
    for key, name, s in beside:
        if verbatim[(key[0], name)] >= TWIN * units[key[0]]:
            continue  # (the suspect file's twin)
        if s > strengths[key] + TIE and s > closer.get(key, Closer("", 0.0, 0.0)).strength:
            closer[key] = Closer(name, s, strengths[key])
    return closer


def reference_side(pair: EmbeddedIndex, spec: str, inputs: Mapping[str, object], sides: tuple[Sequence[SourceFile],
                   Sequence[SourceFile]], compacted: Sequence[CompactFile], strengths: Mapping[Key, float],
                   max_bytes: int, workers: int = 1
                   ) -> tuple[dict[Key, tuple[str, ...]], dict[Key, Closer], list[dict[str, str]], tuple[str, ...]]:
    """(side_holders over the reference side, ``pair``, and the files beside a one-file reference;
    those files by name and sha256, for the exhibit's inputs: they are part of what was compared;
    the exhibit's warning when the budgets left files beside it unread).
    ``sides``: the suspect's and the reference's files; ``workers``: processes fingerprinting the
    files beside it (an engine's folder: 300 files)."""
    import hashlib

    near, unread = beside(spec, sides[0], max_bytes, sides[1]) if inputs.get("kind") == "file" and strengths \
        else ([], 0)
    extra = beside_index(near, workers)
    held, closer = side_holders([per_file(pair), *([extra] if extra is not None else [])], compacted, strengths)
    said = (f"{unread} .py files beside the reference were not read as background (over the budget of "
            f"{MAX_BESIDE} files or {MAX_BESIDE_BYTES // 1_000_000} MB, by name): code only they hold is not "
            "counted as the reference source's own pattern",) if unread else ()
    return held, closer, [{"path": f.path, "sha256": hashlib.sha256(f.data).hexdigest()} for f in near], said


_MODELING = re.compile(r"modeling_(\w+)\.py")
_INDEXED = "index"  # where a reference side's notice came from: the corpus (`notice_in_index`)
_NOTICE_BYTES = 1_000_000  # a configuration module beside a one-file reference is read up to this size


def notice_beside(files: Sequence[SourceFile], spec: str, inputs: Mapping[str, object]) -> dict[str, str] | None:
    """The reference side's notice file, as an index build reads one (index/build.notice_files): when
    no `modeling_X.py` of the side holds a copyright line, the `configuration_X.py` beside it whose
    header does (transformers generates qwen2's and deepseek_v3's modeling files without their
    notices; the configuration module keeps them).  Among the side's files, or beside a one-file
    reference in its folder.  A scan judged a renamed copy of qwen2's file "replaced" (high) against
    that notice, `verify` against the modeling file alone "none-needed" (a stranger's review,
    2026-12-05)."""
    from lineage.index.build import notice_files

    models = {f.path: "reference" for f in files if _MODELING.fullmatch(f.path.rsplit("/", 1)[-1])}
    if not models:
        return None
    names = {f"configuration_{_MODELING.fullmatch(p.rsplit('/', 1)[-1]).group(1)}.py": p  # type: ignore[union-attr]
             for p in models}
    configs = [f for f in files if f.path.rsplit("/", 1)[-1] in names]
    if not configs and inputs.get("kind") == "file":
        folder = Path(spec).parent
        for name in sorted(names):
            near = folder / name
            if near.is_file() and not near.is_symlink() and near.stat().st_size <= _NOTICE_BYTES:
                configs.append(SourceFile(name, near.read_bytes()))
    found = notice_files(list(files), models, [("reference", f) for f in configs])
    return found.get("reference")


def notice_in_index(files: Sequence[SourceFile], background: EmbeddedIndex | None
                    ) -> tuple[dict[str, str], dict[str, str]] | None:
    """The notice file the corpus keeps (index/build.notice_files) for the family a reference file
    is byte for byte, when no file of the reference side holds a copyright line and none beside it
    does (`notice_beside`): transformers' generated `modeling_qwen2.py`, downloaded alone and
    renamed, owes the Qwen team's notice that its configuration module keeps.  A verbatim copy of
    it under another holder's header passed `verify` against the file alone as "none-needed", exit
    0, while `scan` read it "replaced", high (a stranger's review, 2026-12-06).  Returns the notice
    ({"path", "header"}) and where it came from (for the exhibit's inputs), or None.  As in `scan`
    (classify/attribution.holding_notices), a notice file that names its porter but not the model's
    maker (transformers' deepseek_v3: "bzantium and the HuggingFace Inc. team") stands for no maker's
    notice and is not taken."""
    import hashlib

    from lineage.index.build import holds_notice

    if background is None or not files or any(holds_notice(f) for f in files):
        return None
    digests: dict[str, str] = {}
    for f in sorted(files, key=lambda f: f.path):
        digests.setdefault(hashlib.sha256(f.data).hexdigest(), f.path)
    for row in background.meta["files"]:
        path = digests.get(str(row.get("sha256") or ""))
        family = background.meta["families"][int(row["family"])] if path is not None else {}
        notice = family.get("notice_file")
        if path is not None and notice and _names_maker(notice, str(family.get("org") or "")):
            return ({"path": str(notice["path"]), "header": str(notice["header"])},
                    {"from": _INDEXED, "family": f"{family['source']}:{family['name']}", "reference_file": path,
                     "indexed_file": str(row["path"]), "notice_file": str(notice["path"])})
    return None


def indexed_maker(files: Sequence[SourceFile], background: EmbeddedIndex | None) -> str:
    """The maker of the indexed family one of the reference side's files is byte for byte, or ""."""
    import hashlib

    if background is None:
        return ""
    digests = {hashlib.sha256(f.data).hexdigest() for f in files}
    for row in background.meta["files"]:
        if str(row.get("sha256") or "") in digests:
            return str(background.meta["families"][int(row["family"])].get("org") or "")
    return ""


def porters_notice(notice: Mapping[str, str], files: Sequence[SourceFile], background: EmbeddedIndex | None) -> bool:
    """The notice file beside the reference names its porter, not the model's maker that the corpus
    knows the reference file by (transformers' deepseek_v3: "bzantium and the HuggingFace Inc. team"
    beside a modeling file that is the indexed deepseek_v3's, DeepSeek's model): it stands for no
    maker's notice, as `scan` judges it (classify/attribution.holding_notices).  A renamed copy of that
    file under another header read "notice replaced", high, in `verify` and a low project notice in
    `scan` (a stranger's review, 2026-12-07)."""
    maker = indexed_maker(files, background)
    return bool(maker) and not _names_maker(notice, maker)


def _names_maker(notice: Mapping[str, str], maker: str) -> bool:
    """The notice file's header names the family's maker (or the family has none labelled)."""
    from lineage.notices import detect_notices
    from lineage.notices.records import same_holder

    found = detect_notices(notice["path"], notice["header"], use_scancode=False).notices
    return any(n.counts for n in found) if not maker else any(
        n.counts and bool(n.org) and same_holder(n.org, maker) for n in found)
