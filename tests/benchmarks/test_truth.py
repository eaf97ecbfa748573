"""benchmarks/truth.py: declared lineage read from modular files, on a fake layout we write.

The fake ``transformers/models/`` tree below is ours: family ``alpha`` derives from ``beta``,
``gamma``, ``delta``, ``epsilon`` and ``zeta`` through every import form the real modular
files use, and imports configuration, processing, tokenization, ``..auto`` and itself, all of
which must be left out.  The real wheel is only read when lineage's cache already holds it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import truth

MODULAR_ALPHA = '''"""Modular file of the fake alpha family."""
import torch
import transformers.models.zeta.modeling_zeta as zeta_modeling
from torch import nn

from transformers.models.delta.configuration_delta import DeltaConfig
from transformers.models.delta.modeling_delta import DeltaBlock

from ...modeling_utils import PreTrainedModel
from ...models.epsilon.modeling_epsilon import EpsilonDecoder
from ..alpha.modeling_alpha import AlphaOld
from ..auto import AutoModel
from ..beta.configuration_beta import BetaConfig
from ..beta.modeling_beta import BetaAttention, BetaFactory, BetaNorm, beta_cache, beta_rotate, beta_unused
from ..beta.modeling_beta import BetaMLP as BaseMLP
from ..beta.processing_beta import BetaProcessor
from ..eta.modeling_eta import eta_fn
from ..gamma import modeling_gamma
from ..gamma.tokenization_gamma import GammaTokenizer
from .configuration_alpha import AlphaConfig

if torch.cuda.is_available():
    from ..iota.modeling_iota import IotaKernel


class AlphaConfig2(BetaConfig):
    pass


class AlphaAttention(BetaAttention):
    def forward(self, x):
        return beta_rotate(x) + eta_fn(x)


class AlphaCache(BetaAttention):
    store = beta_cache()


class AlphaMLP(BaseMLP):
    factory = BetaFactory


class AlphaNorm(modeling_gamma.GammaNorm):
    pass


class AlphaBlock(DeltaBlock, modeling_gamma.GammaMixin, nn.Module):
    pass


class AlphaDecoder(EpsilonDecoder):
    pass


class AlphaZeta(zeta_modeling.ZetaLayer):
    pass


class AlphaKernel(IotaKernel):
    pass


class AlphaModel(PreTrainedModel):
    norm_class = BetaNorm


class AlphaProcessor(BetaProcessor):
    pass


class AlphaTokenizer(GammaTokenizer):
    pass


class AlphaSelf(AlphaOld):
    pass


class AlphaAuto(AutoModel):
    pass


def helper(x):
    return modeling_gamma.gamma_scale(x)
'''

FILES = {
    "transformers/__init__.py": "",
    "transformers/models/alpha/modular_alpha.py": MODULAR_ALPHA,
    "transformers/models/alpha/modeling_alpha.py": "# generated from modular_alpha.py\n",
    "transformers/models/alpha/modular_alpha_text.py":
        "from ..gamma.modeling_gamma import GammaNorm\n\nclass AlphaTextNorm(GammaNorm):\n    pass\n",
    "transformers/models/alpha/modeling_alpha_text.py": "# generated\n",
    "transformers/models/beta/modeling_beta.py": (
        "class BetaAttention: pass\nclass BetaMLP: pass\nclass BetaNorm: pass\nclass beta_cache: pass\n"
        "def beta_rotate(x): return x\ndef beta_unused(x): return x\ndef BetaFactory(): return 1\n"
        ),
    "transformers/models/gamma/modeling_gamma.py":
        "class GammaNorm: pass\nclass GammaMixin: pass\nasync def unused(): pass\ndef gamma_scale(x): return x\n",
    "transformers/models/eta/modeling_eta.py": "def eta_fn(x):\n    return x\n",
    # modeling_delta/epsilon/zeta/iota are absent on purpose: class bases need no parent file
    "transformers/models/theta/modular_theta.py": "from ..beta.modeling_beta import BetaMLP\n\nclass ThetaMLP(BetaMLP): pass\n",
    "transformers/models/kappa/modular_kappa.py": "from ..beta.modeling_beta import BetaMLP\n\nclass KappaMLP(BetaMLP): pass\n",
    "transformers/models/kappa/modeling_kappa.py": "# generated\n",
}


@pytest.fixture(params=["wheel", "directory", "package directory"])
def fake(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The fake layout as a wheel, as a directory holding transformers/, or as the package dir."""
    if request.param == "wheel":
        wheel = tmp_path / "transformers-0.0.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            for name, text in FILES.items():
                archive.writestr(name, text)
        return wheel
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path if request.param == "directory" else tmp_path / "transformers"


