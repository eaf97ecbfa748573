"""A unit that holds a reference's unit whole inside more code of its own is a copy, extended
(classify/codematch.held_whole): a stranger's review grew a copied forward pass line by line and
watched it go high, medium, low, then unreported, though it still held 98% of the reference."""

from __future__ import annotations

import dataclasses
import json

from lineage.classify.codematch import held_whole, severity, verdict, worth_reporting
from lineage.models import Finding, Match, RefUnit
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


def _attention_forward(source: str, added: str) -> tuple[str, int]:
    """The attention's forward pass of ``source`` alone, as a method of a class of its own, with
    ``added`` before its return; and the forward's length in lines."""
    start = source.index("    def forward", source.index("Attention("))
    end = source.index("        return ", start)
    stop = source.index("\n", end) + 1
    body = source[start:end] + added + source[end:stop]
    return "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\nclass Block(nn.Module):\n" + body, \
        source[start:stop].count("\n")


def test_a_copy_extended_owes_the_notice_an_unextended_copy_owes(scan, copies, headers) -> None:
    """Its notice is judged as the verbatim copy's is (a stranger's review: extended copies of four
    models' forwards, alone in their files, read medium with the header removed or replaced, and
    no notice finding)."""
    _, size = _attention_forward(copies.attention_moe, "")
    grown, _ = _attention_forward(copies.attention_moe, own_code(3 * size))
    for header, state in (("removed", "removed"), ("replaced", "replaced")):
        result = scan({"acme/modeling_acme.py": copies.with_header(grown, *headers[header])})
        (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "Block.forward"]
        assert f.details.verdict.startswith("core-architecture copy, extended,")  # type: ignore[union-attr]
        assert f.attribution == state, f
        assert [n.attribution for n in result.findings if n.kind == "notice"] == [state], result.findings
        # the file's verdict says what its unit's says (it said "partial copy")
        assert result.summary.files["acme/modeling_acme.py"].verdict.startswith(
            "core-architecture copy, extended, of glm4_moe"), result.summary.files


def test_a_copy_extended_of_code_many_lines_hold_reads_as_that_code_does(tmp_path) -> None:
    """An attention forward that seven makers' lines hold (six of them with a few statements of
    their own) is shared code, low, verbatim.  Extended with code of the copier's own, it read as a
    medium "copy, extended" of the first: its list of matches was filled by that line's releases
    alone, and the others hold less of their own unit than that (a stranger's review: mixtral's
    model forward).  The lines holding the copied part are counted as for the verbatim copy
    (index/query.whole_lines), whatever was added."""
    from lineage import api
    from lineage.config import Config
    from lineage.models import SourceFile
    from tests.classify.conftest import MODEL, other_orgs, top_level
    from tests.fixture_notices import with_notice

    attention = top_level(with_notice(MODEL), ("ZetaMoeAttention",))
    head = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"
    root = tmp_path / "ref"
    orgs = other_orgs(7)
    manifests = []
    for release in range(5):  # the original line, in five releases of its source
        (root / f"r{release}").mkdir(parents=True)
        (root / f"r{release}" / "modeling_line_a.py").write_text(f"# Copyright 2025 {orgs[0]}\n\n{head}{attention}\n")
        manifests.append(tmp_path / f"r{release}.toml")
        manifests[-1].write_text("\n".join([
            "[source]", f'name = "src-{release}"', 'kind = "dir"', f'path = "{(root / f"r{release}").as_posix()}"',
            'licence = "Apache-2.0"', f'released = "2026-0{release + 1}-01"', "", "[[family]]", 'name = "line_a"',
            'include = ["*.py"]', f'org = "{orgs[0]}"', 'first_seen = "2024-01-01"', ""]))
    end = attention.index("        return ", attention.index("    def forward"))
    lines = ["[source]", 'name = "others"', 'kind = "dir"', f'path = "{(root / "others").as_posix()}"',
             'licence = "Apache-2.0"', 'released = "2026-01-01"', ""]
    for i, org in enumerate(orgs[1:], start=1):  # six more makers' lines: the same forward, a few lines more
        (root / "others" / f"line_{i}").mkdir(parents=True)
        theirs = attention[:end] + own_code(3, seed=100 + i) + attention[end:]
        (root / "others" / f"line_{i}" / f"modeling_line_{i}.py").write_text(f"# Copyright 2025 {org}\n\n{head}{theirs}\n")
        lines += ["[[family]]", f'name = "line_{i}"', f'include = ["line_{i}/*.py"]', f'org = "{org}"',
                  f'first_seen = "2024-0{i + 1}-01"', ""]
    manifests.append(tmp_path / "others.toml")
    manifests[-1].write_text("\n".join(lines))
    api.build(manifests, tmp_path / "shr.lineage", workers=1)
    index = api.open_index(tmp_path / "shr.lineage")
    _, size = _attention_forward(attention, "")

    def forward(added: str) -> Finding:
        text, _ = _attention_forward(attention, added)
        result, _ = api.scan_files([SourceFile("acme/model.py", text.encode())], index, Config(), target="t")
        (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "Block.forward"]
        return f

    plain, extended = forward(""), forward(own_code(3 * size))
    assert plain.severity == "low" and plain.details.holders >= SCORING.shared_by  # type: ignore[union-attr]
    assert held_whole(extended.matches[0]) and extended.matches[0].similarity < 0.4, extended.matches[0]
    assert extended.severity == "low" and extended.details.holders >= SCORING.shared_by  # type: ignore[union-attr]


