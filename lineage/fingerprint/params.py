"""Every parameter that shapes a signature.  An index records them; a query must match them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

NORMALISER_VERSION = "lex-v33"  # bump whenever tokens or their hashing change (v33: the operands of a chain of `+ * & | ^`, and the two sides of `==`/`!=`, read in one order, by their structural kinds, parse/commuted.py; v32: a variable's annotation in a function body read as absent, `x: T = v` as `x = v` and a bare `x: T` as nothing, fingerprint/formatting.py; a tuple assignment of as many targets as values read as its assignments one by one, fingerprint/idioms.py; an `if` over builtins alone that only raises or passes, and a counter of `self` only its own stores read, read as absent, parse/opaque.py; a call through the module's own call forwarder, `_call(f, a)`, read as `f(a)`, parse/forwarders.py; v31: an `if` or `while` whose condition compares literals, or locals bound to one value of literals only, read as the block it runs or as absent, parse/constant.py, parse/deadcode.py, parse/junk.py; a nested function its enclosing function never names read as absent, parse/uncalled.py; v30: locals that feed nothing but each other, junk chains and opaque-predicate blocks over them, read as absent, parse/junk.py; a literal spelt the long way, integer arithmetic on literals, `chr(n)`, `bytes.fromhex(s).decode()` and strings joined by `+`, read as the literal, parse/folded.py; names unpacked from a tuple of literals and builtins, `a, b = getattr, 2`, read through, parse/hoisted.py; v29: what a minifier packs read as written out: ";" between statements and a body on its header's line, fingerprint/statements.py; a literal or builtin bound once to a name at the module's top or a function's, and an import's alias of a plain name, read where the name is used, parse/hoisted.py; a parameter renamed first thing in its function read as the parameter, parse/aliases.py; `return None` read as `return`, fingerprint/formatting.py; a method reached through `self.__class__`, `getattr(self, "m")` a walrus, `(f := self.m)(...)`, or `functools.partial`, read in its caller, parse/inline.py, parse/callsite.py; v28: a helper named in a comment or a docstring, called in parentheses, called first after `pass` or `assert`, or a pair kept then returned as it is, read in its caller, parse/callsite.py, parse/inline.py; v27: a helper called first in another (`f(...)`, `a, b = f(...)`) read there, its closing return of names spent, and a last call through a local alias or a lambda forwarding its parameters read as the plain call, parse/callsite.py; v26: a helper decorated only with the module's identity functions, a method reached through `type(self)`, and a call returned inside a wrapper read as absent (`try:` ... `finally: pass`) read in its caller, parse/inline.py; v25: a method name each top-level class defines and calls for itself, none deriving from it, read in each, parse/inline.py; `if c: pass` whose condition calls only builtins that compute a value (`callable(x)`, `isinstance(x, T)`) read as absent, parse/deadcode.py; v24: a method called once as the last statement of another, through its instance from a method of its class or through its class's name when static, read there, parse/inline.py; a parameter with a default that its function never reads read as absent by position too, and a spelling in a block already read as absent, an assert or `del t` is no reading, parse/unread.py; `(x, None)[0]` as `x`; v23: a bare `*` before a typed `**kwargs: T` goes with the padding keywords before it; v22: `out = f(...)` then `return out` read as `return f(...)` for inlining; v21: a function called only at the end of another, `return f(...)`, read there, parse/inline.py; a keyword-only parameter its function never reads, parse/unread.py; `x if x is not None else None` as `x`; v20: a call to the module's own identity function read as its argument (`x = _id(x)`), `getattr(x, "name")` as `x.name`, a comprehension or expression calling only pure builtins or a parenthesised lambda thrown away, `x, = (x,)` and both sides of `=` the same, `x = x.contiguous()` / `.clone()` (also under a condition calling only builtins), `for _ in [0]:` as its body; v19: more no-op statements read as absent: an expression statement that calls nothing (`[_z for _z in ()]`, `(_w := 0)`), a string's method called for nothing, `x = x if True else y`, `x = {0: x}[0]`, `x = copy.copy(x)`, `global`/`nonlocal` of a name used nowhere else, `while True:` that runs its body once, an `if` whose branches only change no value; v18: a conditional expression's two branches ordered by their names' stable hashes, not per-process ids, so fingerprints no longer depend on which file a process read first; v17: a whole-statement call, in a function body, to a function the module binds once to do nothing (`_trace("forward")`), read as absent; v16: a tensor assigned to itself as it is, `x = x.to(x.dtype)`, `x.type_as(x)`, `x.view(x.shape)`, `x[...]`, `x[:]`, and `x = +x`, `x = -(-x)`, `x = x ** 1`, read as absent; v15: an `if` whose branches are all `pass` and whose conditions call nothing, and a name spelt the long way (`x = (lambda v: v)(x)`, `x = [x][0]`, `x = x if c else x`), read as absent; v14: blocks that never run and do-nothing wrappers out of function bodies, parse/deadcode.py; statements that change no value, fingerprint/deadstores.py; v13: equivalent idioms written one way, fingerprint/idioms.py; v12: asserts and logging calls out of function units; v9: comprehension targets, subscript indexes and `with` items in parentheses are layout; v10: statements read on logical lines; v11: a subscript's one-element tuple keeps its comma)


@dataclass(frozen=True)
class FingerprintParams:
    """Shingle, winnowing, MinHash and LSH settings."""

    k: int = 12  # structural k-gram length (tokens); chosen by measurement, see README
    lexical_k: int = 6  # lexical k-gram length: names kept, so shorter grams stay distinctive
    window: int = 4  # winnowing window (k-grams); density about 2 / (window + 1)
    num_perm: int = 128
    seed: int = 1
    bands: int = 32
    rows: int = 4
    min_kgrams: int = 8  # units with fewer structural k-grams are too small to judge
    normaliser: str = NORMALISER_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FingerprintParams:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def mismatch(self, other: FingerprintParams) -> list[str]:
        """Names of parameters that differ, for a clear refusal message."""
        mine, theirs = self.to_dict(), other.to_dict()
        return [f"{k}: {mine[k]!r} != {theirs[k]!r}" for k in mine if mine[k] != theirs[k]]
