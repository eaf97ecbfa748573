"""The infrastructure role (issue 19): training and serving machinery is permitted tool use.

The reference index holds two families of our own writing: ``trainkit`` (data/infra: an
optimiser, a schedule, a collator, a trainer, a launcher, and a helper that only the manifest's
``role = "infrastructure"`` labels) and ``glm4_moe`` (the modeling file the other classify tests
use).  A renamed copy of each is scanned together: the trainer copy is infrastructure, at most
low, and the summary and every report show it apart; the copied attention stays a
core-architecture copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.scoring import SCORING

from lineage.compact.roles import INFRA, classify
from lineage.config import Config
from lineage.errors import ManifestError
from lineage.index.manifest import is_infrastructure, load_manifest
from lineage.models import Finding, ScanResult, SourceFile
from lineage.report import Format, render

DATA = Path(__file__).parent / "data"
TRAINKIT = DATA / "infra" / "trainkit"
MODEL = DATA / "glm4_moe" / "modeling_glm4_moe.py"
NAMES = {"SimpleTrainer": "LoopRunner", "SignMomentumOptimizer": "SignOptimizer", "model": "net",
         "loss": "objective", "batch": "mb", "round_robin_slice": "spread_items", "picked": "mine",
         "items": "seq", "cosine_warmup_lr_schedule": "warm_cosine_lr_schedule"}
INFRA_UNITS = ("SignOptimizer.step", "LoopRunner.train_step", "LoopRunner.train_epoch",
               "LoopRunner.save_checkpoint", "PaddedBatchCollator.__call__", "launch", "warm_cosine_lr_schedule")

MANIFEST = """
[source]
name = "h19"
kind = "dir"
path = "{root}"
licence = "Apache-2.0"
released = "2026-01-01"

[[family]]
name = "trainkit"
include = ["trainkit/*.py"]
org = "ByteDance"
role = "infrastructure"
first_seen = "2025-01-01"

