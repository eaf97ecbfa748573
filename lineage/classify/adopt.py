"""Code a class owns outside its own body: a class verdict reads a class with its methods.

A copier can move a class's methods out of it and leave the class as a shell: each method a
module-level function that the shell's method calls with its instance (``return _fwd(self,
x)``), or the methods in a mixin class defined beside it that only it uses as a base.  The
class verdict (classify/source.py) would then read the shell alone.  What the class owns:

* a top-level function that is named nowhere but inside one class, and that class calls it
  with ``self`` itself as an argument (a method in all but name, or the second half of one split
  off) or binds it as an attribute of its body (``forward = _forward``: a method by assignment);
  a helper the class only calls, like ``repeat_kv(hidden, n)``, stays a helper;
* a top-level class that is named nowhere but inside one class, whose bases include it (a
  mixin only it uses; a base class that many share, or that a registry or a factory names,
  stays a class of its own).

Names in comments and strings count as uses, so a doubtful case keeps the code apart.  Read
from the text and the file's outline (every top-level definition, compact/files.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

Outline = Sequence[tuple[str, str, int, int, tuple[str, ...]]]

_WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)")
# a call that passes the instance itself (`fn(self, x)`, `fn(x, self)`, `fn(x, module=self)`; no
# call nested in its arguments): not a method of that name (`def name(self`), nor a call of an
# attribute (`obj.name(self`), nor an attribute of the instance (`fn(self.width)`)
_SELF_CALL = re.compile(r"(?<![\w.])(?<!def )([A-Za-z_][A-Za-z0-9_]*)\s*\([^()]*?(?<![\w.])self\s*[,)]")
# a function bound as an attribute in a class body (`forward = _forward`): a method by assignment
_BOUND = re.compile(r"^[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#[^\n]*)?$", re.M)
_MAX_DEPTH = 8  # a chain of mixins this long is followed; longer (or a cycle) stops there


def adoptions(outline: Outline, text: str) -> dict[str, str]:
    """Top-level function or class name -> the top-level class that owns its code."""
    classes = {name: (start, end, bases) for name, kind, start, end, bases in outline if kind == "class"}
    if not classes or not text:
        return {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, _kind, start, end, _bases in outline:
        spans.setdefault(name, []).append((start, end))
    uses = _uses(text, frozenset(spans))
    ordered = sorted((start, end, name) for name, (start, end, _bases) in classes.items())
    starts = [start for start, _end, _name in ordered]
    self_calls = _uses(text, frozenset(spans), _SELF_CALL)
    bound = _uses(text, frozenset(spans), _BOUND)
    direct: dict[str, str] = {}
    for name, kind, _start, _end, _bases in outline:
        if len(spans[name]) != 1:  # defined twice (a fallback under `if`): which one runs is unknown
            continue
        owner = _sole_class(uses.get(name, ()), spans[name][0], starts, ordered)
        if owner is None or owner == name:
            continue
        if kind == "class" and name in {b.rsplit(".", 1)[-1] for b in classes[owner][2]}:
            direct[name] = owner
        elif kind == "function" and any(classes[owner][0] <= at <= classes[owner][1]
                                        for at in (*self_calls.get(name, ()), *bound.get(name, ()))):
            direct[name] = owner
    return {name: _root(name, direct) for name in direct}


def _uses(text: str, names: frozenset[str], pattern: re.Pattern[str] = _WORD) -> dict[str, list[int]]:
    """Lines (1-based) where each of `names` appears as `pattern`'s first group (a word)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    out: dict[str, list[int]] = {}
    if pattern is _WORD or pattern is _SELF_CALL:  # (each name looked for, not every place of the file tried)
        for name in sorted(names):
            found = [bisect_right(newlines, at - 1) + 1 for at in _starts(text, name, pattern)]
            if found:
                out[name] = found
        return out
    for m in pattern.finditer(text):
        if m.group(1) in names:
            out.setdefault(m.group(1), []).append(bisect_right(newlines, m.start() - 1) + 1)
    return out


_LETTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DIGIT = frozenset("0123456789")


def _starts(text: str, name: str, pattern: re.Pattern[str]) -> list[int]:
    """Where ``pattern.finditer`` yields a match whose first group, at its start, is ``name``:
    `_WORD`'s words, or `_SELF_CALL`'s calls tried where the name is spelt (no two of its matches
    overlap: its only bracket follows its name, and a name starts no match inside another)."""
    if pattern is _WORD:
        return _word_starts(text, name)
    out: list[int] = []
    at = text.find(name)
    while at >= 0:
        m = pattern.match(text, at)
        if m is not None and m.group(1) == name:
            out.append(at)
        at = text.find(name, at + 1)
    return out


def _word_starts(text: str, name: str) -> list[int]:
    """Where `_WORD.finditer` yields ``name`` (an identifier): a run of letters, digits and `_`
    read from its first letter or `_` (digits before it start no word), ending where the run does."""
    out: list[int] = []
    if not _WORD.fullmatch(name):  # (a name with a letter outside ASCII is never one word of it)
        return out
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        before = at
        while before > 0 and text[before - 1] in _DIGIT:
            before -= 1
        if (before == 0 or text[before - 1] not in _LETTER) and (end == len(text) or (
                text[end] not in _LETTER and text[end] not in _DIGIT)):
            out.append(at)
        at = text.find(name, at + 1)
    return out


def _sole_class(lines: Sequence[int], own: tuple[int, int], starts: list[int],
                spans: list[tuple[int, int, str]]) -> str | None:
    """The one top-level class whose body holds every use of a name outside its own definition
    (`spans`: the classes' (first line, last line, name), by first line; `starts` their first lines)."""
    found: str | None = None
    for line in lines:
        if own[0] <= line <= own[1]:
            continue
        at = bisect_right(starts, line) - 1
        if at < 0 or line > spans[at][1] or (found is not None and spans[at][2] != found):
            return None  # used outside every class, or in a second one
        found = spans[at][2]
    return found


def _root(name: str, direct: dict[str, str]) -> str:
    """The class at the end of a chain of owners (a mixin of a mixin)."""
    seen = {name}
    owner = direct[name]
    for _ in range(_MAX_DEPTH):
        if owner not in direct or direct[owner] in seen:
            break
        seen.add(owner)
        owner = direct[owner]
    return owner
