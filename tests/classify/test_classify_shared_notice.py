"""A notice is judged on code that says whose it is (classify/attribution.py): code that many
model lines hold cannot say which of their notices a file owes, unless the file is one
source's file as a whole; a configuration class short of a copy names the parameters of the
architecture it follows, not whose code it holds."""

from __future__ import annotations

import pytest

from lineage.config import Config
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile
from tests.classify.conftest import ATTENTION_MOE, MODEL, SPDX, other_orgs, top_level, unique_function
from tests.fixture_notices import with_notice

SHARED_CLASSES = ("ZetaMoeAttention", "ZetaMoeMLP")
N_HOLDERS = 8  # model lines holding the shared classes: above SCORING.shared_by ...
N_FAMILIES = 40  # ... among this many, so that the corpus still finds their code rare
COPY = "acme/modeling_acme.py"
ACME = "# Copyright 2026 Acme Inc."


def _family_file(org: str, i: int, classes: tuple[str, ...] = SHARED_CLASSES) -> str:
    shared = top_level(with_notice(MODEL), classes)
    return (f"# Copyright 2025 {org}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n{shared}\n\n\n"
            f"{unique_function(i)}")


def _vendors_index(tmp_path_factory: pytest.TempPathFactory, holders: int,
                   classes: tuple[str, ...] = SHARED_CLASSES, maker: str = "") -> EmbeddedIndex:
    """`holders` vendors' files holding the same `classes`, each with its own helper, among
    N_FAMILIES vendors' files (the rest of other code); with ``maker``, the holders are all models
    of that one maker."""
    from lineage import api

    root = tmp_path_factory.mktemp("shared-ref")
    lines = ["[source]", 'name = "shr"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    orgs = [maker if maker and i < holders else org for i, org in enumerate(other_orgs(N_FAMILIES))]
    for i, org in enumerate(orgs):
        (root / f"fam_{i:02d}").mkdir()
        text = _family_file(org, i, classes) if i < holders else \
            f"# Copyright 2025 {org}\n{SPDX}\n\n\n{unique_function(i)}"
        (root / f"fam_{i:02d}" / "model.py").write_text(text, encoding="utf-8")
        lines += ["[[family]]", f'name = "fam_{i:02d}"', f'include = ["fam_{i:02d}/*.py"]', f'org = "{org}"',
                  f'first_seen = "2024-0{1 + i % 9}-01"', ""]
    manifest = tmp_path_factory.mktemp("shared-manifest") / "shr.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp("shared-index") / "shr.lineage"
    api.build([manifest], out, workers=1)
    return api.open_index(out)


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """Eight vendors' files holding the same attention and MLP classes, each with its own helper,
    among vendors' files of other code."""
    return _vendors_index(tmp_path_factory, N_HOLDERS)


def _setting(p: str, i: int) -> str:
    """One configuration attribute, in one of a few forms (configurations are not all plain stores)."""
    forms = ("        self.{p} = {p}\n", "        self.{p} = {p} or {i}\n",
             "        self.{p} = {p} if {p} is not None else {i}\n", "        self.{p} = ({p}, {i})\n",
             "        self.{p} = {p} * {i}\n", "        self.{p} = [{p}] * {i}\n")
    return forms[(i * 7) % len(forms)].format(p=p, i=i)


def _scan(index: EmbeddedIndex, text: str) -> ScanResult:
    from lineage import api

    result, _ = api.scan_files([SourceFile(COPY, text.encode("utf-8"))], index, Config(), target="t")
    return result


def _notices(result: ScanResult) -> list[str]:
    return [str(f.attribution) for f in result.findings if f.kind == "notice" and f.attribution in ("removed", "replaced")]


def test_shared_code_under_another_notice_is_no_notice_judgement(shared_index: EmbeddedIndex) -> None:
    """Only the classes eight vendors hold, under a ninth vendor's notice: no notice is owed to
    any one of them on that evidence, and no finding is above low."""
    shared = top_level(with_notice(MODEL), SHARED_CLASSES)
    result = _scan(shared_index, f"{ACME}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n{shared}\n")
    code = [f for f in result.findings if f.kind == "code-match"]
    assert sum(f.end_line - f.start_line + 1 for f in code if f.severity == "low") >= 20  # substantial, but shared
    assert all(f.severity in ("info", "low") for f in code)
    assert _notices(result) == []
    assert not any(f.attribution in ("removed", "replaced") for f in code)


@pytest.fixture(scope="module")
def one_makers_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same eight files holding the attention and MLP classes, all of them one maker's models."""
    return _vendors_index(tmp_path_factory, N_HOLDERS, maker=other_orgs(N_FAMILIES + 1)[-1])


def test_code_many_models_of_one_maker_hold_is_that_makers_code(one_makers_index: EmbeddedIndex) -> None:
    """Eight model lines hold the classes, all of one maker (Qwen2-MoE's sparse block stands in five
    Qwen lines and no one else's): the code is not shared code, which cannot say whose it is; it is
    that maker's, whichever of its models it came from.  Under another vendor's notice the copy is
    rated as a copy, its maker named, and its notice owed (the eight vendors' control:
    test_shared_code_under_another_notice_is_no_notice_judgement)."""
    maker = other_orgs(N_FAMILIES + 1)[-1]
    shared = top_level(with_notice(MODEL), SHARED_CLASSES)
    result = _scan(one_makers_index, f"{ACME}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n{shared}\n")
    code = [f for f in result.findings if f.kind == "code-match"]
    copied = [f for f in code if f.severity in ("medium", "high")]
    assert sum(f.end_line - f.start_line + 1 for f in copied) >= 20, [(f.unit, f.severity) for f in code]
    assert all(isinstance(f.details, CodeMatchDetails) and f.details.makers == 1 and f.details.holders >= N_HOLDERS
               for f in copied)
    assert _notices(result) == ["replaced"]
    notice = next(f for f in result.findings if f.kind == "notice")
    assert maker in notice.explanation and notice.severity in ("medium", "high")
    assert all(f.attribution == "replaced" for f in copied)


def test_a_file_that_is_one_sources_file_is_judged_shared_code_and_all(shared_index: EmbeddedIndex) -> None:
    """The whole of one vendor's file under another notice: the file is that source's file, so its
    notice is owed, although most of its code is shared."""
    org = other_orgs(N_HOLDERS)[3]
    whole = _family_file(org, 3).replace(f"# Copyright 2025 {org}", ACME)
    result = _scan(shared_index, whole)
    assert _notices(result) == ["replaced"]
    verdict = result.summary.files[COPY].verdict
    assert "fam_03" in verdict and "notice replaced" in verdict


def test_a_whole_copy_of_a_file_mostly_common_code_replaced_its_notice(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """A vendor's file whose code is mostly what 30 of 40 lines hold (every unit of it info but its
    own helper), copied whole under another notice: the copy's notice stands in the vendor's
    place ("replaced", high), though the units rated above info span under a quarter of the file.
    (transformers' modeling_llama.py under "Copyright 2025 Acme Corp." read "removed", medium: its
    notice was taken to stand for code of its own.)"""
    from lineage.classify.fileverdict import PART

    index = _vendors_index(tmp_path_factory, 30, ATTENTION_MOE)
    org = other_orgs(N_FAMILIES)[4]  # (a vendor whose helper is no common idiom: a medium copy)
    whole = _family_file(org, 4, ATTENTION_MOE).replace(f"# Copyright 2025 {org}", ACME)
    result = _scan(index, whole)
    above = [f for f in result.findings if f.kind == "code-match" and f.severity != "info"]
    assert above and sum(f.end_line - f.start_line + 1 for f in above) < PART * len(whole.splitlines())
    assert _notices(result) == ["replaced"]
    assert [f.severity for f in result.findings if f.kind == "notice" and f.attribution == "replaced"] == ["high"]
    assert "fam_04" in result.summary.files[COPY].verdict


def test_a_configuration_class_short_of_a_copy_is_low(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A configuration class that resembles another model's (same parameters, other defaults and
    extras) is rated low and gives no notice judgement; the same class copied whole stays a copy."""
    from lineage import api

    params = [f"p_{i}" for i in range(24)]
    ref = ("# Copyright 2025 Zhipu AI\n" + SPDX + "\n\n\nclass PretrainedConfig:\n    pass\n\n\n"
           "class ZetaConfig(PretrainedConfig):\n    model_type = 'zeta'\n\n    def __init__(self, "
           + ", ".join(f"{p}={i}" for i, p in enumerate(params)) + ", **kwargs):\n"
           + "".join(_setting(p, i) for i, p in enumerate(params)) + "        super().__init__(**kwargs)\n")
    root = tmp_path_factory.mktemp("config-ref")
    (root / "zeta").mkdir()
    (root / "zeta" / "modular_zeta.py").write_text(ref, encoding="utf-8")  # a modular file holds its configuration
    manifest = tmp_path_factory.mktemp("config-manifest") / "cfg.toml"
    manifest.write_text("\n".join(["[source]", 'name = "cfg"', 'kind = "dir"', f'path = "{root.as_posix()}"',
                                   'licence = "Apache-2.0"', "", "[[family]]", 'name = "zeta"',
                                   'include = ["zeta/*.py"]', 'org = "Zhipu AI"', 'first_seen = "2025-01-01"', ""]),
                        encoding="utf-8")
    out = tmp_path_factory.mktemp("config-index") / "cfg.lineage"
    api.build([manifest], out, workers=1)
    index = api.open_index(out)
    extra = [f"q_{i}" for i in range(16)]
    own = ("class AcmeConfig(PretrainedConfig):\n    model_type = 'acme'\n\n    def __init__(self, "
           + ", ".join(f"{p}={i * 3}" for i, p in enumerate(params + extra)) + ", **kwargs):\n"
           + "".join(_setting(p, i) for i, p in enumerate(params + extra))
           + "        if self.q_0 > 4:\n            self.q_1 = self.q_0 // 2\n        super().__init__(**kwargs)\n")
    text = f"{ACME}\n{SPDX}\n\n\nclass PretrainedConfig:\n    pass\n\n\n{own}"
    result = _scan(index, text)
    config = [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("AcmeConfig")]
    assert config and all(f.severity in ("info", "low") for f in config)
    assert any("configuration class short of a copy" in f.explanation for f in config)
    # (a review: "inference-glue copy of phimoe" said of a configuration of its own, in a
    # configuration file, where glue's word is "copy" at low too; the verdict is quoted out of its finding)
    for path in (COPY, "acme/configuration_acme.py"):
        found, _ = api.scan_files([SourceFile(path, text.encode("utf-8"))], index, Config(), target="t")
        judged = [f for f in found.findings if f.kind == "code-match" and f.unit.startswith("AcmeConfig")
                  and f.severity != "info"]
        assert judged and not any("copy of" in f.details.verdict for f in judged), path
        assert "copy of" not in found.summary.files[path].verdict, found.summary.files[path].verdict
    assert found.summary.files[path].verdict.startswith(
        "configuration like that of zeta (Zhipu AI, CN): it names the parameters of the architecture it follows")
    copied = _scan(index, ref.replace("# Copyright 2025 Zhipu AI", ACME))
    whole = [f for f in copied.findings if f.kind == "code-match" and f.unit.startswith("ZetaConfig")
             and f.severity in ("medium", "high")]
    assert whole and all("copy of zeta" in f.details.verdict for f in whole)


def _exhibit_match(model_lines: int, path: str = "suspect/model.py") -> object:
    from lineage.workflow.exhibit import ExhibitMatch, ReferenceSpan, UnitScores

    return ExhibitMatch(
        id="x", path=path, unit="Attention.forward", unit_kind="method", start_line=10, end_line=30,
        role="core-architecture", role_features=(), attribution="replaced", severity="low",
        severity_before_corpus="high", corpus={"model_lines": model_lines, "families": []},
        verdict="core-architecture copy of glm4_moe:reference, notice replaced", explanation="",
        reference=ReferenceSpan("reference/model.py", "Attention.forward", 12, 32), also_matches=(),
        scores=UnitScores(1.0, 1.0, 1.0, 1.0, 0.5, None), regions=())


def test_verify_judges_no_notice_on_code_the_corpus_shares() -> None:
    """In an exhibit, a unit whose code 14 indexed model lines hold loses its notice state and copy
    wording (the summary then says the notices were not judged); a unit few lines hold keeps
    them, and so does shared code in a file that is nearly the reference file as a whole."""
    from lineage.workflow.unit_notices import judged_notice as _judged_notice
    from lineage.workflow.verify_statement import not_compared_state as _not_compared

    shared = _judged_notice(_exhibit_match(14), whole=set())  # type: ignore[arg-type]
    assert shared.attribution is None and shared.verdict.startswith("code shared by 14 indexed model lines")
    assert "not judged" in _not_compared([shared])
    rare = _exhibit_match(2)
    assert _judged_notice(rare, whole=set()) == rare  # type: ignore[arg-type]
    whole = _exhibit_match(14)
    kept = _judged_notice(whole, whole={"suspect/model.py"})  # type: ignore[arg-type]
    # (its copy verdict and notice state stay, said as part of the whole-file copy: the unit alone is low)
    assert kept.attribution == whole.attribution and kept.verdict.startswith(whole.verdict + ", as part of the "
                                                                              "whole-file copy"), kept.verdict
    assert _not_compared([rare]) == "not compared"  # type: ignore[list-item]


def test_a_whole_file_of_shared_code_is_called_a_copy_of_that_file(shared_index: EmbeddedIndex) -> None:
    """Every unit low because other model lines share it, but one source holds the file as a whole
    far more closely than any other family (a verbatim copy of a much-derived model file): the
    verdict calls it a copy of that file, not a weak resemblance; a source told apart only by a
    date, or by a small margin, is shared code held at copy strength: said so, with no copy verdict
    (it is no weak resemblance either)."""
    import dataclasses

    from lineage.classify.fileverdict import reuse_sentence
    from lineage.classify.linecount import distinct_lines
    from lineage.verdicts import Candidate, SourceVerdict

    shared = top_level(with_notice(MODEL), SHARED_CLASSES)
    result = _scan(shared_index, f"{ACME}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n{shared}\n")
    evidence = [f for f in result.findings if f.kind == "code-match" and f.severity == "low"]
    assert evidence
    source = Candidate("shr:fam_00", "fam_00/model.py", "Acme Labs", "US", "2024-01-01", 1.0, 1.0, 0.0, 1.0,
                       contains=0.6)
    runner = dataclasses.replace(source, family="shr:fam_01", cover=0.7, score=0.7)
    whole = SourceVerdict("<file>", "source", source, runner, 0.3, "cover", (), "common", None)
    assert reuse_sentence(evidence, whole).startswith("copy of 60% of the file of fam_00 (Acme Labs, US)")
    entire = dataclasses.replace(whole, source=dataclasses.replace(source, contains=0.95))
    assert reuse_sentence(evidence, entire).startswith("copy of the whole file of fam_00 (Acme Labs, US)")
    assert "but no other family holds the file as closely; it explains 100% of the code, runner-up fam_01" \
        in reuse_sentence(evidence, entire)
    # a runner-up holding all of it too, explaining less (its code the source's): never "no other family"
    closer = dataclasses.replace(entire, runner_up=dataclasses.replace(runner, cover=1.0, score=0.5))
    assert "but only fam_01 holds the file as closely, and that mostly as fam_00's code; it explains 100% of " \
        "the code, runner-up fam_01 50%" in reuse_sentence(evidence, closer)
    # a file the source explains whole that holds only a sliver of the source's file: its units
    # are all the evidence there is (two helper functions are not a copy of a model file)
    sliver = dataclasses.replace(whole, source=dataclasses.replace(source, contains=0.05))
    for weak in (dataclasses.replace(whole, decided_by="first-seen"), dataclasses.replace(whole, margin=0.05), sliver):
        said = reuse_sentence(evidence, weak)
        assert said.startswith("built on shared code, closest to fam_00") and said.endswith("so no copy verdict")
        assert "lines held at copy strength, code that 8 or more model lines hold alike" in said
        # the same lines in a file ten times their length, the rest its own code: no "built on"
        n = distinct_lines(evidence)
        assert reuse_sentence(evidence, weak, n).startswith("built on shared code")
        assert reuse_sentence(evidence, weak, 20 * n).startswith("weak resemblance to fam_00")


def test_a_part_of_a_file_taken_whole_under_another_notice_replaced_it(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """A vendor's attention, MLP, router and sparse block taken out of its model file whole (a third
    of that file) under another company's notice, behind a long module docstring.  Six lines of
    other makers that declare the vendor's line as their parent hold the attention and MLP too, so
    those units are rated low, and the units rated above low span under a quarter of the file's
    lines.  Yet the vendor's line explains nearly all of the file's code, on code few lines hold:
    the file is that copy, not code of its own with a small part borrowed.  Its notice stands in
    the vendor's place ("replaced", high), and the verdict does not say "in part".  (A Qwen2.5-VL
    vision tower under NAVER's notice read "in part: 94 of 489 lines ..., notice removed", medium,
    while Qwen2.5-VL explained 94% of it.)"""
    from lineage import api
    from lineage.classify.fileverdict import PART

    shared, own = ("ZetaMoeAttention", "ZetaMoeMLP"), ("ZetaMoeRouter", "ZetaMoeSparseBlock")
    model = with_notice(MODEL)
    root = tmp_path_factory.mktemp("tower-ref")
    rows = ["[source]", 'name = "twr"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
            'released = "2026-01-01"', ""]
    files = {"zeta": (model, "Zhipu AI", ())}
    heirs = other_orgs(N_FAMILIES)
    for i, org in enumerate(heirs[:6]):
        files[f"heir_{i}"] = (f"# Copyright 2025 {org}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
                              f"{top_level(model, shared)}\n\n\n{unique_function(i)}", org, ("zeta",))
    for i, org in enumerate(heirs[6:], start=6):
        files[f"other_{i}"] = (f"# Copyright 2025 {org}\n{SPDX}\n\n\n{unique_function(i)}", org, ())
    for name, (text, org, parents) in files.items():
        (root / name).mkdir()
        (root / name / "model.py").write_text(text, encoding="utf-8")
        lineage = ", ".join(f'"{p}"' for p in parents)
        rows += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                 'first_seen = "2025-07-01"' if name == "zeta" else 'first_seen = "2025-09-01"',
                 f"lineage = [{lineage}]", ""]
    manifest = tmp_path_factory.mktemp("tower-manifest") / "twr.toml"
    manifest.write_text("\n".join(rows), encoding="utf-8")
    out = tmp_path_factory.mktemp("tower-index") / "twr.lineage"
    api.build([manifest], out, workers=1)
    index = api.open_index(out)
    docstring = '"""Acme vision tower.\n\n' + "".join(f"Design note {k}: see the internal wiki.\n" for k in range(60)) \
        + '"""\n'
    tower = f"{ACME}\n{SPDX}\n{docstring}\nimport torch\nfrom torch import nn\n\n\n{top_level(model, shared + own)}\n"
    result = _scan(index, tower)
    verdict = result.summary.files[COPY]
    assert verdict.source is not None and verdict.source.source is not None
    assert verdict.source.source.family == "twr:zeta" and verdict.source.source.contains < 0.5
    code = [f for f in result.findings if f.kind == "code-match"]
    low = {f.unit.split(".", 1)[0] for f in code if f.severity in ("low", "info")}
    assert set(shared) <= low, [(f.unit, f.severity) for f in code]
    above = [f for f in code if f.severity not in ("low", "info")]
    assert above and sum(f.end_line - f.start_line + 1 for f in above) < PART * len(tower.splitlines())
    assert _notices(result) == ["replaced"]
    assert [f.severity for f in result.findings if f.kind == "notice" and f.attribution == "replaced"] == ["high"]
    # (nearly all of it the vendor's, a third of its file held, far beyond other makers: a copy of that file)
    assert "in part" not in verdict.verdict and verdict.verdict.startswith("core-architecture copy of zeta"), \
        verdict.verdict
