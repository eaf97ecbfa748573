"""A tensor library's function called on a tensor, read as the tensor's method (`lex-v33`).

`torch.transpose(x, 1, 2)` is `x.transpose(1, 2)`, `torch.reshape(x, (b, t, h))` is
`x.reshape(b, t, h)` (and `x.view(b, t, h)`, fingerprint/idioms.py), `F.softmax(x, dim=-1)` is
`x.softmax(dim=-1)`: a copier respelling one as the other changes every structural k-gram across
each call.  Stacked with renaming and a few refactorings it cost real model files copied whole
a further tenth of what their source explains of them.  So a call of one of the NAMESPACES' functions
that are also the tensor's methods (METHODS: `torch.f`, `torch.nn.functional.f`, `F.f`, `mx.f`,
`np.f`, `jnp.f`), with a first argument that is neither starred nor a keyword, reads as that
argument's method, on the
reference side and the scanned side alike: the namespace's tokens and the comma after the first
argument are not kept, and the argument moves before the method's name.  And a method of
SHAPED whose only argument is a tuple written out (`x.reshape((b, t, h))`) reads as called with
its elements.

`torch.matmul(a, b)` is left to fingerprint/idioms.py, which reads it as `a @ b`; a factory
(`torch.zeros(n)`), a function of a list (`torch.cat`) and a class (`torch.nn.Linear`) are no
functions of a tensor.  Calls inside calls are read innermost first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lineage.fingerprint.restated import closing_bracket, depths
from lineage.parse.vocab import Vocab

NAMESPACES = ("torch", "F", "mx", "np", "jnp")
LIBRARIES = ("torch", "numpy", "mlx", "jax")  # an import of one of these binds a namespace too (``spaces``)
# functions of those libraries that are also the tensor's (array's) own methods, the tensor first: a
# factory (`torch.zeros(n)`, `torch.arange(a, b)`), a function of a list (`torch.cat([a, b])`) or of
# an equation (`torch.einsum("ij,jk", a, b)`) has no method form and stays as written
METHODS = frozenset("""
    abs absolute acos acosh add addmm all allclose amax amin angle any argmax argmin argsort asin asinh atan
    atan2 atanh baddbmm bmm broadcast_to ceil chunk clamp clamp_min clamp_max clip conj contiguous cos cosh
    count_nonzero cummax cummin cumprod cumsum deg2rad diag diagonal diff digamma div divide dot eq equal erf
    erfc erfinv exp exp2 expand expm1 flatten flip fliplr flipud float_power floor floor_divide fmod frac gather
    ge gt heaviside hypot index_add index_copy index_fill index_select inner isclose isfinite isinf isnan
    kthvalue le lerp lgamma log log10 log1p log2 log_softmax logaddexp logcumsumexp logical_and logical_not
    logical_or logical_xor logit logsumexp lt masked_fill masked_scatter masked_select matrix_exp max maximum
    mean median min minimum mm moveaxis movedim msort mul multiply mv nan_to_num nanmean nanmedian nansum
    narrow ne neg negative nonzero norm outer permute pow prod rad2deg reciprocal relu remainder repeat_interleave
    reshape roll rot90 round rsqrt scatter scatter_add select sgn sigmoid sign sin sinc sinh softmax sort split
    sqrt square squeeze std sub subtract sum swapaxes swapdims t take take_along_dim tan tanh tensor_split tile
    topk trace transpose trapz tril triu true_divide trunc unbind unflatten unique unsqueeze var view_as_complex
    view_as_real xlogy
""".split())
SHAPED = ("reshape", "view", "permute", "expand", "repeat", "tile", "transpose", "new_zeros", "new_ones",
          "new_empty")


def spaces(imports: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The names that stand for a tensor library (or one of its modules) in a module: NAMESPACES,
    and whatever its imports bind to one of LIBRARIES (`import torch as _m0`, `from torch import nn`:
    a copier who rewrote the imports so keeps every `_m0.transpose(x, 1, 2)` a function of `x`)."""
    return NAMESPACES + tuple(name for name, path in imports if path.split(".")[0] in LIBRARIES)