[[family]]
name = "glm4_moe"
include = ["glm4_moe/*.py"]
org = "Zhipu AI"
first_seen = "2025-07-28"
"""


@pytest.fixture(scope="module")
def infra_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from lineage import api

    root = tmp_path_factory.mktemp("infra-ref")
    for sub, files in (("trainkit", sorted(TRAINKIT.glob("*.py"))), ("glm4_moe", [MODEL])):
        (root / sub).mkdir()
        for f in files:
            (root / sub / f.name).write_bytes(f.read_bytes())
    manifest = root / "h19.toml"
    manifest.write_text(MANIFEST.format(root=root.as_posix()), encoding="utf-8")
    out = tmp_path_factory.mktemp("infra-index") / "h19.lineage"
    report = api.build([manifest], out, workers=1)
    assert report.families == 2 and not report.errors
    return api.open_index(out)


@pytest.fixture(scope="module")
def result(infra_index, oracle, copies) -> ScanResult:  # type: ignore[no-untyped-def]
    from lineage import api

    files = {
        "acme/loop.py": oracle.rename((TRAINKIT / "trainer.py").read_text(encoding="utf-8"), NAMES, ()),
        "acme/shards.py": oracle.rename((TRAINKIT / "helpers.py").read_text(encoding="utf-8"), NAMES, ()),
        "acme/modeling_acme.py": copies.attention_moe,
        "acme/tp.py": (TRAINKIT / "parallel.py").read_text(encoding="utf-8").replace("Sharded", "Split"),
    }
    sources = [SourceFile(p, t.encode("utf-8")) for p, t in files.items()]
    scanned, _ = api.scan_files(sources, infra_index, Config(), target="infra-cases")
    return scanned


def code(result: ScanResult, unit: str) -> Finding:
    found = [f for f in result.findings if f.kind == "code-match" and f.unit == unit]
    assert len(found) == 1, [(f.path, f.unit) for f in result.findings if f.kind == "code-match"]
    return found[0]


@pytest.mark.parametrize("unit", INFRA_UNITS)
def test_copied_trainer_optimiser_and_launcher_are_infrastructure(result: ScanResult, unit: str) -> None:
    f = code(result, unit)
    assert f.role == INFRA, f.details.role_features
    assert f.severity in ("low", "info")
    assert f.matches[0].ref.family == "h19:trainkit"
    if f.severity == "low":
        assert f.details.verdict.startswith("uses the training and serving infrastructure of trainkit")
        assert "permitted tool use" in f.explanation


def test_manifest_role_labels_units_the_rules_cannot(result: ScanResult) -> None:
    """The helper's own name, calls and path say nothing: its role comes from the reference
    unit, which the manifest labelled infrastructure in the index."""
    assert classify("round_robin_slice", (), "picked.append(items[position])", "trainkit/helpers.py").role is None
    f = code(result, "spread_items")
    assert f.details.unit_role is None
    assert f.details.reference_role == INFRA
    assert f.role == INFRA and f.severity == "low"


def test_a_reference_labelled_infrastructure_outranks_the_units_own_features(result: ScanResult) -> None:
    """A framework's tensor-parallel attention projection reads as a model's by its names and calls;
    copied from a family the manifest labels infrastructure, it is use of that framework."""
    f = code(result, "SplitAttentionProjection.forward")
    assert f.details.unit_role == "core-architecture"
    assert f.matches[0].ref.family == "h19:trainkit"
    assert f.role == INFRA and f.severity == "low"
    assert result.summary.files["acme/tp.py"].verdict.startswith("uses the training and serving infrastructure")


def test_copied_attention_stays_a_core_copy(result: ScanResult) -> None:
    for unit in ("AcmeLMAttention.forward", "AcmeLMRouter.forward"):
        f = code(result, unit)
        assert f.role == "core-architecture"
        assert f.severity in ("high", "medium")
        assert f.matches[0].ref.family == "h19:glm4_moe"


def test_summary_shows_infrastructure_apart(result: ScanResult) -> None:
    infra = result.summary.infrastructure
    mine = [f for f in result.findings if f.kind == "code-match" and f.role == INFRA]
    judged = [f for f in mine if f.matches[0].shared >= SCORING.min_evidence]  # (fragments are not counted)
    assert infra.findings == len(judged) >= len(INFRA_UNITS)
    assert set(infra.by_family) == {"h19:trainkit"}
    assert result.summary.by_role[INFRA].findings == len(mine)
    assert not any(f.severity in ("high", "medium") for f in mine)
    files = result.summary.files
    assert files["acme/loop.py"].verdict.startswith("uses the training and serving infrastructure of trainkit")
    assert files["acme/modeling_acme.py"].verdict.startswith("core-architecture copy of glm4_moe")


@pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN, Format.HTML])
def test_human_reports_show_the_infrastructure_section(result: ScanResult, fmt: Format) -> None:
    out = render(result, fmt)
    marker = "infrastructure (permitted tool use"
    if fmt == Format.MARKDOWN:
        marker = "infrastructure \\(permitted tool use"
    assert marker in out
    assert "h19:trainkit" in out


@pytest.mark.parametrize(("fmt", "path"), [(Format.JSON, ("summary",)), (Format.SARIF, ("runs", 0, "properties", "summary"))])
def test_machine_reports_carry_the_infrastructure_section(result: ScanResult, fmt: Format, path: tuple[object, ...]) -> None:
    node = json.loads(render(result, fmt))
    for key in path:
        node = node[key]
    assert node["infrastructure"]["findings"] >= len(INFRA_UNITS)
    assert "permitted tool use" in node["infrastructure"]["note"]


def test_manifest_infrastructure_globs_and_refusals(tmp_path: Path) -> None:
    base = MANIFEST.format(root=tmp_path.as_posix()).replace('role = "infrastructure"\n', "")
    ok = tmp_path / "ok.toml"
    ok.write_text(base + '\n[[infrastructure]]\ninclude = ["glm4_moe/train_*.py"]\n', encoding="utf-8")
    m = load_manifest(ok)
    model = next(f for f in m.families if f.name == "glm4_moe")
    assert is_infrastructure("glm4_moe/train_zeta.py", m, model)
    assert not is_infrastructure("glm4_moe/modeling_glm4_moe.py", m, model)
    for bad in (base.replace('name = "trainkit"', 'name = "trainkit"\nrole = "core-architecture"'),
                base + "\n[[infrastructure]]\ninclude = []\n", 'infrastructure = "x"\n' + base):
        path = tmp_path / "bad.toml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ManifestError):
            load_manifest(path)


@pytest.mark.parametrize(("qualname", "bases", "text", "path", "role"), [
    # a trainer method: name, base class, calls and path all say infrastructure
    ("SFTTrainer.training_step", ("Trainer",), "loss.backward()\nself.optimizer.step()", "pkg/trainer/sft.py", INFRA),
    ("Lion", ("torch.optim.Optimizer",), "", "pkg/optim/lion.py", INFRA),
    ("pad_collate", (), "torch.full(shape, pad)", "pkg/utils.py", INFRA),
    # tensor-parallel model code stays architecture: a collective inside an MoE forward
    ("MoE.forward", ("nn.Module",), "y = self.experts(x)\ndist.all_reduce(y)", "inference/model.py",
     "core-architecture"),
    ("RowParallelLinear.forward", ("nn.Module",), "output = tensor_model_parallel_all_reduce(output_parallel)",
     "vllm/model_executor/layers/linear.py", "core-architecture"),
    ("DeepseekV2MoE.forward", ("nn.Module",), "final = self.experts(h)\ntorch.distributed.all_reduce(final)",
     "vllm/model_executor/models/deepseek_v2.py", "core-architecture"),
    # at the margin: attention (+4 core) against dataset (+5 infrastructure) leads by 1 < 2
    ("attention_dataset", (), "", "pkg/a.py", None),
    # one infrastructure call (+2) against nothing leads by exactly the margin
    ("run", (), "engine = deepspeed.initialize(model)", "pkg/a.py", INFRA),
    # ... and against one core call (+1) it does not
    ("run", (), "engine = deepspeed.initialize(model)\nx = F.silu(x)", "pkg/a.py", None),
    # a weight loader in a training framework's directory stays glue (+5 against +3) ...
    ("Model.load_weights", (), "w = state[name]", "pkg/trainer/model.py", "inference-glue"),
    # ... until an infrastructure call ties them (+5 against +3 +2)
    ("Model.load_weights", (), "w = state[name]\ndeepspeed.zero.GatheredParameters(p)", "pkg/trainer/model.py", None),
])
def test_role_table_at_the_margin(qualname: str, bases: tuple[str, ...], text: str, path: str,
                                  role: str | None) -> None:
    decision = classify(qualname, bases, text, path)
    assert decision.role == role, (decision.scores, decision.features)
