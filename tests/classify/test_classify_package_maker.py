"""A maker's own package, whose files carry no notice, matched against an engine's copy of its
model: the package's metadata names its maker, so the code is the maker's own, not a copy
(source/maker.py, classify/owner.py).  Scanned as users scan: a directory and a wheel, through
`lineage scan`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage.index.embedded import EmbeddedIndex
from tests.classify.conftest import SPDX
from tests.classify.conftest import unique_function
from tests.classify.test_classify_owner import MAKER, PORT_HEADER, STRANGER, _engine_index, _models_index, _text

ENGINE_HEADER = ("# Copyright 2025 SGLang Team", SPDX)
ZHIPU = '[project]\nname = "glm-demo"\nauthors = [{name = "GLM team", email = "glm@zhipuai.cn"}]\n'


@pytest.fixture(scope="module")
def engine_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return _engine_index(tmp_path_factory, ENGINE_HEADER)


@pytest.fixture(scope="module")
def port_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return _engine_index(tmp_path_factory, PORT_HEADER)


def _scan(index: EmbeddedIndex, target: Path) -> dict:  # type: ignore[type-arg]
    from lineage.cli.main import cli

    run = CliRunner().invoke(cli, ["scan", str(target), "--index", index.path, "--format", "json", "--exit-zero",
                                   "-q"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def _package(root: Path, code: str, pyproject: str | None) -> Path:
    (root / "glm_demo").mkdir(parents=True)
    (root / "glm_demo" / "modeling.py").write_text(code, encoding="utf-8")
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def _worst(report: dict) -> str:  # type: ignore[type-arg]
    rank = ["info", "low", "medium", "high"]
    return max((f["severity"] for f in report["findings"] if f["kind"] == "code-match"), key=rank.index)


def test_a_package_whose_metadata_names_the_maker_holds_its_own_code(engine_index, tmp_path: Path) -> None:
    unmarked = _text(SPDX)
    plain = _scan(engine_index, _package(tmp_path / "plain", unmarked, None))
    assert _worst(plain) == "high"  # control: with no word on its maker, the scan takes it for a copy
    report = _scan(engine_index, _package(tmp_path / "own", unmarked, ZHIPU))
    code = [f for f in report["findings"] if f["kind"] == "code-match"]
    assert _worst(report) == "info"
    owned = [f for f in code if f["attribution"] == "own"]
    assert len(owned) >= 10
    why = owned[0]["details"]["attribution_explanation"]
    assert "Zhipu AI made glm4_moe" in why
    assert "named as the scanned package's maker by its metadata (pyproject.toml: authors 'GLM team <glm@zhipuai.cn>')" \
        in why
    verdict = report["summary"]["files"]["glm_demo/modeling.py"]["verdict"]
    assert verdict.startswith("own model code") and "Zhipu AI is the maker the scanned package's metadata names " \
        "(pyproject.toml: authors 'GLM team <glm@zhipuai.cn>')" in verdict


def test_another_maker_or_an_unknown_author_beside_it_changes_nothing(engine_index, tmp_path: Path) -> None:
    unmarked = _text(SPDX)
    meta = '[project]\nauthors = [{name = "M", email = "m@meta.com"}]\n'
    assert _worst(_scan(engine_index, _package(tmp_path / "meta", unmarked, meta))) == "high"
    mixed = ZHIPU.replace("]\n", ', {name = "X", email = "x@example.org"}]\n')
    assert _worst(_scan(engine_index, _package(tmp_path / "mixed", unmarked, mixed))) == "high"


def test_the_files_own_holder_speaks_before_the_package(engine_index, tmp_path: Path) -> None:
    """A file under a stranger's notice is that stranger's copy, whatever the package says."""
    report = _scan(engine_index, _package(tmp_path / "stranger", _text(*STRANGER), ZHIPU))
    assert _worst(report) == "high" and not any(f["attribution"] == "own" for f in report["findings"])
    own = _scan(engine_index, _package(tmp_path / "maker", _text(*MAKER), ZHIPU))
    assert _worst(own) == "info"


def test_the_package_never_excuses_a_notice_owed_to_another_maker(port_index, tmp_path: Path) -> None:
    """The reference is a port under Meta's notice: a copy without it owes that notice, and a
    package naming Zhipu AI as its maker does not excuse it (only `--owner` lowers it, by its word)."""
    report = _scan(port_index, _package(tmp_path / "port", _text(SPDX), ZHIPU))
    assert any(f["kind"] == "notice" and f["attribution"] == "removed" and f["severity"] in ("medium", "high")
               for f in report["findings"])
    assert _worst(report) == "high"


def test_a_wheels_dist_info_names_its_maker(engine_index, tmp_path: Path) -> None:
    wheel = tmp_path / "glm_demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("glm_demo/modeling.py", _text(SPDX))
        z.writestr("glm_demo-1.0.dist-info/METADATA",
                   "Metadata-Version: 2.1\nName: glm-demo\nVersion: 1.0\nAuthor-email: GLM <glm@zhipuai.cn>\n\n")
    report = _scan(engine_index, wheel)
    assert _worst(report) == "info"
    why = next(f for f in report["findings"] if f["attribution"] == "own")["details"]["attribution_explanation"]
    assert "glm_demo-1.0.dist-info/METADATA: author_email 'GLM <glm@zhipuai.cn>'" in why
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("glm_demo/modeling.py", _text(SPDX))
    assert _worst(_scan(engine_index, bare)) == "high"


def test_the_hook_reads_the_staged_metadata(engine_index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook: an unmarked model file passes once the staged pyproject.toml names its
    maker; a pyproject.toml in the working tree but not staged says nothing."""
    import git

    from lineage.cli.main import cli

    root = _package(tmp_path / "repo", _text(SPDX), ZHIPU)
    handle = git.Repo.init(root, initial_branch="main")
    monkeypatch.chdir(root)
    handle.git.add("--", "glm_demo/modeling.py")
    args = ["hook", "--index", engine_index.path, "glm_demo/modeling.py"]
    unstaged = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert unstaged.exit_code == 1 and "[high]" in unstaged.stdout, unstaged.output
    handle.git.add("--", "pyproject.toml")
    staged = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert staged.exit_code == 0, staged.output


