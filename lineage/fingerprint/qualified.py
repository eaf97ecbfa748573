"""A tensor library's name imported bare, read as spelt through the library's usual name (`lex-v38`, `lex-v39`).

`from torch.nn import Linear` then `Linear(d, d)` is `nn.Linear(d, d)`; `from torch.nn.functional
import silu` then `silu(x)` is `F.silu(x)`.  Model code spells a library's classes and functions
through its module (`nn.Linear`, `F.silu`, `torch.cat`), so a copier who rewrites the imports to
bare names drops two tokens at every use: every structural k-gram across each use changes.
Stacked with a few other rewritings it took transformers' starcoder2 from a copy of itself to
"weak resemblance".  So a name a module's top-level imports bind to a member of one of ALIASES'
modules reads, at each use, as ALIASES' name for that module, a dot and the member's own name
(`from torch.nn import Linear as L`: `L(...)` reads as `nn.Linear(...)`), on the reference side
and the scanned side alike.  Code that already spells the module is read as written: nothing of
it changes.  And one of ALIASES' modules imported under another name (`import torch.nn.functional
as fn`, `from torch.nn import functional`) has that name read as the usual one in the lexical
stream (the structure abstracts names already; parse/hoisted.py already reads an alias of a
package, `import numpy as np`, as the package's own name).

A submodule imported bare reads through its parent as any member does (`from torch.nn import
init`: `init.x` as `nn.init.x`).  Left as written: a name the file defines itself or binds
otherwise too (a `def`, a `class`, a parameter, an assignment's or a loop's target, `with`/`except
... as`, a keyword argument spelt like it: parse/bound.py), a name bound to two things, a name
after a dot (an attribute), and the import statements themselves.  The added tokens stand on the
name's line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from lineage.fingerprint.restated import Spell
from lineage.parse.vocab import Vocab

# the modules model code spells its library calls through, and the name it spells each by
# (a package's own name for the package: parse/hoisted.py reads `import numpy as np` as `numpy`)
ALIASES = {"torch": "torch", "torch.nn": "nn", "torch.nn.functional": "F", "torch.distributed": "dist",
           "numpy": "numpy", "jax.numpy": "jnp", "mlx.core": "mx", "mlx.nn": "nn", "math": "math"}


def plan(imports: Sequence[tuple[str, str]], defined: Iterable[str]) -> dict[str, tuple[str, str]]:
    """name -> (the module's usual name to put before it, or "" to respell the name itself, the
    text it reads as): per name the imports bind to a member of ALIASES' modules, or to one of
    those modules, and to nothing else (an `as` alias counts for the member's own name too, which
    parse/hoisted.py reads it as), that ``defined`` (what the file binds otherwise) does not hold."""
    reads: dict[str, set[tuple[str, str] | None]] = {}
    for name, path in imports:
        module, _, member = path.rpartition(".")
        read = ("", ALIASES[path]) if path in ALIASES else (ALIASES[module], member) if module in ALIASES else None
        for key in {name, member} - {""}:
            reads.setdefault(key, set()).add(read)
    out: dict[str, tuple[str, str]] = {}
    for name, found in reads.items():
        read = next(iter(found)) if len(found) == 1 else None  # (bound to two things: left as written)
        if read is not None and read != ("", name):
            out[name] = read
    for name in set(defined):
        out.pop(name, None)
    return out


def qualified(kinds: np.ndarray, texts: np.ndarray, unit_of: np.ndarray, logical: np.ndarray, vocab: Vocab,
              imports: Sequence[tuple[str, str]], defined: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, kinds, texts) of units' tokens back to back (``logical``: a statement number per
    token, ascending in each unit) with each bare use of a library's imported name read through
    the library's usual name: ``order`` gives each output token's input position (a use's added
    name and dot repeat it), for the other per-token arrays."""
    n = kinds.size
    names = plan(imports, defined)
    get = vocab.kinds.ids.get
    ident, dot = get("ID", -1), get(".", -1)
    if not names or n == 0 or ident < 0:
        return np.arange(n), kinds, texts
    begins = np.ones(n, dtype=bool)
    begins[1:] = (unit_of[1:] != unit_of[:-1]) | (logical[1:] != logical[:-1])
    heads = kinds[np.flatnonzero(begins)]
    importing = np.isin(heads, [get("import", -2), get("from", -2)])[np.cumsum(begins) - 1]
    after_dot = np.zeros(n, dtype=bool)
    after_dot[1:] = (kinds[:-1] == dot) & (unit_of[:-1] == unit_of[1:])
    free = (kinds == ident) & ~after_dot & ~importing
    texts = texts.copy()
    ids = Spell(vocab)
    before = np.full(n, -1, dtype=np.int64)  # per use: the text of the module's name put before it
    spelt = {t: read for name, read in names.items() if (t := vocab.texts.ids.get(name)) is not None}
    uses = np.flatnonzero(free & np.isin(texts, np.fromiter(spelt, dtype=np.int64, count=len(spelt))))
    uses = uses[np.argsort(texts[uses], kind="stable")]  # (each name's uses together: one pass in all)
    cuts = np.flatnonzero(np.diff(texts[uses])) + 1
    for at in np.split(uses, cuts) if uses.size else []:
        alias, text = spelt[int(texts[at[0]])]
        texts[at] = ids.text(text)
        if alias:
            before[at] = ids.text(alias)
    added = before >= 0
    if not added.any():
        return np.arange(n), kinds, texts
    counts = 1 + 2 * added.astype(np.int64)
    order = np.repeat(np.arange(n), counts)
    kinds, texts = kinds[order], texts[order]
    first = (np.cumsum(counts) - counts)[added]  # each use's first output position: the module's name
    kinds[first], texts[first] = ident, before[added]
    kinds[first + 1], texts[first + 1] = ids.kind("."), ids.text(".")
    return order, kinds, texts
