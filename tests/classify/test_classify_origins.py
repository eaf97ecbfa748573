"""A reference that credits where its code came from (its header names the origin's repository, or
its notice keeps the origin's holder) is no source of that origin's own file: scanned, the
origin's file (whose notice names the credited maker) is not "a copy of the reference, notice
replaced" at high, but that maker's code, with the reference's missing notice a low finding that
says code cannot tell the direction.  A third party's copy is judged as before."""

from __future__ import annotations

import pytest

from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, ScanResult
from tests.classify.test_classify_elder import COPY, HEAD, OLD, build, scan

# wave's own code in this index: nothing like the attention both files hold
WAVE = HEAD + '''
def wave_schedule(step, warmup, total):
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
'''
BORROWED = "# Part of this implementation is borrowed and modified from Widget,\n" \
           "# publicly available at https://github.com/facebookresearch/widget\n"
META = "# Copyright (c) Meta Platforms, Inc. and affiliates.\n"
ACME = "# Copyright 2024 Acme Inc.\n"


def origin_file(header: str) -> str:
    """The attention as its origin wrote it, under the given header."""
    return header + HEAD + OLD.replace("Wave", "Widget")


@pytest.fixture(scope="module")
def credited(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple (Alibaba DAMO Academy) says it borrowed the attention from Meta's repository."""
    return build(tmp_path_factory, "orig", WAVE, BORROWED + HEAD + OLD.replace("Wave", "Ripple"))


@pytest.fixture(scope="module")
def uncredited(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same, but ripple names no origin."""
    return build(tmp_path_factory, "nocr", WAVE, HEAD + OLD.replace("Wave", "Ripple"))


MICROSOFT = "# Copyright 2021 Microsoft Corporation.\n"


@pytest.fixture(scope="module")
def vendoring(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file is code it vendors: its notice names Microsoft, not ripple's maker."""
    return build(tmp_path_factory, "vend", WAVE, HEAD + OLD.replace("Wave", "Ripple"), ripple_holder=MICROSOFT)


@pytest.fixture(scope="module")
def lineage_lines(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's notice names its maker, and Microsoft's line of its ancestry beside it."""
    return build(tmp_path_factory, "line", WAVE, MICROSOFT + HEAD + OLD.replace("Wave", "Ripple"))


def notices(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.kind == "notice" and f.attribution in ("removed", "replaced")]


def above_low(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.severity in ("medium", "high")]


def test_the_credited_origins_own_file_is_not_a_copy_of_the_reference(credited: EmbeddedIndex) -> None:
    result = scan(credited, origin_file(META))
    assert not above_low(result)
    code = [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("WidgetAttention")]
    assert code and {f.attribution for f in code} == {"own"}
    (notice,) = notices(result)
    assert notice.severity == "low" and notice.attribution == "replaced"
    assert "facebookresearch/widget" in notice.explanation and "cannot tell the direction" in notice.explanation
    verdict = result.summary.files[COPY].verdict
    assert verdict.startswith("code of Meta, whom the reference credits with it") and "orig:ripple" not in verdict


def test_a_third_partys_copy_of_the_credited_reference_is_still_a_copy(credited: EmbeddedIndex) -> None:
    result = scan(credited, origin_file(ACME))
    assert any(f.severity == "high" and f.attribution == "replaced" for f in notices(result))
    assert "notice replaced" in result.summary.files[COPY].verdict


def test_without_the_credit_the_same_file_reads_as_a_copy(uncredited: EmbeddedIndex) -> None:
    # the control: what the credit changes, and nothing else does
    result = scan(uncredited, origin_file(META))
    assert any(f.severity == "high" and f.attribution == "replaced" for f in notices(result))


def test_vendored_code_under_its_holders_notice_is_that_holders_code(vendoring: EmbeddedIndex) -> None:
    # the reference names Microsoft and not its maker: the code is Microsoft's, not "a
    # core-architecture copy of ripple (Alibaba)" at high
    result = scan(vendoring, origin_file("# Copyright (c) Microsoft Corporation.\n"))
    assert not above_low(result)
    assert result.summary.files[COPY].verdict.startswith("code of Microsoft")


def test_a_kept_line_of_the_references_ancestry_credits_no_one(lineage_lines: EmbeddedIndex) -> None:
    # the Upstage shape: a copy keeps the EleutherAI line of GLM's header and drops Zhipu's
    result = scan(lineage_lines, origin_file("# Copyright (c) Microsoft Corporation.\n# Copyright 2025 Acme Inc.\n"))
    assert any(f.severity in ("medium", "high") and f.details.org == "Alibaba DAMO Academy"  # type: ignore[union-attr]
               for f in notices(result))
    assert not result.summary.files[COPY].verdict.startswith("code of")


def test_a_frameworks_line_credits_no_one(vendoring: EmbeddedIndex) -> None:
    # a framework publishes everyone's code: naming it is no claim to be the origin
    result = scan(vendoring, origin_file("# Copyright 2024 The HuggingFace Inc. team.\n"))
    assert any(f.severity in ("medium", "high") for f in notices(result))

@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file is Microsoft's code as a framework published it: both names on one line."""
    return build(tmp_path_factory, "publ", WAVE, HEAD + OLD.replace("Wave", "Ripple"),
                 ripple_holder="# Copyright 2021 Microsoft Corporation and The HuggingFace Inc. team.\n")


def test_a_copy_keeping_the_published_line_whole_is_a_retained_copy_not_the_origin(published: EmbeddedIndex) -> None:
    # transformers' llama shape ("EleutherAI and the HuggingFace Inc. team"): the line kept whole,
    # framework and all, is the reference's notice kept, not the credited holder's own file
    kept = scan(published, origin_file("# Copyright 2021 Microsoft Corporation and The HuggingFace Inc. team.\n"))
    verdict = kept.summary.files[COPY].verdict
    assert "notice retained" in verdict and not verdict.startswith("code of"), verdict
    # the credited holder's own file, under its own line alone, is still its own code
    origin = scan(published, origin_file("# Copyright (c) Microsoft Corporation.\n"))
    assert origin.summary.files[COPY].verdict.startswith("code of Microsoft")
    assert not above_low(origin)


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file is a framework's port of its maker's model: both names in its notice."""
    return build(tmp_path_factory, "port", WAVE, HEAD + OLD.replace("Wave", "Ripple"),
                 ripple_holder="# Copyright 2022 Alibaba DAMO Academy and The HuggingFace Inc. team.\n")


def licence_severities(result: ScanResult) -> list[str]:
    return [f.severity for f in result.findings if f.kind == "licence"]


def test_the_makers_own_file_against_a_frameworks_port_of_it_is_its_own_code(ported: EmbeddedIndex) -> None:
    # the maker's original (MIT, the maker's notice alone) against the framework's Apache-2.0 port:
    # neither a HIGH "copy, notice retained" nor a licence breach
    mine = "# Copyright 2022 Alibaba DAMO Academy.\n# SPDX-License-Identifier: MIT\n"
    result = scan(ported, origin_file(mine))
    assert not above_low(result)
    code = [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("WidgetAttention")]
    assert code and {f.attribution for f in code} == {"own"}
    assert result.summary.files[COPY].verdict.startswith("own model code")


def test_a_copy_keeping_the_frameworks_notice_too_is_a_retained_copy(ported: EmbeddedIndex) -> None:
    # the port's notice kept whole: a compliant copy of the port, not the maker's original
    kept = "# Copyright 2022 Alibaba DAMO Academy and The HuggingFace Inc. team.\n"
    result = scan(ported, origin_file(kept))
    assert "notice retained" in result.summary.files[COPY].verdict
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in result.findings)


def test_a_third_partys_relicensed_copy_of_the_port_is_a_licence_breach(ported: EmbeddedIndex) -> None:
    result = scan(ported, origin_file("# Copyright 2024 Acme Inc.\n# SPDX-License-Identifier: MIT\n"))
    assert "medium" in licence_severities(result)


def test_keeping_only_the_makers_line_is_no_credit(lineage_lines: EmbeddedIndex) -> None:
    # the maker made the reference's model, but dropping the other holder's line is a removal:
    # crediting the maker rewarded dropping notices
    result = scan(lineage_lines, origin_file("# Copyright 2022 Alibaba DAMO Academy.\n"))
    assert any(f.severity in ("medium", "high") and f.attribution == "removed" for f in notices(result))
    assert not result.summary.files[COPY].verdict.startswith("code of")


@pytest.fixture(scope="module")
def marked_below(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple names Meta's repository in a marker below its header, over one part of the file."""
    body = HEAD + "# Adapted from https://github.com/facebookresearch/widget/blob/main/norm.py\n" \
        + OLD.replace("Wave", "Ripple")
    return build(tmp_path_factory, "mark", WAVE, body)


def test_a_marker_below_the_header_credits_no_one(marked_below: EmbeddedIndex) -> None:
    # the index keeps markers without saying which part they cover: a Meta line on the rest passed
    result = scan(marked_below, origin_file(META))
    assert any(f.severity == "high" and f.attribution == "replaced" for f in notices(result))


def test_a_fork_naming_the_maker_beside_itself_owes_a_low_licence_finding(ported: EmbeddedIndex) -> None:
    # the maker's notice and the forker's: a fork of the maker's original (under the maker's
    # licence) or a relicensed copy of the port; code cannot tell, so the licence finding is low
    both = "# Copyright 2022 Alibaba DAMO Academy.\n# Copyright 2024 Acme Inc.\n# SPDX-License-Identifier: MIT\n"
    result = scan(ported, origin_file(both))
    assert licence_severities(result) == ["low"]
    licence = next(f for f in result.findings if f.kind == "licence")
    assert "the maker of ripple" in licence.explanation and "may be a port of it" in licence.explanation


# ripple's own code beside what it borrowed: the origin's file is then no copy of ripple's file as a whole
RIPPLE_OWN = '''

def ripple_bucket_lengths(lengths, buckets, pad_to=8):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    groups = [[] for _ in range(buckets)]
    for rank, i in enumerate(order):
        groups[rank * buckets // max(1, len(order))].append(i)
    sizes = [max((lengths[i] for i in g), default=0) for g in groups]
    return groups, [((s + pad_to - 1) // pad_to) * pad_to for s in sizes]


def ripple_label_smoothing(logits, target, eps, ignore_index=-100):
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    nll = -log_probs.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    smooth = -log_probs.mean(dim=-1)
    loss = (1.0 - eps) * nll + eps * smooth
    keep = target != ignore_index
    return (loss * keep).sum() / keep.sum().clamp(min=1)


def ripple_schedule(step, warmup, hold, decay, floor=0.05):
    if step < warmup:
        return (step + 1) / warmup
    if step < warmup + hold:
        return 1.0
    done = min(1.0, (step - warmup - hold) / max(1, decay))
    return floor + (1.0 - floor) * (1.0 - done) ** 2


def ripple_merge_vocab(base, extra, reserved=("<pad>", "<unk>", "<s>", "</s>")):
    merged = {tok: i for i, tok in enumerate(reserved)}
    for table in (base, extra):
        for tok in sorted(table, key=lambda t: (table[t], t)):
            if tok not in merged:
                merged[tok] = len(merged)
    inverse = [None] * len(merged)
    for tok, i in merged.items():
        inverse[i] = tok
    return merged, inverse


def ripple_average_checkpoints(states, weights=None):
    weights = weights or [1.0 / len(states)] * len(states)
    total = sum(weights)
    out = {}
    for key in states[0]:
        acc = None
        for state, w in zip(states, weights):
            part = state[key].float() * (w / total)
            acc = part if acc is None else acc + part
        out[key] = acc.to(states[0][key].dtype)
    return out
'''


# the origin's own code beside the attention ripple borrowed from it (the origin's file holds more than ripple took)
WIDGET_OWN = '''

def widget_shard_sizes(total, parts, align=64):
    base = (total // parts) // align * align
    sizes = [base] * parts
    left = total - base * parts
    i = 0
    while left > 0:
        step = min(align, left)
        sizes[i % parts] += step
        left -= step
        i += 1
    return sizes


def widget_gradient_norm(parameters, norm_type=2.0, eps=1e-6):
    grads = [p.grad.detach().float() for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    if norm_type == float("inf"):
        return max(g.abs().max() for g in grads)
    total = torch.stack([g.norm(norm_type) for g in grads]).norm(norm_type)
    return total.clamp(min=eps)


def widget_beam_step(scores, lengths, beam, alpha=0.6):
    penalty = ((5.0 + lengths.float()) / 6.0) ** alpha
    flat = (scores / penalty).view(scores.size(0), -1)
    top, index = flat.topk(beam, dim=-1)
    return top * penalty.view(scores.size(0), -1).gather(-1, index % penalty.size(-1)), index
'''


@pytest.fixture(scope="module")
def credited_part(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple borrowed the attention from Meta's repository and wrote more of its own around it."""
    return build(tmp_path_factory, "part", WAVE, BORROWED + HEAD + OLD.replace("Wave", "Ripple") + RIPPLE_OWN)


@pytest.mark.parametrize("header", [
    META + "# Copyright 2024 Acme Robotics Corp.\n",  # a copier's name beside the origin's, or the other way round
    META + "\n# Modifications copyright (c) 2025 Acme Robotics Corp.\n",  # a modifier marking its changes
    "# Copyright 2025 Acme Robotics Corp.\n# Adapted from Widget (https://github.com/facebookresearch/widget).\n",
])
def test_the_credited_origin_named_beside_others_is_neither_cleared_nor_convicted(credited_part: EmbeddedIndex,
                                                                                  header: str) -> None:
    """The origin's line (or its repository, named by the file's own provenance sentence) beside
    another holder's: the file may hold the origin's code as the reference does, changed by that
    holder (torchscale's fairseq translation model under Microsoft's and Facebook's lines read as a
    high copy of ModelScope's CANMT, which credits fairseq: a stranger's review), or be the
    reference's copy keeping the origin's line.  Code cannot tell which without the origin's own
    file: low, said so, never "not a copy"."""
    result = scan(credited_part, origin_file(header) + WIDGET_OWN)
    assert not above_low(result)
    code = [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("WidgetAttention")]
    assert code and all(f.severity == "low" and f.attribution == "own" for f in code)
    assert all("Acme Robotics Corp" in f.explanation and "cannot tell" in f.explanation for f in code)
    verdict = result.summary.files[COPY].verdict
    assert verdict.startswith("code of Meta") and "Acme Robotics Corp" in verdict and "not a copy" not in verdict


@pytest.mark.parametrize("header", [META + "# Copyright 2024 Acme Robotics Corp.\n",
                                    "# Copyright 2025 Acme Robotics Corp.\n"
                                    "# Adapted from Widget (https://github.com/facebookresearch/widget).\n"])
def test_the_reference_s_whole_file_beside_the_origin_s_line_is_the_reference_s_copy(credited_part: EmbeddedIndex,
                                                                                       header: str) -> None:
    """The reference's file whole, its own code and all, is the reference's, whatever origin it
    credits for part of it: one added line must not launder a copy (a stranger's review: verbatim
    copies of litgpt's, timm's and transformers' files under Acme's notice and an origin's line
    read low, exit 0)."""
    whole = header + HEAD + OLD.replace("Wave", "Widget") + RIPPLE_OWN.replace("ripple_", "widget_")
    result = scan(credited_part, whole)
    assert any(f.severity == "high" and f.attribution == "replaced" for f in notices(result))
    assert not result.summary.files[COPY].verdict.startswith("code of Meta")


def test_a_provenance_sentence_naming_another_origin_credits_nothing(credited: EmbeddedIndex) -> None:
    header = "# Copyright 2025 Acme Robotics Corp.\n# Adapted from Gadget (https://github.com/google/gadget).\n"
    result = scan(credited, origin_file(header))
    assert any(f.severity == "high" and f.attribution == "replaced" for f in notices(result))


@pytest.fixture(scope="module")
def unheld(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file names no holder (an engine's port under the engine's notice only)."""
    return build(tmp_path_factory, "none", WAVE, HEAD + OLD.replace("Wave", "Ripple"), ripple_holder="")


def test_the_makers_own_notice_alone_makes_its_own_code(unheld: EmbeddedIndex) -> None:
    result = scan(unheld, origin_file("# Copyright 2022 Alibaba DAMO Academy.\n"))
    assert not above_low(result) and result.summary.files[COPY].verdict.startswith("own model code")


@pytest.mark.parametrize("header", [
    "# Copyright 2024 Acme Robotics Corp. and Alibaba DAMO Academy.\n",  # a name the table does not know
    "# Copyright 2025 Tencent. All rights reserved.\n# Copyright 2022 Alibaba DAMO Academy.\n",  # a second company
])
def test_a_copier_adding_its_name_beside_the_makers_is_no_owner(unheld: EmbeddedIndex, header: str) -> None:
    # the maker named beside the copier made "own model code, not a copy" of a whole engine file
    result = scan(unheld, origin_file(header))
    assert above_low(result) and not result.summary.files[COPY].verdict.startswith("own model code")


APPLE = "# Copyright © 2023 Apple Inc.\n"
PORTS = {"wave": ("Meta", OLD), "schedule": ("Google", WAVE[len(HEAD):]),
         "gate": ("Alibaba Qwen", OLD.replace("Wave", "Gate").replace("self.k_norm(k)", "k"))}


@pytest.fixture(scope="module")
def apple_ports(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """A port source (Apple's, as mlx-lm is): every maker's model under the porter's notice alone."""
    from lineage import api

    root = tmp_path_factory.mktemp("ports-ref")
    lines = ["[source]", 'name = "ports"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "MIT"',
             'released = "2026-01-01"', ""]
    for name, (org, body) in PORTS.items():
        (root / name).mkdir()
        (root / name / f"{name}.py").write_text(APPLE + HEAD + body, encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                  'first_seen = "2023-01-01"', ""]
    (root / "ports.toml").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp("ports-index") / "ports.lineage"
    assert not api.build([root / "ports.toml"], out, workers=1).errors
    return api.open_index(str(out))


def test_a_copy_keeping_a_porters_notice_is_a_copy_not_the_porters_own_code(apple_ports: EmbeddedIndex) -> None:
    """The porter's notice heads every maker's port: it credits no origin, so a renamed copy keeping
    it is a copy with its notice retained (a copy of mlx-lm's llama under Apple's line passed as
    "code of Apple, whom the reference credits with it: not a copy")."""
    result = scan(apple_ports, APPLE + HEAD + OLD.replace("Wave", "Acme"))
    verdict = result.summary.files[COPY].verdict
    assert not verdict.startswith("code of Apple"), verdict
    assert "copy of wave (Meta" in verdict and "notice retained" in verdict, verdict
    assert above_low(result)


def test_the_porter_given_as_owner_holds_its_own_ports(apple_ports: EmbeddedIndex) -> None:
    """The porter scanning its own port with --owner: its own code, not a copy of the model's maker."""
    from lineage.api import scan_files
    from lineage.config import Config
    from lineage.models import SourceFile

    result, _ = scan_files([SourceFile(COPY, (APPLE + HEAD + OLD).encode())], apple_ports,
                           Config(workers=1, owner=("Apple",)))
    assert not above_low(result), [(f.unit, f.severity) for f in above_low(result)]
    assert {f.attribution for f in result.findings if f.kind == "code-match"} == {"own"}
    assert result.summary.files[COPY].verdict.startswith("own model code"), result.summary.files[COPY].verdict


# the origin's attention as it evolved after the reference vendored it: its constructor rewritten,
# its forward pass grown, so that the reference holds it in part only (no notice judged on it)
EVOLVED_INIT = '''import math

class WidgetAttention(nn.Module):
    def __init__(self, config, layer_idx: int = 0):
        super().__init__()
        self.layer_idx = layer_idx
        self.config = config
        self.heads = int(config.num_heads)
        self.width = config.hidden_size // self.heads
        self.scale = 1.0 / math.sqrt(self.width)
        self.qkv = nn.Linear(config.hidden_size, config.hidden_size * 3, bias=getattr(config, "qkv_bias", True))
        self.out = nn.Linear(config.hidden_size, config.hidden_size, bias=True)
        self.drop = nn.Dropout(getattr(config, "attention_dropout", 0.0))
        self.q_norm = WidgetNorm(self.width, eps=getattr(config, "norm_eps", 1e-6))
        self.k_norm = WidgetNorm(self.width, eps=getattr(config, "norm_eps", 1e-6))

'''
EVOLVED = EVOLVED_INIT + OLD[OLD.index("    def forward"):].replace(
    "use_cache=False):\n", "use_cache: bool = False):\n        if isinstance(hidden, tuple):\n            hidden = hidden[0]\n").replace(
    "        q, k = self.q_norm(q), self.k_norm(k)\n",
    "        q, k = self.q_norm(q), self.k_norm(k)\n        if self.training and self.config.get(\"noise\", 0.0) > 0:\n"
    "            q = q + torch.randn_like(q) * self.config[\"noise\"]\n"
    "            k = k + torch.randn_like(k) * self.config[\"noise\"]\n").replace(
    "torch.softmax(", "F.softmax(").replace(
    "        return self.out(out), present\n",
    "        out = self.out(out)\n        if not use_cache:\n            return out, None\n        return out, present\n")


@pytest.mark.parametrize(("header", "cleared"), [("# Copyright (c) Microsoft Corporation.\n", True),
                                                 ("# Copyright 2024 Acme Inc.\n", False)])
def test_the_credited_origins_evolved_file_is_not_a_partial_copy(vendoring: EmbeddedIndex, header: str,
                                                                  cleared: bool) -> None:
    """Less likeness cannot mean more guilt (a stranger's review: DeepSpeed's own MoE layer, evolved
    since ModelScope vendored it, read as a medium partial copy of ModelScope's; a verbatim copy of
    ModelScope's file under DeepSpeed's header was credited).  A third party's file, the control,
    stays a partial copy."""
    result = scan(vendoring, header + HEAD + EVOLVED)
    (forward,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "WidgetAttention.forward"]
    assert not notices(result), "a partial likeness judges no notice"
    if cleared:
        assert forward.attribution == "own" and forward.severity == "info" and not above_low(result)
        assert "cannot tell the direction" in forward.details.attribution_explanation  # type: ignore[union-attr]
        assert result.summary.files[COPY].verdict.startswith("code of Microsoft, whom the reference credits")
    else:
        assert forward.severity == "medium" and forward.attribution is None
        assert "partial copy of ripple" in result.summary.files[COPY].verdict


ELEUTHER = "# Copyright 2022 EleutherAI and the HuggingFace Inc. team. All rights reserved.\n"


def unique_helper(i: int) -> str:
    """A function of a family's own, unlike the others'."""
    ops = ["+", "-", "*", "//"][i]
    return (f"def helper_{i}(items, scale):\n    total = 0\n    for n, item in enumerate(items):\n"
            f"        total = total {ops} item * scale ** n\n    return [total] * {i + 2}\n")


@pytest.fixture(scope="module")
def lineage_headed(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """An engine's ports of three makers' models, each headed by the line of their common ancestry,
    as vLLM's llama-derived files are ("EleutherAI and the HuggingFace Inc. team"), beside four
    more makers' ports under their own lines (the line heads fewer than half the engine's files: no
    publisher's line, `publishes`)."""
    from lineage import api

    root = tmp_path_factory.mktemp("eng-ref")
    makers = {"ripple": "Alibaba DAMO Academy", "brook": "Mistral AI", "creek": "Zhipu AI"}
    lines = ["[source]", 'name = "eng"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    for i, (name, org) in enumerate(makers.items()):
        (root / name).mkdir()
        body = HEAD + OLD.replace("Wave", name.capitalize()) + f"\n\ndef {name}_only(x):\n    return x * {i + 2}\n"
        (root / name / f"{name}.py").write_text(ELEUTHER + body, encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                  f'first_seen = "2024-0{i + 1}-01"', ""]
    for i, org in enumerate(("Google", "Meta", "Microsoft", "NVIDIA")):
        name = f"own{i}"
        (root / name).mkdir()
        (root / name / f"{name}.py").write_text(f"# Copyright 2024 {org}.\n" + unique_helper(i), encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                  'first_seen = "2024-06-01"', ""]
    manifest = root / "eng.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp("eng-index") / "eng.lineage"
    assert not api.build([manifest], out, workers=1).errors
    return api.open_index(str(out))


@pytest.mark.parametrize("evolved", [False, True])
def test_the_line_of_a_common_ancestry_credits_no_one(lineage_headed: EmbeddedIndex, evolved: bool) -> None:
    """A copy of one port under "Copyright 2024 EleutherAI." alone is a copy of that port, not
    EleutherAI's code (a stranger's review: vLLM's mixtral.py, whole or in part, passed so, exit 0),
    whether judged as a whole copy or as a partial one."""
    body = EVOLVED if evolved else OLD.replace("Wave", "Widget")
    text = "# Copyright 2024 EleutherAI. All rights reserved.\n" + HEAD + body
    result = scan(lineage_headed, text)
    verdict = result.summary.files[COPY].verdict
    assert above_low(result) and not verdict.startswith("code of"), verdict
    assert not [f for f in result.findings if f.attribution == "own"]