def test_only_the_archives_own_metadata_counts(engine_index, tmp_path: Path) -> None:
    """A wheel's package folder is no sdist's top folder: metadata inside it is not the wheel's; an
    sdist written with './' members keeps its PKG-INFO; an oversized METADATA names no one and is no
    file the scan failed to check."""
    import io
    import tarfile

    inside = tmp_path / "inside-1.0-py3-none-any.whl"
    with zipfile.ZipFile(inside, "w") as z:
        z.writestr("glm_demo/modeling.py", _text(SPDX))
        z.writestr("glm_demo/pyproject.toml", ZHIPU)
        z.writestr("glm_demo/PKG-INFO", "Name: x\nAuthor-email: glm@zhipuai.cn\n\n")
        z.writestr("inside-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: inside\nVersion: 1.0\n\n")
    assert _worst(_scan(engine_index, inside)) == "high"
    bare_wheel = tmp_path / "bare-1.0-py3-none-any.whl"  # (malformed: no dist-info; its one folder is the package)
    with zipfile.ZipFile(bare_wheel, "w") as z:
        z.writestr("glm_demo/modeling.py", _text(SPDX))
        z.writestr("glm_demo/PKG-INFO", "Name: x\nAuthor-email: glm@zhipuai.cn\n\n")
    assert _worst(_scan(engine_index, bare_wheel)) == "high"

    sdist = tmp_path / "glm-demo-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        for name, text in (("./glm-demo-1.0/glm_demo/modeling.py", _text(SPDX)),
                           ("./glm-demo-1.0/PKG-INFO", "Name: glm-demo\nVersion: 1.0\nAuthor-email: glm@zhipuai.cn\n\n")):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    assert _worst(_scan(engine_index, sdist)) == "info"

    big = tmp_path / "big-1.0-py3-none-any.whl"
    with zipfile.ZipFile(big, "w") as z:
        z.writestr("glm_demo/modeling.py", _text(SPDX))
        z.writestr("big-1.0.dist-info/METADATA", "Name: big\nAuthor-email: glm@zhipuai.cn\n\n" + "x" * 3_000_000)
    report = _scan(engine_index, big)
    assert report["errors"] == [] and _worst(report) == "high"