def test_an_exhibit_reads_a_copy_extended_as_the_scan_does(copies, headers, built_index, tmp_path) -> None:
    """`verify` held an extended copy's strength (the extension's) against the corpus: the more code
    was added, the more lines seemed to hold "the same code" (a stranger's review: high, medium,
    then low at three times the reference's size), and its notice went unjudged.  It counts the
    lines holding what the unit holds whole, and judges the notice, as the scan does."""
    from click.testing import CliRunner

    from lineage.cli.main import cli
    from tests.classify.conftest import MODEL
    from tests.fixture_notices import with_notice

    (tmp_path / "reference.py").write_text(with_notice(MODEL))
    _, size = _attention_forward(copies.attention_moe, "")
    grown, _ = _attention_forward(copies.attention_moe, own_code(3 * size))
    (tmp_path / "suspect.py").write_text(copies.with_header(grown, *headers["replaced"]))
    done = CliRunner().invoke(cli, ["verify", str(tmp_path / "suspect.py"), "--against", str(tmp_path / "reference.py"),
                                    "--index", str(built_index), "--format", "json", "-o", str(tmp_path / "x.json")])
    exhibit = json.loads((tmp_path / "x.json").read_text())
    (m,) = [m for m in exhibit["matches"] if m["unit"] == "Block.forward"]
    assert m["severity"] == "medium" and m["attribution"] == "replaced", (m, done.output)
    assert m["verdict"].startswith("core-architecture copy, extended,")


def test_a_unit_s_window_candidates_are_its_own_whatever_is_looked_up_with_it(index, copies) -> None:
    """Each unit's windows propose its own candidates only, looked up alone or beside others (its list
    had run on into the next unit's, so a unit's matches depended on the files scanned with it, and a
    scan's results on how its files were shared between workers: a stranger's review)."""
    import numpy as np

    from lineage.config import Config
    from lineage.index.windows import PER_UNIT, window_candidates
    from lineage.models import SourceFile
    from lineage.pipeline.match import fingerprint_files

    source = copies.attention_moe
    start = source.index("    def forward", source.index("class AcmeLMAttention"))
    end = source.index("        return ", start)
    grown = source[:end] + own_code(3 * source[start:end].count("\n")) + source[end:]
    other = source[:end] + own_code(2 * source[start:end].count("\n"), seed=7) + source[end:]
    files = [SourceFile("a/grown.py", grown.encode()), SourceFile("a/other.py", other.encode()),
             SourceFile("a/own.py", ("def mix(out):\n" + own_code(120, seed=5) + "    return out\n").encode())]
    units = [u for cf in fingerprint_files(files, Config(workers=1)) for u in cf.units]

    def windows(some: list) -> dict[int, np.ndarray]:
        return window_candidates(some, index.candidates, np.diff(index.arrays["s_off"]),
                                 index.family_line[index.unit_family], index.params.num_perm, index.params.seed)

    together = windows(units)
    alone = {i: windows([u]).get(0) for i, u in enumerate(units)}
    assert len([i for i in together if together[i].size]) >= 2  # (several units proposed some: the case at stake)
    assert set(together) == {i for i, found in alone.items() if found is not None}
    for i, found in together.items():
        assert found.tolist() == alone[i].tolist() and found.size <= PER_UNIT
        assert len(set(found.tolist())) == found.size