def as_methods(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray, logical: np.ndarray,
               vocab: Vocab, names: Sequence[str] = NAMESPACES) -> np.ndarray:
    """An order in which each ``NS.f(first, rest)`` reads as ``first.f(rest)``; what is read as
    absent is marked in ``kept`` (by input position), and the first argument, moved out of the
    brackets, takes the logical line of the call's start in ``logical``.  Only kept tokens are
    read and moved (among their own places): the rules before may have read some as absent.
    ``names``: what stands for a tensor library here (``spaces``)."""
    order = np.arange(kinds.size)
    get, text_of = vocab.kinds.ids.get, vocab.texts.items
    open_paren, comma, dot, ident = get("(", -1), get(",", -1), get(".", -1), get("ID", -1)
    live = np.flatnonzero(kept)
    kinds, texts, unit_of = kinds[live], texts[live], unit_of[live]
    if min(open_paren, dot, ident) < 0 or kinds.size < 6:
        return order
    depth = depths(kinds, vocab)
    words = [t for t in (vocab.texts.ids.get(n, -1) for n in names) if t >= 0]
    starts = np.flatnonzero(np.isin(texts, words) & (kinds == ident))
    before = kinds[np.maximum(starts - 1, 0)]
    starts = starts[(starts == 0) | (before != dot)]
    stops = {get(k, -1) for k in ("*", "**", "=")} - {-1}
    now = np.arange(kinds.size)  # the live tokens' order
    for i in starts[::-1].tolist():  # (innermost calls first: a call inside starts after its caller)
        j = i  # the function's name: the last of `NS . a . b`
        while j + 2 < kinds.size and kinds[j + 1] == dot and kinds[j + 2] == ident and unit_of[j + 2] == unit_of[i]:
            j += 2
        name = text_of[int(texts[j])]
        if j == i or j + 1 >= kinds.size or kinds[j + 1] != open_paren or name not in METHODS:
            continue
        close = closing_bracket(depth, unit_of, j + 1)
        if close < 0 or close == j + 2:
            continue
        level = depth[j + 1]
        inside = np.arange(j + 2, close)
        split = inside[(kinds[inside] == comma) & (depth[inside] == level)]
        end = int(split[0]) if split.size else close
        if int(kinds[j + 2]) in stops or any(int(k) in stops for k in kinds[j + 2:end][depth[j + 2:end] == level]):
            continue  # (a starred or keyword first argument)
        gone = [*now[i:j - 1].tolist(), *([int(now[end])] if split.size else [])]
        kept[live[gone]] = False
        logical[live[now[j + 2:end]]] = logical[live[now[i]]]
        moved = [*gone, *now[j + 2:end].tolist(), int(now[j - 1]), int(now[j]), int(now[j + 1]),
                 *now[end + 1:close].tolist(), int(now[close])]
        now[i:close + 1] = np.asarray(moved, dtype=np.int64)
    order[live] = live[now]
    return order


def unpacked_shapes(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray,
                    vocab: Vocab) -> None:
    """``x.reshape((a, b))`` read as ``x.reshape(a, b)`` (SHAPED methods): the tuple's brackets
    are marked not kept.  Only kept tokens are read."""
    get = vocab.kinds.ids.get
    open_paren, comma, dot = get("(", -1), get(",", -1), get(".", -1)
    names = [t for t in (vocab.texts.ids.get(n, -1) for n in SHAPED) if t >= 0]
    live = np.flatnonzero(kept)
    kinds, texts, unit_of = kinds[live], texts[live], unit_of[live]
    if min(open_paren, comma, dot) < 0 or not names or kinds.size < 6:
        return
    depth = depths(kinds, vocab)
    at = np.flatnonzero(np.isin(texts, names))
    at = at[(at > 0) & (at + 2 < kinds.size)]
    at = at[(kinds[at - 1] == dot) & (kinds[at + 1] == open_paren) & (kinds[at + 2] == open_paren)]
    for i in at.tolist():
        close, inner = closing_bracket(depth, unit_of, i + 1), closing_bracket(depth, unit_of, i + 2)
        if close < 0 or inner != close - 1:
            continue
        between = np.arange(i + 3, inner)
        if np.any((kinds[between] == comma) & (depth[between] == depth[i + 2])):
            kept[live[[i + 2, inner]]] = False
