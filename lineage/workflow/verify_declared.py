"""Declared reuse in a verify exhibit: suspect files that import the reference's model code.

A suspect that imports the reference's classes (``from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl
import Qwen2_5_VisionTransformerPretrainedModel``, ``from vllm.model_executor.models.qwen2_5_vl import
...``) and wires them uses that code; it does not copy it, and says so.  The pair scan knows the
reference side only as the family ``reference``, so such an import declared nothing there and the
exhibit said only "0 of N suspect units match": true, but silent about the very reuse an accuser points
at.  The exhibit now lists each such declaration (file, line, kind, target) and says in its statement
that it is declared reuse, and that whether the imported model's *weights* were reused is a question
the code cannot settle (``lineage weights``).

Which model lines the reference side is: the family its file paths name
(``modeling_qwen2_5_vl.py``, ``vllm/model_executor/models/qwen2_5_vl.py``; ``declared.family_of``),
and the lines the corpus holds its files as, when it does.  A suspect's generated file
("automatically generated from ... modular_x.py") declares what its modular file on the suspect side
imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lineage.classify.declaring import declared_unit
from lineage.compact.files import CompactFile
from lineage.declared.family import family_of
from lineage.declared.markers import Declaration, find_declarations
from lineage.declared.uses import modulars
from lineage.vocab import model_line
from lineage.workflow.background import Line

_KINDS = ("modular-import", "base-class", "copied-from", "adapted-from")
# modules and names that serve a model without being its code: a tokenizer or processor import
# declares nothing about the model code an exhibit is about
_NOT_MODEL_MODULES = (".configuration_", ".tokenization_", ".processing_", ".image_processing_",
                      ".video_processing_", ".feature_extraction_")
_NOT_MODEL_NAMES = ("Config", "Tokenizer", "TokenizerFast", "Processor", "ImageProcessor", "FeatureExtractor")


def reference_families(paths: Iterable[str], dated: Mapping[str, Line]) -> set[str]:
    """The model lines the reference side holds, by its file names and by the corpus."""
    names = {family_of(p) for p in paths if p.endswith(".py")}
    names |= {model_line(line.family) for line in dated.values()}
    return {n for n in names if n}


def _declares(d: Declaration, families: set[str]) -> bool:
    """A declaration of the reference's code; a configuration class only names the architecture
    (as in scan: importing or subclassing another family's config declares nothing), and a
    tokenizer or processor serves the model without being its code."""
    last = d.target.rsplit(".", 1)[-1]
    return (d.kind in _KINDS and d.family in families and not any(m in d.target for m in _NOT_MODEL_MODULES)
            and not last.endswith(_NOT_MODEL_NAMES))


def declared_reuse(compacted: Sequence[CompactFile], families: set[str]) -> tuple[dict[str, Any], ...]:
    """Every declaration in a suspect file naming one of ``families``, sorted by file and line;
    a generated file's entries come from the modular file on the suspect side it names."""
    found = {c.path: find_declarations(c.path, c.text) for c in compacted}
    out = []
    for path, decls in sorted(found.items()):
        sources: list[tuple[str, Declaration, tuple[str, int] | None]] = [
            (path, d, None) for d in decls if _declares(d, families)]
        for modular, banner in modulars(path, found):
            sources += [(path, d, (modular, banner.line)) for d in found[modular] if _declares(d, families)]
        for where, d, gen in sources:
            entry: dict[str, Any] = {"path": where, "line": d.line if gen is None else gen[1], "kind": d.kind,
                                     "target": d.target, "family": d.family, "unit": d.unit}
            if gen is not None:
                entry.update(kind="generated-from", via={"path": gen[0], "line": d.line, "kind": d.kind})
            out.append(entry)
    unique = {(e["path"], e["kind"], e["target"]): e for e in reversed(out)}
    return tuple(sorted(unique.values(), key=lambda e: (e["path"], e["line"], e["target"])))


def declared_sentence(declared: Sequence[Mapping[str, Any]], copied: Sequence[tuple[str, str]] = (),
                      shared: Sequence[tuple[str, str]] = ()) -> str:
    """One sentence for the statement, or "" when no suspect file declares the reference.
    ``copied``: (path, unit) of the matches rated medium or high: a declaring file that also holds
    copies its declarations do not cover (``_covers``) declares what it names, and is no licence for
    the copies (scan judges them alike).  ``shared``: those rated low (code many models share, or too
    little to show a copy): what the declarations do not cover of them is said too, never called
    declared reuse (a stranger's review: one verbatim class beside an import of the rest of its
    module read "declared reuse, not concealment of the code's origin")."""
    if not declared:
        return ""
    files = sorted({e["path"] for e in declared})
    lines = sorted({e["family"] for e in declared})
    said = (f"{len(files)} suspect file{'' if len(files) == 1 else 's'} ({', '.join(files[:3])}"
            f"{' ...' if len(files) > 3 else ''}) declare{'s' if len(files) == 1 else ''} reuse of the reference's "
            f"code ({', '.join(lines)}) {_how(declared)} ({len(declared)} declaration"
            f"{'' if len(declared) == 1 else 's'})")
    def undeclared(units: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (path, unit) of declaring files that no declaration of theirs covers."""
        return sorted({(p, u) for p, u in units if p in files
                       and not any(_covers(e, u) for e in declared if e["path"] == p)})

    where = "that file" if len(files) == 1 else "those files"
    beyond = undeclared(copied)
    if beyond:
        return (f"{said}, yet {len(beyond)} unit{'' if len(beyond) == 1 else 's'} of {where} rated medium or high "
                f"{'is a copy' if len(beyond) == 1 else 'are copies'} of the reference's code, not what "
                f"{'it names' if len(declared) == 1 else 'they name'}: a declaration covers what it names, not "
                f"copies of the rest {_WEIGHTS}. ")
    low = undeclared(shared)
    if low:
        return (f"{said}; {len(low)} matched unit{'' if len(low) == 1 else 's'} of {where} that no declaration names "
                f"{'is' if len(low) == 1 else 'are'} rated low (code many models share, or too little to show a "
                f"copy), not declared: a declaration covers what it names, not the rest (the notices are judged "
                f"apart) {_WEIGHTS}. ")
    return (f"{said}: declared reuse, not concealment of the code's origin (the notices are judged apart: "
            f"naming an origin keeps no one's notice) {_WEIGHTS}. ")


_WEIGHTS = "(whether that model's weights were reused is for `lineage weights` to show, not code)"


def _covers(entry: Mapping[str, Any], unit: str) -> bool:
    """A declaration covers the suspect unit: an import or a base class the unit of that name, a
    "Copied from" or "Adapted from" line the unit it stands on (the whole file when it opens the
    module), a generated file's banner what its modular file generates into it (all of it)."""
    if entry["kind"] == "generated-from":
        return True
    if entry["kind"] in ("copied-from", "adapted-from"):
        return entry["unit"] == "<module>" or declared_unit(unit, frozenset({str(entry["unit"])}))
    return unit.split(".", 1)[0] == str(entry["target"]).rsplit(".", 1)[-1]


_HOW = {"modular-import": "by import", "base-class": "by inheritance", "copied-from": "by a \"Copied from\" line",
        "adapted-from": "by an \"Adapted from\" line"}


def _how(declared: Sequence[Mapping[str, Any]]) -> str:
    """How the suspect declares it: the kinds of its declarations, in words ("by import and by inheritance")."""
    kinds = sorted({str((e.get("via") or e)["kind"]) for e in declared})
    return " and ".join(dict.fromkeys(_HOW.get(k, f"by {k}") for k in kinds))
