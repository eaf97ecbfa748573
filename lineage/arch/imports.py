"""A file read with the interface of the sibling modules it builds on.

Engines often serve an architecture by extending another file's model: vllm's ``phi3.py`` is
``class Phi3ForCausalLM(LlamaForCausalLM)`` and a packing table, mlx-lm's ``gemma3.py`` wraps
``gemma3_text.Model``.  Such a file shows little interface of its own, yet it serves all of
its base's: the config keys it reads and the parameters it creates.  Those are added to the
file's features when the base's module is a model file (it names an architecture) in the same
folder among the scanned files (relative imports resolved against the file's folder, absolute
ones against the end of a scanned path), two levels deep.  Shared layers and helpers elsewhere
(``layers/linear.py``, ``utils.py``) are no interface of any one model.  The base's
architecture and model-class names (``a:``, ``m:``) are not added: the file names its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lineage.arch.extract import ArchPrint

DEPTH = 2
NAMES = ("a:", "m:")  # architecture and model-class names: a file's own


def candidates(path: str, level: int, module: str) -> tuple[str, ...]:
    """File paths a module imported from `path` may be ("" parts and escapes above the root: none).
    Absolute modules give path tails, matched against the end of a scanned path."""
    if not module.strip("."):
        return ()
    parts = [p for p in module.split(".") if p]
    if level:
        folder = path.split("/")[:-1]
        if level - 1 > len(folder):
            return ()
        stem = "/".join([*folder[: len(folder) - (level - 1)], *parts])
    else:
        stem = "/".join(parts)
    return (stem + ".py", stem + "/__init__.py")


class Interfaces:
    """Fingerprints of the scanned files by path, each extended with its bases' (lazily, cached)."""

    def __init__(self, paths: Iterable[str], read: Callable[[str], ArchPrint]) -> None:
        self._read = read
        self._paths = set(paths)
        self._tails: dict[str, list[str]] = {}
        for p in self._paths:
            self._tails.setdefault(p.rpartition("/")[2], []).append(p)
        self._prints: dict[str, ArchPrint] = {}

    def own(self, path: str) -> ArchPrint:
        if path not in self._prints:
            self._prints[path] = self._read(path)
        return self._prints[path]

    def _resolve(self, path: str, level: int, module: str) -> str:
        for cand in candidates(path, level, module):
            if level:
                if cand in self._paths:
                    return cand
                continue
            for p in self._tails.get(cand.rpartition("/")[2], ()):
                if p == cand or p.endswith("/" + cand):
                    return p
        return ""

    def features(self, path: str, fp: ArchPrint | None = None, depth: int = DEPTH) -> frozenset[str]:
        """`path`'s features with those of the scanned modules it builds on (their names left out)."""
        fp = fp if fp is not None else self.own(path)
        out = set(fp.features)
        if depth <= 0:
            return frozenset(out)
        for level, module in fp.uses:
            base = self._resolve(path, level, module)
            if not base or base == path or base.rpartition("/")[0] != path.rpartition("/")[0]:
                continue
            feats = self.features(base, None, depth - 1)
            if any(f.startswith(NAMES) for f in self.own(base).features):  # a model file, not a helper
                out.update(f for f in feats if not f.startswith(NAMES))
        return frozenset(out)

    def resolved(self, path: str, fp: ArchPrint | None = None) -> ArchPrint:
        fp = fp if fp is not None else self.own(path)
        full = self.features(path, fp)
        return ArchPrint(full, fp.classes, fp.uses, full - fp.features)