def test_a_revision_is_read_with_its_own_metadata_not_the_working_trees(engine_index, tmp_path: Path) -> None:
    import git

    root = _package(tmp_path / "repo", _text(SPDX), '[project]\nauthors = [{email = "someone@example.org"}]\n')
    handle = git.Repo.init(root, initial_branch="main")
    handle.git.add("-A")
    handle.git.commit("-q", "-m", "first", "--author", "T <t@example.org>")
    (root / "pyproject.toml").write_text(ZHIPU, encoding="utf-8")  # edited after the commit, not committed
    assert _worst(_scan(engine_index, Path(f"{root}@HEAD"))) == "high"
    assert _worst(_scan(engine_index, root)) == "info"  # the working tree is read as it stands
    handle.git.commit("-q", "-am", "second", "--author", "T <t@example.org>")
    assert _worst(_scan(engine_index, Path(f"{root}@HEAD"))) == "info"
    assert _worst(_scan(engine_index, Path(f"{root}@HEAD~1"))) == "high"


def test_no_package_maker_takes_no_word_of_the_metadata(engine_index, tmp_path: Path) -> None:
    from lineage.cli.main import cli

    root = _package(tmp_path / "own", _text(SPDX), ZHIPU)
    run = CliRunner().invoke(cli, ["scan", str(root), "--index", engine_index.path, "--format", "json",
                                   "--exit-zero", "-q", "--no-package-maker"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert _worst(report) == "high" and report["config"]["package_maker"] is False


def test_a_revision_keeps_the_notice_file_it_was_committed_with(port_index, tmp_path: Path) -> None:
    """REPO@REV reads the revision's own NOTICE file, not the working tree's: the upstream holder's
    line kept in the committed NOTICE is kept, whatever the checkout holds now."""
    import git

    root = _package(tmp_path / "repo", _text(SPDX), None)
    (root / "NOTICE").write_text(f"glm-demo\n\n{PORT_HEADER[0].lstrip('# ')}\n", encoding="utf-8")
    handle = git.Repo.init(root, initial_branch="main")
    handle.git.add("-A")
    handle.git.commit("-q", "-m", "first", "--author", "T <t@example.org>")
    (root / "NOTICE").unlink()  # the checkout lost it since

    def removed(report: dict) -> bool:  # type: ignore[type-arg]
        return any(f["kind"] == "notice" and f["attribution"] == "removed" for f in report["findings"])

    assert removed(_scan(port_index, root))  # (the working tree as it stands: no NOTICE)
    assert not removed(_scan(port_index, Path(f"{root}@HEAD")))


def test_history_reads_the_revisions_metadata_as_scan_does(engine_index, tmp_path: Path) -> None:
    import git

    from lineage.config import Config
    from lineage.workflow.history import history

    root = _package(tmp_path / "repo", _text(SPDX), ZHIPU)
    handle = git.Repo.init(root, initial_branch="main")
    handle.git.add("-A")
    handle.git.commit("-q", "-m", "first", "--author", "T <t@example.org>")
    traced = history(root, engine_index, Config())
    code = [f for f in traced.result.findings if f.kind == "code-match"]
    assert code and all(f.severity == "info" for f in code)
    plain = history(root, engine_index, Config(package_maker=False))
    assert any(f.severity == "high" for f in plain.result.findings if f.kind == "code-match")


def test_a_committed_dist_info_is_read_at_a_revision_as_in_the_tree(engine_index, tmp_path: Path) -> None:
    """An unpacked wheel kept in git: `scan DIR` and `scan DIR@HEAD` read the same METADATA."""
    import git

    root = _package(tmp_path / "repo", _text(SPDX), None)
    (root / "glm_demo-1.0.dist-info").mkdir()
    (root / "glm_demo-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: glm-demo\nVersion: 1.0\nAuthor-email: GLM <glm@zhipuai.cn>\n\n", encoding="utf-8")
    handle = git.Repo.init(root, initial_branch="main")
    handle.git.add("-A")
    handle.git.commit("-q", "-m", "first", "--author", "T <t@example.org>")
    assert _worst(_scan(engine_index, root)) == "info"
    assert _worst(_scan(engine_index, Path(f"{root}@HEAD"))) == "info"


ZHIPU_PART = ("ZetaMoeAttention", "ZetaMoeMLP", "ZetaMoeRouter", "ZetaMoeSparseBlock")
OTHER_PART = ("RMSNorm", "rotate_half", "apply_partial_rotary", "ZetaRotaryEmbedding", "ZetaMoeDecoderLayer",
              "ZetaMoeModel", "ZetaMoeForCausalLM")


@pytest.fixture(scope="module")
def two_makers_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """A framework's files of two makers' models, each under its maker's notice beside the
    framework's: Zhipu AI's holds the attention and the MoE block, Mistral AI's the rest of our
    fixture model."""
    return _two_makers(tmp_path_factory.mktemp("two-makers"), " and the HuggingFace Inc. team")


@pytest.fixture(scope="module")
def two_makers_alone_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same two makers' files, each under its maker's notice alone."""
    return _two_makers(tmp_path_factory.mktemp("two-makers-alone"), "")


def _two_makers(tmp: Path, beside: str) -> EmbeddedIndex:
    from tests.classify.conftest import MODEL, top_level

    model = MODEL.read_text(encoding="utf-8")
    return _models_index(tmp, {
        name: (org, "2025-07-28", f"# Copyright 2025 {holder}{beside}. All rights reserved.\n{SPDX}",
               "import torch.nn.functional as F\nfrom torch import nn\n\n\n" + top_level(model, parts), [])
        for name, org, holder, parts in (("zeta", "Zhipu AI", "The ZhipuAI Inc. team", ZHIPU_PART),
                                         ("kappa", "Mistral AI", "Mistral AI", OTHER_PART))})


def test_the_makers_own_model_beside_another_makers_copied_code_is_its_own(two_makers_index, tmp_path: Path) -> None:
    """A file naming no holder in Zhipu AI's package holds Zhipu AI's attention and MoE block and Mistral AI's
    code (a stranger's review: IBM's ibm-fms holds IBM's Bamba mixer beside state-spaces' gated
    norm).  Mistral AI's notice is owed; Zhipu AI owes no one its own code and no notice to itself."""
    from tests.classify.conftest import MODEL, top_level

    code = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + \
        top_level(MODEL.read_text(encoding="utf-8"), (*OTHER_PART, *ZHIPU_PART))

    def judged(report: dict) -> tuple[dict[str, tuple[str, str]], set[str]]:  # type: ignore[type-arg]
        units = {f["unit"]: (f["severity"], f["attribution"]) for f in report["findings"] if f["kind"] == "code-match"}
        owed = {f["details"]["org"] for f in report["findings"] if f["kind"] == "notice"
                and f["attribution"] in ("removed", "replaced") and f["severity"] in ("medium", "high")}
        return units, owed

    def part(units: dict[str, tuple[str, str]], classes: tuple[str, ...]) -> dict[str, tuple[str, str]]:
        return {u: s for u, s in units.items() if u.split(".")[0] in classes}

    plain, plain_owed = judged(_scan(two_makers_index, _package(tmp_path / "plain", code, None)))
    # control: with no word on its maker, both makers' code is copied and both notices are owed
    assert plain_owed == {"Zhipu AI", "Mistral AI"}, plain_owed
    copied = [u for u, (severity, _) in part(plain, ZHIPU_PART).items() if severity in ("medium", "high")]
    assert copied, plain
    own, own_owed = judged(_scan(two_makers_index, _package(tmp_path / "own", code, ZHIPU)))
    assert own_owed == {"Mistral AI"}, own_owed
    assert all(own[u] == ("info", "own") for u in copied), own
    assert all(severity == "info" for severity, _ in part(own, ZHIPU_PART).values()), own
    assert part(own, OTHER_PART) == part(plain, OTHER_PART)  # Mistral AI's code is judged as before


def test_the_makers_own_model_under_its_notice_beside_a_framework_is_its_own(two_makers_index, tmp_path: Path) -> None:
    """A file naming no holder in Zhipu AI's package holds Zhipu AI's code alone, whose reference
    names Zhipu AI beside the framework: the only notice missing is the maker's own, owed to no one."""
    from tests.classify.conftest import MODEL, top_level

    code = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + \
        top_level(MODEL.read_text(encoding="utf-8"), ZHIPU_PART)
    plain = _scan(two_makers_index, _package(tmp_path / "plain", code, None))
    assert _worst(plain) == "high" and any(
        f["kind"] == "notice" and f["attribution"] == "removed" and f["details"]["org"] == "Zhipu AI"
        for f in plain["findings"])  # control: with no word on its maker, a copy owing Zhipu AI's notice
    own = _scan(two_makers_index, _package(tmp_path / "own", code, ZHIPU))
    assert _worst(own) == "info"
    assert not [f for f in own["findings"] if f["kind"] == "notice" and f["severity"] != "info"], own["findings"]


@pytest.fixture(scope="module")
def elder_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """An engine's ports (under the engine's notice) of two makers' models holding the same code:
    Meta's, first seen 2023, and Alibaba Qwen's, first seen 2024, built on it."""
    from tests.classify.conftest import MODEL

    model = MODEL.read_text(encoding="utf-8")
    return _models_index(tmp_path_factory.mktemp("elder"), {
        name: (org, seen, "\n".join(ENGINE_HEADER), f"{model}\n\n{unique_function(100 + k)}", [])
        for k, (name, org, seen) in enumerate((("elder", "Meta", "2023-02-24"), ("later", "Alibaba Qwen", "2024-02-05")))})


def test_a_later_model_of_the_claimed_maker_holding_the_code_does_not_make_it_its_own(elder_index,
                                                                                     tmp_path: Path) -> None:
    """A package whose metadata names Alibaba holds the engine's code of Meta's model, which the
    engine's later port of Alibaba Qwen's model holds as closely: dates say Meta's model had it
    first, so it is no code of Alibaba's (a stranger's review: SGLang's llama code cleared as "own
    model code of Alibaba Qwen" because SGLang's qwen2 holds it too).  The earlier maker's claim
    still holds: code cannot tell which came first, and the dates do not say otherwise."""
    from tests.classify.conftest import MODEL

    code = MODEL.read_text(encoding="utf-8") + f"\n\n{unique_function(100)}"
    alibaba = '[project]\nauthors = [{name = "Q", email = "q@alibaba-inc.com"}]\n'
    meta = '[project]\nauthors = [{name = "M", email = "m@meta.com"}]\n'
    claimed = _scan(elder_index, _package(tmp_path / "alibaba", code, alibaba))
    assert _worst(claimed) in ("medium", "high"), claimed["summary"]["files"]
    assert not any(f["attribution"] == "own" for f in claimed["findings"])
    elder = _scan(elder_index, _package(tmp_path / "meta", code, meta))
    assert _worst(elder) == "info" and any(f["attribution"] == "own" for f in elder["findings"])


def test_the_makers_notice_and_package_make_its_models_code_its_own_beside_another_makers(two_makers_alone_index,
                                                                                       tmp_path: Path) -> None:
    """A file under Mistral AI's notice, in a package whose metadata names Mistral AI, holds Mistral
    AI's code and Zhipu AI's attention and MoE block: the package's word counts where the file's
    own notice names the same maker, as where it names none, and Mistral AI's units are its own
    whatever Zhipu AI is owed (a stranger's review: Google's gemma2 attention under Google's notice
    in Google's package, beside a pasted Qwen block, read as a high copy of gemma2).  A notice line
    alone is anyone's to write (a second review laundered SGLang's gemma2 port under a bare
    "Copyright Google" line): without the metadata, or beside a copier's name, both makers' code
    is copied."""
    from tests.classify.conftest import MODEL, top_level

    body = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + \
        top_level(MODEL.read_text(encoding="utf-8"), (*OTHER_PART, *ZHIPU_PART))
    mistral_meta = '[project]\nname = "m"\nauthors = [{name = "M", email = "m@mistral.ai"}]\n'

    def units(report: dict, classes: tuple[str, ...]) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
        return {f["unit"]: (f["severity"], f["attribution"]) for f in report["findings"]
                if f["kind"] == "code-match" and f["unit"].split(".")[0] in classes}

    def owed(report: dict) -> set[str]:  # type: ignore[type-arg]
        return {f["details"]["org"] for f in report["findings"] if f["kind"] == "notice"
                and f["attribution"] in ("removed", "replaced") and f["severity"] in ("medium", "high")}

    def scan(name: str, header: str, meta: str | None) -> dict:  # type: ignore[type-arg]
        return _scan(two_makers_alone_index, _package(tmp_path / name, f"{header}\n{SPDX}\n{body}", meta))

    stranger = scan("stranger", STRANGER[0], None)
    copied = [u for u, (severity, _) in units(stranger, OTHER_PART).items() if severity in ("medium", "high")]
    assert copied and owed(stranger) == {"Zhipu AI", "Mistral AI"}, owed(stranger)  # control
    mine = scan("mine", "# Copyright 2025 Mistral AI. All rights reserved.", mistral_meta)
    assert all(units(mine, OTHER_PART)[u] == ("info", "own") for u in copied), units(mine, OTHER_PART)
    assert owed(mine) == {"Zhipu AI"}, owed(mine)
    assert any(severity in ("medium", "high") for severity, _ in units(mine, ZHIPU_PART).values())
    for name, header, meta in (("bare", "# Copyright 2025 Mistral AI. All rights reserved.", None),
                               ("beside", "# Copyright 2025 Acme Inc. and Mistral AI. All rights reserved.",
                                mistral_meta)):
        said = units(scan(name, header, meta), OTHER_PART)
        assert not any(said[u][1] == "own" for u in copied), (name, said)


@pytest.fixture(scope="module")
def makers_notice_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """Zhipu AI's model under Zhipu AI's notice alone, and other families."""
    return _engine_index(tmp_path_factory, MAKER)


def test_the_makers_notice_kept_in_the_makers_own_package_is_its_own_code(makers_notice_index,
                                                                         tmp_path: Path) -> None:
    """The reference names Zhipu AI alone and so does the file: without a word on the package's
    maker, a copy that kept the notice ("retained", high); in a package whose metadata names Zhipu
    AI, its own model code (a stranger's review: Google's gemma2 attention under Google's notice in
    a package naming Google read as a high copy of gemma2)."""
    kept = _scan(makers_notice_index, _package(tmp_path / "kept", _text(*MAKER), None))
    assert _worst(kept) == "high"
    assert {f["attribution"] for f in kept["findings"] if f["severity"] == "high"} == {"retained"}
    own = _scan(makers_notice_index, _package(tmp_path / "own", _text(*MAKER), ZHIPU))
    assert _worst(own) == "info" and any(f["attribution"] == "own" for f in own["findings"])
    assert own["summary"]["files"]["glm_demo/modeling.py"]["verdict"].startswith("own model code")
    # another maker named by the package changes nothing
    meta = '[project]\nauthors = [{name = "M", email = "m@meta.com"}]\n'
    assert _worst(_scan(makers_notice_index, _package(tmp_path / "meta", _text(*MAKER), meta))) == "high"


def test_a_makers_model_holding_code_another_makers_model_had_first_is_no_claim_of_its_own() -> None:
    """A unit matching a model of the maker the scanned code names (its package's metadata or its
    own notice), held as closely by another maker's model first seen earlier: that model had the
    code first, so the unit is not the maker's own (dates bound what the scanned code says of
    itself); a holder of the same maker, or a later one, changes nothing."""
    from types import SimpleNamespace

    from lineage.classify.codematch import code_finding
    from lineage.classify.explain import Ties
    from lineage.classify.owner import makers_model
    from lineage.compact.files import compact
    from lineage.fingerprint.params import FingerprintParams
    from lineage.models import Match, RefUnit, SourceFile

    text = "def mix(values, width):\n    total = sum(values) / width\n    return [v * total for v in values]\n"
    unit = next(u for u in compact(SourceFile("m.py", text.encode()), FingerprintParams()).units if u.qualname == "mix")
    ref = RefUnit("s:kappa", "Mistral AI", "FR", "Apache-2.0", "dir:s", "kappa/m.py", "mix", 1, 3, "2025-07-28")

    def finding(other: str):  # type: ignore[no-untyped-def]
        ties = Ties(("s:kappa", other), 2, other, "2023-02-24", "2023-02-24")
        return code_finding("m.py", unit, [Match(ref, 1.0, 1.0, 1.0, 0.9, 0.9, (), 100)], ties=ties)

    orgs = {"s:kappa": "Mistral AI", "s:elder": "Meta", "s:sister": "Mistral AI"}
    notices = SimpleNamespace(notices=())  # (the reference names no holder)
    makers = frozenset({"Mistral AI"})
    dates = {"kappa": "2025-07-28", "elder": "2023-02-24", "sister": "2023-02-24"}
    assert makers_model(finding("s:elder"), "s:zeta", makers, orgs, lambda *_: notices) == ("Mistral AI", "s:kappa")
    assert makers_model(finding("s:elder"), "s:zeta", makers, orgs, lambda *_: notices, dates) == ("", "")
    assert makers_model(finding("s:sister"), "s:zeta", makers, orgs, lambda *_: notices, dates) == \
        ("Mistral AI", "s:kappa")
    later = {**dates, "elder": "2026-01-01"}
    assert makers_model(finding("s:elder"), "s:zeta", makers, orgs, lambda *_: notices, later) == \
        ("Mistral AI", "s:kappa")


def test_a_small_paste_of_another_makers_code_is_not_covered_by_the_hosts_retained_notice(two_makers_alone_index,
                                                                                        tmp_path: Path) -> None:
    """A copy of Zhipu AI's code keeping Zhipu AI's notice, with Mistral AI's decoder layer pasted in,
    too small a part for Mistral AI's notices to be judged: the Mistral unit is no "notice retained"
    (the notice kept is Zhipu AI's, which says nothing of Mistral AI's code); it stays unjudged, as it
    would beside a removed notice (a stranger's review: a Qwen block in a phi3 copy keeping
    Microsoft's notice read "copy of qwen2_moe, phi3's notice retained")."""
    from tests.classify.conftest import MODEL, top_level

    body = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + \
        top_level(MODEL.read_text(encoding="utf-8"), (*ZHIPU_PART, "ZetaMoeDecoderLayer"))
    report = _scan(two_makers_alone_index, _package(tmp_path / "p", "\n".join(MAKER) + "\n" + body, None))
    code = [f for f in report["findings"] if f["kind"] == "code-match"]
    host = [f for f in code if f["unit"].split(".")[0] in ZHIPU_PART and f["severity"] in ("medium", "high")]
    assert host and all(f["attribution"] == "retained" for f in host)  # (the host's own code: its notice kept)
    pasted = [f for f in code if f["unit"].startswith("ZetaMoeDecoderLayer") and f["matches"][0]["family"] == "eng:kappa"]
    assert pasted and all(f["attribution"] != "retained" for f in pasted), [(f["unit"], f["attribution"]) for f in pasted]
