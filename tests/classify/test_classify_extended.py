"""A unit that holds a reference's unit whole inside more code of its own is a copy, extended
(classify/codematch.held_whole): a stranger's review grew a copied forward pass line by line and
watched it go high, medium, low, then unreported, though it still held 98% of the reference."""

from __future__ import annotations

import dataclasses

from lineage.classify.codematch import held_whole, severity, verdict, worth_reporting
from lineage.models import Match, RefUnit
from lineage.scoring import SCORING

# code of our own, live (every line feeds the output), added to the copied attention's forward pass
ADDED = (
    "        gate = torch.sigmoid(self.gate_proj(h)).view(b, t, self.n_q, 1)\n"
    "        out = out.view(b, t, self.n_q, self.head_dim) * gate\n"
    "        if self.training and self.drop_heads > 0:\n"
    "            keep = torch.rand(b, 1, self.n_q, 1, device=out.device) > self.drop_heads\n"
    "            out = out * keep / (1.0 - self.drop_heads)\n"
    "        norms = out.float().norm(dim=-1, keepdim=True).clamp_min(1e-6)\n"
    "        out = torch.where(norms > self.max_norm, out * (self.max_norm / norms).to(out.dtype), out)\n"
    "        mixed = torch.einsum('bthd,hg->btgd', out, self.head_mix)\n"
    "        out = (out + mixed) * 0.5\n"
    "        for i, layer in enumerate(self.post_layers):\n"
    "            out = out + layer(out) * self.post_scale[i]\n"
    "        out = out.reshape(b, t, -1)\n"
    "        out = F.dropout(out, p=self.resid_p, training=self.training)\n"
    "        chunks = torch.split(out, self.chunk, dim=1)\n"
    "        out = torch.cat([c.flip(1).cumsum(1).flip(1) / (1 + n) for n, c in enumerate(chunks)], dim=1)\n"
)


def extended(source: str) -> str:
    """The copy with ADDED before the attention forward pass's return."""
    start = source.index("    def forward", source.index("class AcmeLMAttention"))
    end = source.index("        return ", start)
    return source[:end] + ADDED + source[end:]


