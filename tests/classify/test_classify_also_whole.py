"""Two models' files joined into one (classify/alsowhole.py): the file's source is the larger,
and the smaller, another maker's whole file held as closely as any family holds it, is a copy
too, though each of its units is code five lines hold (a stranger's review: exaone4's file
followed by hunyuan_v1_moe's read as Tencent's alone, LG's replaced notice unsaid).  Its own
file alone, a later clone of the source, or one model's file with shared units beside it: no
second source."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, ScanResult, SourceFile
from tests.classify.conftest import MODEL, SPDX, other_orgs, top_level, unique_function
from tests.dir_index import dir_index
from tests.fixture_notices import with_notice

LUMI = ("rotate_half", "apply_partial_rotary", "ZetaMoeAttention")  # the smaller model's file: shared units
HYUN = ("RMSNorm", "ZetaMoeMLP", "ZetaMoeRouter", "ZetaMoeSparseBlock", "ZetaMoeDecoderLayer", "ZetaMoeModel")
LG = "# Copyright 2025 The LG AI Research team. All rights reserved."
TENCENT = "# Copyright 2025 Tencent. All rights reserved."
ACME = "# Copyright 2026 Acme Corp. All rights reserved."
IMPORTS = "import torch\nfrom torch import nn\n\n\n"


def _code(names: tuple[str, ...], prefix: str) -> str:
    return top_level(with_notice(MODEL), names).replace("Zeta", prefix)


def _file(notice: str, body: str) -> str:
    return f"{notice}\n{SPDX}\n\n{IMPORTS}{body}"


@pytest.fixture(scope="module")
def joined_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """LG's lumi and Tencent's hyun, a later clone of hyun (another maker's), and for each of
    lumi's units four lines of other makers holding it beside code of their own."""
    return _joined_index(tmp_path_factory, generated=False)


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same, lumi's modeling file without a notice, as generated, its configuration module
    beside it holding LG's."""
    return _joined_index(tmp_path_factory, generated=True)


def _joined_index(tmp_path_factory: pytest.TempPathFactory, generated: bool) -> EmbeddedIndex:
    root = tmp_path_factory.mktemp("joined-ref")
    lumi = f"{SPDX}\n\n{IMPORTS}{_code(LUMI, 'Lumi')}" if generated else _file(LG, _code(LUMI, "Lumi"))
    files = {"lumi": lumi, "hyun": _file(TENCENT, _code(HYUN, "Hyun")),
             "later": _file("# Copyright 2026 Later Labs.", _code(HYUN, "Later"))}
    orgs = {"lumi": "LG AI Research", "hyun": "Tencent", "later": "Xiaomi"}
    dates = {"lumi": "2025-01-01", "hyun": "2025-02-01", "later": "2026-01-01"}
    makers = iter(o for o in other_orgs(20) if o not in orgs.values())
    for i, unit in enumerate(LUMI):
        for k in range(4):
            name = f"other_{i}_{k}"
            own = "\n\n".join(unique_function(100 + 10 * i + k * 3 + n) for n in range(4))
            files[name] = _file(f"# Copyright 2024 Other {i} {k}.", _code((unit,), f"O{i}{k}") + "\n\n" + own)
            orgs[name], dates[name] = next(makers), "2025-06-01"
    lines = ["[source]", 'name = "j"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"', ""]
    for name, text in files.items():
        (root / name).mkdir()
        (root / name / f"modeling_{name}.py").write_text(text, encoding="utf-8")
        if generated and name == "lumi":
            (root / name / "configuration_lumi.py").write_text(f"{LG}\n{SPDX}\n\n\nclass LumiConfig:\n"
                                                              "    model_type = 'lumi'\n", encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/modeling_*.py"]', f'org = "{orgs[name]}"',
                  f'first_seen = "{dates[name]}"', ""]
    return api.open_index(dir_index(tmp_path_factory, "j", lines))


def _scan(index: EmbeddedIndex, text: str) -> ScanResult:
    result, _ = api.scan_files([SourceFile("acme/modeling_acme.py", text.encode())], index, Config(workers=1))
    return result


def _lumi_units(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.kind == "code-match" and f.matches
            and f.matches[0].ref.family == "j:lumi" and f.severity != "info"]


def _notice_orgs(result: ScanResult) -> set[str]:
    return {f.details.org for f in result.findings  # type: ignore[union-attr]
            if f.kind == "notice" and f.attribution in ("removed", "replaced")}


def test_the_smaller_of_two_joined_files_is_a_copy_too(joined_index: EmbeddedIndex) -> None:
    alone = _scan(joined_index, _file(ACME, _code(LUMI, "Lumi")))
    assert alone.summary.files["acme/modeling_acme.py"].source.also_whole is None  # type: ignore[union-attr]
    joined = _scan(joined_index, _file(ACME, _code(LUMI, "Lumi") + "\n\n" + _code(HYUN, "Hyun")))
    verdict = joined.summary.files["acme/modeling_acme.py"]
    assert verdict.source is not None and verdict.source.source is not None
    assert verdict.source.source.family == "j:hyun"
    also = verdict.source.also_whole
    assert also is not None and also.family == "j:lumi" and also.contains >= 0.9
    lumi = _lumi_units(joined)
    assert any(f.severity == "medium" and "two models' files joined into one" in f.explanation for f in lumi)
    assert {"LG AI Research", "Tencent"} <= _notice_orgs(joined)
    assert "also a copy of lumi" in verdict.verdict


def test_one_models_file_beside_shared_units_names_no_second_source(joined_index: EmbeddedIndex) -> None:
    """Hyun's file with one of lumi's shared units beside it: that unit is one line's code among
    five, no file held whole, and stays low."""
    text = _file(ACME, _code(HYUN, "Hyun") + "\n\n" + _code(("ZetaMoeAttention",), "Lumi"))
    result = _scan(joined_index, text)
    source = result.summary.files["acme/modeling_acme.py"].source
    assert source is not None and source.also_whole is None
    assert all(f.severity in ("low", "info") for f in _lumi_units(result))
    assert "LG AI Research" not in _notice_orgs(result)


def test_a_later_clone_of_the_source_is_no_second_file(joined_index: EmbeddedIndex) -> None:
    """The later line's file is hyun's code throughout: joined with nothing else, hyun's copy holds
    it whole, but as the source's code, not a second file."""
    result = _scan(joined_index, _file(ACME, _code(HYUN, "Hyun")))
    source = result.summary.files["acme/modeling_acme.py"].source
    assert source is not None and source.source is not None and source.source.family == "j:hyun"
    assert source.also_whole is None


def test_a_joined_file_owes_the_notice_its_generated_files_family_keeps_beside_it(
        generated_index: EmbeddedIndex) -> None:
    """The second family's modeling file holds no notice, as transformers generates it; its
    configuration module beside it holds LG's: the joined file owes LG's notice, as a copy of
    that file alone does (a review: mistral's whole file beside a CLIP tower read "also a copy of
    mistral" with no notice state)."""
    alone = _scan(generated_index, _file(ACME, _code(LUMI, "Lumi")))
    assert "LG AI Research" in _notice_orgs(alone)
    joined = _scan(generated_index, _file(ACME, _code(LUMI, "Lumi") + "\n\n" + _code(HYUN, "Hyun")))
    source = joined.summary.files["acme/modeling_acme.py"].source
    assert source is not None and source.also_whole is not None and source.also_whole.family == "j:lumi"
    assert {"LG AI Research", "Tencent"} <= _notice_orgs(joined)


def test_the_sources_whole_file_beside_another_sources_code_is_a_copy(joined_index: EmbeddedIndex) -> None:
    """Lumi's whole file, each unit code five lines hold, beside part of hyun's (a vision tower
    before a language model, in the shape of a multimodal file): lumi is the source but explains
    too little of the file to be its whole-file copy; the file still holds lumi's whole file as
    no other maker's, so its units are part of that copy and LG's notice is owed (a stranger's
    review: CLIP's vision classes before transformers' qwen2 file left Alibaba's removed notice
    unsaid)."""
    part = _code(("ZetaMoeRouter", "ZetaMoeSparseBlock"), "Hyun")
    result = _scan(joined_index, _file(ACME, _code(LUMI, "Lumi") + "\n\n" + part))
    source = result.summary.files["acme/modeling_acme.py"].source
    assert source is not None and source.source is not None and source.source.family == "j:lumi"
    assert source.held_whole and source.also_whole is None
    assert any(f.severity == "medium" and "beside code of another source" in f.explanation
               for f in _lumi_units(result))
    assert "LG AI Research" in _notice_orgs(result)
