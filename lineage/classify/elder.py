"""A unit that declares it was copied from an earlier line than the one it matches.

``# Copied from transformers.models.bart.modeling_bart.BartAttention`` above a class whose code
the index finds in OFA (modelscope, 2022) rather than in BART: the index holds transformers'
*current* BART, whose attention was rewritten since, while OFA still holds the copy of BART it
took in 2022.  Read against OFA alone the unit was a high "copy of ofa, notice removed" in
diffusers, though it says where it came from, and that origin (BART, first seen 2019) predates
OFA: both hold BART's code.  Such a unit is declared reuse, as a declaration naming the
matched family is; the finding names the line it declares and the later line that holds it.

Only a unit's own ``# Copied from`` marker counts (on the unit or its class), only when it names
a line the index holds that holds the unit's code too (among the unit's matches, at SCORING.hold or
more: a stranger's review declared an OLMo decoder layer through CLIP's marker, CLIP holding a
quarter of it),
and only when that line was first seen on or before the matched family: a declaration cannot
name a later line as the origin of code an earlier one already had, nor a line that holds none
of it.  A module's ``Adapted from`` does not count: vLLM's model files open with "Adapted from
... llama" above DeepSeek's code (a copy of vLLM's deepseek_v2.py with DeepSeek's line dropped
would read as declared reuse of llama).  Nor does a base class imported from another line: it
declares the class's inheritance, not that its own methods came from there.  A marker whose target
names a model library (`# Copied from transformers.models.olmo...`) names the line as that library
has it: only a family of that library holding some of the code counts (a stranger's review:
SGLang's OLMo code under such markers read as declared reuse of olmo, SGLang's own family being
of the line named).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from lineage.classify.codematch import strength
from lineage.declared.carried import key_at
from lineage.scoring import SCORING
from lineage.declared.family import marker_library
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.vocab import model_line, package_of_path

_MARKER = re.compile(r"copied from", re.IGNORECASE)
_UNIT_KINDS = ("copied-from",)
MODULE = "<module>"


Marks = Mapping[str, frozenset[tuple[str, str]]]  # unit -> (model library named or "", model line)


def unit_marks(path: str, text: str, carried: frozenset[str] = frozenset(),
               libraries: Collection[str] = ()) -> dict[str, frozenset[tuple[str, str]]]:
    """Unit (qualname, or "<module>") -> the model lines its own copied-from markers name, each with
    the model library of ``libraries`` the marker names ("" for none: declared/family.package_named);
    a marker the matched reference files carry too (``carried``, declared/carried.py) came with the copy."""
    if not _MARKER.search(text):
        return {}
    from lineage.declared.markers import find_declarations

    lines = text.splitlines()
    marks: dict[str, set[tuple[str, str]]] = {}
    for d in find_declarations(path, text):
        if carried and key_at(d.target, lines, d.line) in carried:
            continue
        if d.kind in _UNIT_KINDS and d.family and d.unit != MODULE:
            marks.setdefault(d.unit, set()).add((marker_library(d.target, lines, d.line, libraries), d.family))
    return {unit: frozenset(fams) for unit, fams in marks.items()}


def line_dates(index: EmbeddedIndex) -> dict[str, str]:
    """Model line -> the earliest first-seen date of its families in the index ("" unknown)."""
    out: dict[str, str] = {}
    for f in index.meta["families"]:
        name, date = str(f["name"]), str(f.get("first_seen") or "")
        if date and (name not in out or not out[name] or date < out[name]):
            out[name] = date
        out.setdefault(name, date)
    return out


def declared_elder(f: Finding, marks: Marks, dates: Mapping[str, str]) -> str:
    """The indexed line that ``f``'s unit declares as its origin when that line (of the model library
    the marker names, if it names one) holds the unit's code (at SCORING.hold) and was first seen on
    or before the family ``f`` matches, else ""."""
    if not marks or not f.matches:
        return ""
    ref = f.matches[0].ref
    when = str(ref.first_seen or "")
    parts = f.unit.split(".")
    named: set[tuple[str, str]] = set()
    for i in range(1, len(parts) + 1):
        named |= marks.get(".".join(parts[:i]), frozenset())
    held = {(package_of_path(m.ref.path), model_line(m.ref.family)) for m in f.matches if strength(m) >= SCORING.hold}
    lines_held = {n for _, n in held}
    holding = {n for library, n in named if (library, n) in held or not library and n in lines_held}
    elder = sorted((dates[n], n) for n in holding if dates.get(n) and when and dates[n] <= when)
    return elder[0][1] if elder else ""


def elder_explanation(f: Finding, line: str, dates: Mapping[str, str]) -> str:
    ref = f.matches[0].ref
    return (f"{f.unit} declares it was copied from {line} (first seen {dates.get(line) or '?'}), a line the index "
            f"holds that predates {model_line(ref.family)} ({ref.first_seen or '?'}), which holds this code too: "
            f"both may hold {line}'s code, whose current indexed version need not (code is rewritten).")