def test_a_copied_forward_grown_with_code_of_its_own_is_a_copy_extended(scan, copies, headers) -> None:
    result = scan({"acme/modeling_acme.py": copies.with_header(extended(copies.attention_moe), *headers["kept"])})
    (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeLMAttention.forward"]
    m = f.matches[0]
    # below the reporting threshold by likeness (the reference is half the unit now), but all of it there
    assert m.similarity < SCORING.report_similarity and m.ref_containment >= 0.9, m
    assert f.severity == "medium" and f.role == "core-architecture"
    assert f.details.verdict.startswith("core-architecture copy, extended, of glm4_moe")  # type: ignore[union-attr]


def _match(shared: int, ref_containment: float) -> Match:
    ref = RefUnit("vllm:fam", "Acme", "US", "Apache-2.0", "vllm==0.33.0", "m.py", "Unit.forward", 1, 30, "2024-01-01")
    return Match(ref, 0.45, 0.46, ref_containment, 0.9, 0.3, (), shared=shared)


def test_held_whole_needs_enough_code_to_convict_without_names() -> None:
    """A small reference unit inside a larger one says little: a helper's few statements are
    written alike anew as often as copied."""
    assert held_whole(_match(115, 0.98)) and worth_reporting(_match(115, 0.98), SCORING.report_similarity)
    assert severity("core-architecture", _match(115, 0.98)) == "medium"
    assert "copy, extended," in verdict("core-architecture", _match(115, 0.98))
    small, partial = _match(SCORING.nameless_evidence - 1, 0.98), _match(115, 0.8)
    for m in (small, partial):
        assert not held_whole(m) and not worth_reporting(m, SCORING.report_similarity)
        assert severity("core-architecture", m) == "low"


def test_a_copy_extended_of_code_many_lines_hold_is_shared_code_as_it_would_be_unextended() -> None:
    """gemma2's model forward, verbatim, is "shared code" (24 lines hold it), low; extended, every
    match of its full list holds the unit about as much: read as many lines' code, not "copy,
    extended" at medium (a stranger's attack)."""
    from lineage.pipeline.match import whole_holders

    def held(family: str, ref_containment: float) -> Match:
        ref = RefUnit(family, "Acme", "US", "Apache-2.0", "x==1", "m.py", "M.forward", 1, 30, "2024-01-01")
        return Match(ref, 0.48, 0.5, ref_containment, 0.9, 0.3, (), shared=92)

    many = [held("t:gemma2", 0.96), held("t:gemma2", 0.93), held("t:vaultgemma", 0.93), held("t:qwen3_next", 0.88),
            held("v:qwen3_next", 0.88)]
    assert whole_holders(many, many[0], top=5) >= SCORING.shared_by
    few = [held("t:gemma2", 0.96), held("v:gemma2", 0.96), dataclasses.replace(held("t:other", 0.5), shared=40)]
    assert whole_holders(few, few[0], top=5) == 1
    # one model line in every source (transformers' releases, engines) is one line's code, however full
    one = [held(f"{source}:rwkv", 0.92) for source in ("t", "t-4.33", "t-4.40", "t-4.48", "v")]
    assert whole_holders(one, one[0], top=5) == 1


def own_code(statements: int, seed: int = 7) -> str:
    """Live code of our own, every statement of its own shape (a copy padded with one line over
    and over would collapse to a few fingerprints): random expressions over the forward's locals,
    each feeding the output."""
    import random

    rng = random.Random(seed)
    calls = ("torch.tanh", "torch.sigmoid", "F.gelu", "F.silu", "torch.exp", "torch.log1p", "torch.abs")
    methods = ("sum(-1, keepdim=True)", "mean(dim=1, keepdim=True)", "clamp(min=-4.0, max=4.0)", "flip(1)",
               "cumsum(1)", "softmax(-1)", "pow(2)", "square()", "amax(-1, keepdim=True)")

    def expr(depth: int) -> str:
        pick = rng.randrange(7 if depth else 2)
        if pick == 0:
            return "out"
        if pick == 1:
            return f"{rng.randrange(2, 97)}.{rng.randrange(10)}"
        if pick == 2:
            return f"{rng.choice(calls)}({expr(depth - 1)})"
        if pick == 3:
            return f"({expr(depth - 1)} {rng.choice('+-*')} {expr(depth - 1)})"
        if pick == 4:
            return f"({expr(depth - 1)}).{rng.choice(methods)}"
        if pick == 5:
            return f"torch.where(out > {expr(depth - 1)}, {expr(depth - 1)}, out)"
        return f"({expr(depth - 1)})[..., :{rng.randrange(1, 9)}]"

    lines = [f"        out = out + {expr(3)}\n" for _ in range(statements)]
    return "".join(lines)


def test_a_copy_grown_to_several_times_its_size_is_still_found_whole_inside(scan, copies, headers) -> None:
    """The candidate lookup finds pairs by likeness: a forward pass held whole inside three times
    its size is a quarter like it and its bands rarely collide (a stranger's attack: 120 lines of
    code around gemma2's attention forward, 98% of it held, and nothing was reported).  Windows
    of a large unit look it up part by part (index/windows.py)."""
    source = copies.attention_moe
    start = source.index("    def forward", source.index("class AcmeLMAttention"))
    end = source.index("        return ", start)
    grown = source[:end] + own_code(3 * source[start:end].count("\n")) + source[end:]
    result = scan({"acme/modeling_acme.py": copies.with_header(grown, *headers["kept"])})
    (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeLMAttention.forward"]
    m = f.matches[0]
    assert m.similarity < 0.3 and m.ref_containment >= 0.9, m
    assert f.severity == "medium"
    assert f.details.verdict.startswith("core-architecture copy, extended, of glm4_moe")  # type: ignore[union-attr]


def test_own_code_that_holds_no_reference_gains_nothing_from_the_windows(scan) -> None:
    """The windows only propose: a large unit of our own code alone is not a copy of anything."""
    body = own_code(200, seed=11)
    text = ("import torch\nimport torch.nn.functional as F\n\n\ndef mix(out):\n" + body + "    return out\n")
    result = scan({"acme/mix.py": text})
    assert not [f for f in result.findings if f.kind == "code-match" and f.severity != "info"]
