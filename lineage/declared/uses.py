"""Model code a scanned file uses by import: declared reuse that copies nothing.

A file that imports another model's classes and wires them (a vision tower from
``transformers.models.qwen2_5_vl.modeling_qwen2_5_vl``, an audio encoder from vLLM's
``qwen2_audio``) holds none of that code, so no code finding names it, and the file verdict
said "mostly code of its own" and nothing of the very reuse an accuser points at (the Naver
case).  Each such import, or a base class taken from one, is listed per file with the model
line it names, and the verdict says it: declared reuse, not a copy; whether the imported
model's *weights* were reused is a question for ``lineage weights``, not for code.

Only model code counts: configuration classes (every engine imports its HF config) and
tokenizer, processor and feature-extractor modules are not the model.  Only lines the index
knows count (``family_of`` reads a family name from any dotted path).  A generated file
(``This file was automatically generated from .../modular_x.py``) uses what its modular
file, when it is among the scanned files, imports.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from lineage.declared.markers import Declaration, find_declarations
from lineage.summary import Use

_KINDS = ("modular-import", "base-class")
_NOT_MODEL = (".configuration_", ".tokenization_", ".processing_", ".image_processing_", ".video_processing_",
              ".feature_extraction_")
# what a file imports from (each dotted path), and the banner of a generated file
_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.M)
_GENERATED = re.compile(r"automatically generated", re.I)


def _maybe(text: str, lines: Collection[str]) -> bool:
    """Worth parsing for uses: an import from a module whose dotted path names an indexed model
    line (``..llama.modeling_llama``, ``vllm.model_executor.models.qwen2``), or a generated file."""
    for match in _IMPORTS.finditer(text):
        for part in (match.group(1) or match.group(2)).split("."):
            if part and part.removeprefix("modeling_") in lines:
                return True
    return bool(_GENERATED.search(text, 0, 2000))
_NOT_MODEL_SUFFIXES = ("Config", "Tokenizer", "TokenizerFast", "Processor", "ImageProcessor", "FeatureExtractor")


_NOT_CODE = re.compile(r"^(?:logger|logging|_?[A-Z0-9_]+|__\w+__)$")  # a module's logger, constants, dunders


def _model_code(d: Declaration, lines: Collection[str]) -> bool:
    """Model code: a class or function of a model's module, not its configuration or tokenizer, nor
    its logger or constants (`from ..llama.modeling_llama import logger` uses no model code)."""
    last = d.target.rsplit(".", 1)[-1]
    return (d.kind in _KINDS and d.family in lines and not any(m in d.target for m in _NOT_MODEL)
            and not last.endswith(_NOT_MODEL_SUFFIXES) and not _NOT_CODE.match(last))


def modulars(path: str, found: Mapping[str, Sequence[Declaration]]) -> list[tuple[str, Declaration]]:
    """(path, banner) of each modular file among ``found`` (path -> its declarations) that the
    file ``path`` says it was generated from: a generated file declares what its modular does."""
    by_stem = {_stem(p): p for p in found}
    out: dict[str, tuple[str, Declaration]] = {}
    for d in found[path]:
        modular = by_stem.get(_stem(d.target)) if d.kind == "generated-from" else None
        if modular and modular != path:
            out.setdefault(modular, (modular, d))
    return sorted(out.values(), key=lambda m: m[0])


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".py")


def _own(decls: Sequence[Declaration], lines: Collection[str], via: str = "") -> list[Use]:
    seen: dict[tuple[str, str], Use] = {}
    for d in decls:
        if _model_code(d, lines):
            seen.setdefault((d.family, d.target), Use(d.family, d.target.rsplit(".", 1)[-1], d.line, d.kind, via))
    return list(seen.values())


FORKED = 16  # files to read before forking workers pays


def model_uses(texts: Mapping[str, str], lines: Collection[str], workers: int = 1,
               read: Mapping[str, Sequence[Declaration]] | None = None) -> dict[str, tuple[Use, ...]]:
    """Per scanned file (path -> text) that uses indexed model lines' code by import: the uses,
    by line.  ``lines``: the model lines the index holds; ``workers``: processes reading the
    files' declarations (forked); ``read``: the declarations of files already read (`declared`,
    by the scan's matching workers), not read again."""
    from lineage.pool import fork_map

    read = read or {}
    wanted = [(path, text) for path, text in texts.items() if path not in read and _maybe(text, lines)]
    fresh = fork_map(_declarations, wanted, workers if len(wanted) >= FORKED else 1)
    found = dict(zip((path for path, _ in wanted), fresh)) | {p: tuple(d) for p, d in read.items() if p in texts}
    out: dict[str, tuple[Use, ...]] = {}
    for path, decls in sorted(found.items()):
        uses = _own(decls, lines)
        for modular, _banner in modulars(path, found):
            uses += _own(found[modular], lines, via=modular)
        if uses:
            unique = {(u.family, u.name): u for u in reversed(uses)}
            out[path] = tuple(sorted(unique.values(), key=lambda u: (u.via, u.line, u.name)))
    return out


def _declarations(item: tuple[str, str]) -> tuple[Declaration, ...]:
    return find_declarations(*item)


def declared(texts: Mapping[str, str], lines: Collection[str]) -> dict[str, tuple[Declaration, ...]]:
    """The declarations of each file (path -> text) `model_uses` would read, read here (in the
    process that read them for attribution already: ``find_declarations`` keeps them)."""
    return {path: find_declarations(path, text) for path, text in texts.items() if _maybe(text, lines)}


def uses_sentence(uses: Sequence[Use], copies: bool = False) -> str:
    """The clause the file verdict adds, or "" (``copies``: the verdict already names code the file
    copied, which its imports do not declare)."""
    if not uses:
        return ""
    fams = list(dict.fromkeys(u.family for u in uses))
    names = list(dict.fromkeys(u.name for u in uses))
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    via = next((u.via for u in uses if u.via), "")
    if copies:
        return (f"also imports model code of {', '.join(fams)} ({shown}{'; declared in ' + via if via else ''}): "
                "declared reuse of what it imports only")
    return (f"uses model code of {', '.join(fams)} by import ({shown}{'; declared in ' + via if via else ''}): "
            "declared reuse, not a copy (whether those models' weights were reused is for `lineage weights`)")