def test_parents_of_the_fake_family(fake: Path) -> None:
    alpha = truth.declared_lineage(fake)["alpha"]
    assert alpha.family == "alpha"
    assert alpha.modular_path == "transformers/models/alpha/modular_alpha.py"
    assert alpha.modeling_path == "transformers/models/alpha/modeling_alpha.py"
    assert alpha.class_parents == {
        "AlphaAttention": ("beta",),
        "AlphaCache": ("beta",),
        "AlphaMLP": ("beta",),  # through the alias BaseMLP
        "AlphaNorm": ("gamma",),  # through `from ..gamma import modeling_gamma`
        "AlphaBlock": ("delta", "gamma"),  # two families, main first; nn.Module is not a family
        "AlphaDecoder": ("epsilon",),  # `from ...models.epsilon.modeling_epsilon import`
        "AlphaZeta": ("zeta",),  # `import transformers.models.zeta.modeling_zeta as`
        "AlphaKernel": ("iota",),  # a module-level import under `if`
    }
    # functions are told from classes by the parent module (beta_cache is a class, BetaFactory
    # a function); unused imports are not copied, so not parents
    assert alpha.function_parents == {
        "BetaFactory": "beta", "beta_rotate": "beta", "eta_fn": "eta", "gamma_scale": "gamma"}
    # by classes derived (beta 3, gamma 2, then ties by name), function-only parents last
    assert alpha.parents == ("beta", "gamma", "delta", "epsilon", "iota", "zeta", "eta")
    assert alpha.config_imports == {"beta": ("BetaConfig",), "delta": ("DeltaConfig",)}
    assert alpha.modeling_imports == ("beta", "delta", "epsilon", "eta", "gamma", "iota", "zeta")


def test_layout_keys_filters_and_left_out_files(fake: Path) -> None:
    found = truth.declared_lineage(fake)
    assert sorted(found) == ["alpha", "alpha_text", "kappa"]  # theta has no modeling_theta.py
    assert found["alpha_text"].family == "alpha"
    assert found["alpha_text"].modeling_path.endswith("/modeling_alpha_text.py")
    assert found["alpha_text"].class_parents == {"AlphaTextNorm": ("gamma",)}
    assert found["kappa"].parents == ("beta",)
    assert sorted(truth.declared_lineage(fake, {"alpha"})) == ["alpha", "alpha_text"]
    assert sorted(truth.declared_lineage(fake, {"alpha_text", "kappa"})) == ["alpha_text", "kappa"]
    assert truth.declared_lineage(fake, set()) == {}


def test_json_and_summary(fake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert truth.main([str(fake), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(truth.to_json(truth.declared_lineage(fake))))
    assert data["alpha"]["class_parents"]["AlphaBlock"] == ["delta", "gamma"]
    assert truth.main([str(fake)]) == 0
    table = capsys.readouterr().out
    assert "modular files without one (left out)              1" in table
    assert "parent edges (entry -> parent family)             9" in table
    parents = table.split("children")[1].splitlines()[1:]
    assert parents[0].split() == ["beta", "2", "4"]  # alpha and kappa; 3 + 1 classes
    assert parents[1].split() == ["gamma", "2", "3"]


def test_modular_families_and_those_a_later_release_adds(fake: Path, tmp_path: Path) -> None:
    # families with a modular file, whether or not it has a generated one (theta has none); none for
    # a family with generated files only (beta) or a modular file outside a family directory
    assert truth.modular_families(fake) == {"alpha", "kappa", "theta"}
    later = tmp_path / "later" / "transformers-0.0.1-py3-none-any.whl"
    later.parent.mkdir()
    with zipfile.ZipFile(later, "w") as archive:
        for name, text in FILES.items():
            archive.writestr(name, text)
        archive.writestr("transformers/models/beta/modular_beta.py", "class BetaNew: pass\n")
        archive.writestr("transformers/models/lambda_/modular_lambda_.py", "class LambdaX: pass\n")
        archive.writestr("transformers/modular_stray.py", "class Stray: pass\n")
    assert truth.modular_families(later) - truth.modular_families(fake) == {"beta", "lambda_"}


def test_cli_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        truth.main([str(tmp_path / "nope.whl")])
    assert exit_info.value.code == 2


def test_real_wheel_sample(transformers_wheel: Path) -> None:
    found = truth.declared_lineage(transformers_wheel, {"qwen3", "data2vec", "siglip2"})
    assert sorted(found) == ["data2vec_audio", "data2vec_text", "qwen3", "siglip2"]
    qwen3 = found["qwen3"]
    assert qwen3.parents == ("qwen2", "gemma", "llama")
    assert qwen3.class_parents["Qwen3MLP"] == ("gemma",)
    assert qwen3.function_parents["apply_rotary_pos_emb"] == "qwen2"
    assert found["data2vec_audio"].parents == ("wav2vec2",)
    assert found["data2vec_text"].parents == ("roberta",)
    assert found["siglip2"].config_imports == {"siglip": ("SiglipConfig", "SiglipTextConfig", "SiglipVisionConfig")}
    with zipfile.ZipFile(transformers_wheel) as wheel:  # every recorded name is in the generated file
        for entry in found.values():
            generated = wheel.read(entry.modeling_path).decode()
            for name in [*entry.class_parents, *entry.function_parents]:
                assert f"class {name}(" in generated or f"def {name}(" in generated, name


@pytest.mark.slow
def test_real_wheel_llama_is_the_most_common_parent(transformers_wheel: Path) -> None:
    found = truth.declared_lineage(transformers_wheel)
    assert len(found) > 300
    counts = truth.parent_counts(found)
    assert counts.most_common(1)[0][0] == "llama"
    assert counts["llama"] > 2 * counts.most_common(2)[1][1]
