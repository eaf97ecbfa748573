"""What a scanned file declares of the family its code matches, unit by unit.

A file-level banner, a unit's own ``# Copied from`` or ``Adapted from``, a base class imported
from the family or one of its declared ancestors: compliant reuse, as classify/attribution.py
judges the notices.  And the declarations that declare nothing: a unit marker that came with the
matched family's own file (a subclass's code that is not what it inherits: classify/inherited.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lineage.classify.codematch import STRONG, strength
from lineage.declared.carried import key_at
from lineage.details import CodeMatchDetails
from lineage.declared.family import marker_library, package_named
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.vocab import model_line

if TYPE_CHECKING:
    from lineage.declared.markers import Declaration

Elsewhere = dict[str, frozenset[tuple[str, str]]]  # unit -> (model library, line) its marker names
Declared = tuple[bool, frozenset[str], tuple[str, ...], dict[str, frozenset[str]], dict[str, frozenset[str]], Elsewhere]


def declarations(path: str, text: str, index: EmbeddedIndex, family: str,
                 inherited: frozenset[str] = frozenset(), carried: frozenset[str] = frozenset(),
                 texts: Mapping[str, str] | None = None) -> Declared:
    """What the scanned file declares of the reference family (or its declared ancestors):
    (the whole file, the units whose own declaration or base class names it, the imported names,
    per class declared by its base classes alone the names of those bases, per unit with a
    marker of its own the lines that marker names, and per unit, ``<module>`` for a banner, the
    (library, line) of each marker naming the family's line in another model library).

    A module-level `Adapted from`, `Copied from` or generated-from banner naming the family
    itself declares the whole file (naming only an ancestor does not declare what the family
    added).  A `Copied from` or `Adapted from` attached to a unit, or a base class imported from
    the family or an ancestor, declares that unit (a class with its methods).  An import
    declares only what it imports: the units copied beside it are not declared by it.
    ``inherited``: the lines the matched reference file's own header names in such a banner; the
    same banner in the copy came with the copied header (vLLM's qwen2_moe.py says it was adapted
    from transformers' qwen2_moe): the reference's account of its origin, not the copy's.
    ``carried``: the marker keys the matched reference files carry (declared/carried.py); a marker
    that is one of them came with the copied code and declares nothing either.
    ``texts``: the scanned files (path -> text); a file generated from a modular file scanned
    beside it declares what the modular's base classes declare (`class SolarOpenConfig(Glm4MoeConfig)`
    declares the generated configuration class), its bases' code pasted in as generation does.
    A `Copied from`, `Adapted from` or generated-from marker whose target names a model library
    (EmbeddedIndex.libraries) other than the family's declares the line as that library has it:
    `# Copied from transformers.models.olmo...` over SGLang's OLMo code names transformers' OLMo,
    not SGLang's, so it declares only the units that library's family holds too (`declared_elsewhere`;
    a stranger's review laundered SGLang's file whole through such markers)."""
    from lineage.declared.markers import find_declarations

    line = model_line(family)
    wanted = {line} | set(index.lineage_of(family))
    found = find_declarations(path, text) if texts and "generated from" in text else None
    generated = _modular_bases(path, found, texts) if found and texts else []
    if not generated and not any(name in text for name in wanted):
        return False, frozenset(), (), {}, {}, {}  # a declaration names its source: none in the text, nothing to read
    home = index.package_of(family)
    declaring = [d for d in generated if d.family in wanted and (not config_only(d.kind, d.target)
                                                                   or config_class(d.kind, d.unit))]
    whole, units, imported = False, {d.unit for d in declaring}, []  # (generation pasted the bases' code in)
    bases: dict[str, set[str]] = {}
    marked: dict[str, set[str]] = {}
    elsewhere: dict[str, set[tuple[str, str]]] = {}
    lines = text.splitlines()
    for d in find_declarations(path, text) if found is None else found:
        if d.family not in wanted or (config_only(d.kind, d.target) and not config_class(d.kind, d.unit)):
            continue
        if carried and d.kind in ("copied-from", "adapted-from") and key_at(d.target, lines, d.line) in carried:
            continue
        library = marker_library(d.target, lines, d.line, index.libraries) if d.kind in MARKERS else ""
        if library and library != home:
            if d.unit != "<module>" or d.family not in inherited:  # (a banner the copy's header came with: none)
                elsewhere.setdefault(d.unit, set()).add((library, d.family))
            continue
        if d.kind == "modular-import":
            imported.append(f'{d.target.rsplit(".", 1)[-1]} from {d.family}')  # (the family or an ancestor)
        elif d.unit == "<module>" and d.kind in ("copied-from", "adapted-from", "generated-from"):
            whole = whole or (d.family == line and d.family not in inherited)
        elif d.kind in ("copied-from", "adapted-from", "base-class"):
            units.add(d.unit)
            if d.kind == "base-class":
                bases.setdefault(d.unit, set()).add(d.target.rsplit(".", 1)[-1])
            else:
                marked.setdefault(d.unit, set()).add(d.family)
    return (whole, frozenset(units), tuple(dict.fromkeys(imported)),
            {c: frozenset(b) for c, b in bases.items() if c not in marked},
            {u: frozenset(f) for u, f in marked.items()}, {u: frozenset(n) for u, n in elsewhere.items()})


def naming_its_library(lines: Sequence[str], family: str, index: EmbeddedIndex) -> tuple[str, ...]:
    """The declaration lines that name no model library or the family's own: a line naming another
    (``Adapted from https://github.com/vllm-project/vllm/...`` over SGLang's code) declares the
    line's code as that library has it, which `declared_elsewhere` judges unit by unit."""
    return tuple(line for line in lines if package_named(line, index.libraries) in ("", index.package_of(family)))


MARKERS = ("copied-from", "adapted-from", "generated-from")  # the declarations that name where code came from


def declared_elsewhere(f: Finding, elsewhere: Elsewhere, index: EmbeddedIndex) -> bool:
    """The unit (or a class around it, or the file's banner) has a marker naming its line in another
    model library, and that library's family of the line (or of a line descending from it) holds the
    unit's code as a copy would (STRONG, or tied with the best holder: `equivalent_families`): the
    library has the code the marker says it came from.  A library whose family is not among the
    holders listed does not hold it (a stranger's review: reading "not listed" as "perhaps held"
    cleared SGLang's qwen2 units under transformers' markers while SGLang's family alone held them)."""
    parts = f.unit.split(".")
    named = set().union(*(elsewhere.get(u, frozenset()) for u in
                          ("<module>", *(".".join(parts[:i]) for i in range(1, len(parts) + 1)))))
    if not named or not f.matches:
        return False
    tied = f.details.equivalent_families if isinstance(f.details, CodeMatchDetails) else ()
    held = {*tied, *(m.ref.family for m in f.matches if strength(m) >= STRONG)}
    return any(index.package_of(family) == library and (model_line(family) == want or want in index.lineage_of(family))
               for family in held for library, want in named)


def _modular_bases(path: str, found: Sequence[Declaration], texts: Mapping[str, str]) -> list[Declaration]:
    """The base-class declarations of the modular file, scanned beside ``path`` in its folder, that
    the generated file ``path`` says it was generated from (its banner)."""
    folder = path.rpartition("/")[0]
    stems = {d.target.rsplit("/", 1)[-1].removesuffix(".py") for d in found if d.kind == "generated-from"}
    modular = next((p for p in texts if p.rpartition("/")[0] == folder and p != path
                    and p.rsplit("/", 1)[-1].removesuffix(".py") in stems), "")
    if not modular:
        return []
    from lineage.declared.markers import find_declarations

    return [d for d in find_declarations(modular, texts[modular]) if d.kind == "base-class"]


KEPT_NAMES = 0.95  # a unit holding the matched family's own names this closely ...
NAMES_LEAD = 0.05  # ... and this much more closely than the line its marker names
TIE_SIMILARITY = 0.02  # holders this close in structure to the best hold the code as closely


def inherited_marker(f: Finding, marked: Mapping[str, frozenset[str]]) -> bool:
    """The unit's own marker names a declared ancestor of the matched family (``# Copied from ...
    maskformer``; ``marked`` holds only such lines and the family's own), but the unit holds the
    matched family's names, not that line's: it was copied from the matched family's file,
    marker and all (transformers' mask2former carries maskformer's marker over its own code, and
    the index drew mask2former's lineage from such markers), so the marker says where the
    *reference* came from, not the copy.  (A marker naming an earlier line outside the family's
    lineage is classify/elder.py's: there names cannot tell an inherited marker from the copy's.)"""
    parts = f.unit.split(".")
    named = set().union(*(marked.get(".".join(parts[:i]), frozenset()) for i in range(1, len(parts) + 1)))
    if not named:
        return False
    top = f.matches[0].similarity
    # of the families holding the code as closely as the best, the one whose names the unit holds
    best = max((m for m in f.matches if m.similarity >= top - TIE_SIMILARITY), key=lambda m: m.lexical)
    if model_line(best.ref.family) in named or best.lexical < KEPT_NAMES:
        return False
    theirs = max((m.lexical for m in f.matches if model_line(m.ref.family) in named), default=0.0)
    return theirs < best.lexical - NAMES_LEAD


def declared_unit(qualname: str, declared: frozenset[str]) -> bool:
    """A unit is declared by its own declaration or by that of a class around it."""
    parts = qualname.split(".")
    return any(".".join(parts[:i]) in declared for i in range(1, len(parts) + 1))


def config_class(kind: str, unit: str) -> bool:
    """A configuration class built on another family's (`class SolarOpenConfig(Glm4MoeConfig)` in
    a modular file): that base declares the class itself, as any base class declares its subclass."""
    return kind == "base-class" and unit.rsplit(".", 1)[-1].endswith("Config")


def config_only(kind: str, target: str) -> bool:
    """An import or subclass of another family's *configuration* class names the architecture a
    model follows (every serving engine's model file imports its HF config); it does not
    attribute copied modeling code, so it must not excuse a removed or replaced notice."""
    return kind in ("modular-import", "base-class") and target.rsplit(".", 1)[-1].endswith("Config")
