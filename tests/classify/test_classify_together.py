"""A copy split into a file per definition is read as the one file it was.

Fixture code is our own (tests/classify/data/lines/base.py), indexed as in
test_classify_whole_file.py: a "base" line of six classes, and twelve other organisations' lines
each carrying three of them, so every class is code seven model lines share.  Base's file whole
is a copy of base; each of its classes alone is shared code.  A stranger's review split copies of
real files (transformers' qwen3 and mistral) one definition per file: each file read "built on
shared code" and the scan passed (exit 0).
"""

from __future__ import annotations

import re

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.classify.together import read_together
from lineage.models import ScanResult, SourceFile
from lineage.pipeline.match import fingerprint_files, query_options
from tests.classify.test_classify_whole_file import CLASSES, _parts, shared_classes_index
from tests.lines_fixture import code

HEADER = "# Copyright 2026 Foo Labs. All rights reserved.\n"
BIG = {"mineattention.py", "minemodel.py"}  # base's largest classes, as split() names their files


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return shared_classes_index(tmp_path_factory.mktemp("together"))


def split(text: str, folder: str = "mine") -> dict[str, str]:
    """One file per top-level definition of `text`, each under the module's imports and HEADER."""
    chunks = re.split(r"(?m)^(?=class |def )", text)
    head = "".join(line + "\n" for line in chunks[0].splitlines() if line.startswith(("import ", "from ")))
    out = {}
    for k, chunk in enumerate(chunks[1:]):
        name = re.match(r"(?:class|def) (\w+)", chunk)
        assert name is not None
        out[f"{folder}/part_{k:02d}_{name.group(1).lower()}.py"] = HEADER + head + "\n\n" + chunk
    return out


def scan(index: EmbeddedIndex, files: dict[str, str]) -> ScanResult:
    result, _ = api.scan_files([SourceFile(p, t.encode()) for p, t in files.items()], index, Config(workers=1))
    return result


def test_a_file_split_one_definition_per_file_is_read_as_the_copy_it_is(index: EmbeddedIndex) -> None:
    parts = split(code(("base",), "Mine"))
    assert len(parts) == 7
    # each part alone is shared code, no copy: the scan passed
    for path, text in parts.items():
        alone = scan(index, {path: text})
        assert not [f for f in alone.findings if f.severity in ("medium", "high")], path
    result = scan(index, parts)
    read = {p: result.summary.files[p] for p in parts if p in result.summary.files}
    together = [p for p, row in read.items() if row.source is not None and row.source.together]
    # the parts holding the attention and the model, base's largest classes, are named; a part whose
    # every unit shares too little code to be judged on its own (SCORING.min_evidence) is not
    assert len(together) >= 4 and BIG <= {p.split("_", 2)[-1] for p in together}, \
        {p: row.verdict for p, row in read.items()}
    for p in together:
        v = read[p].source
        assert v.source is not None and v.source.family == "wf:base" and v.source.contains >= 0.9
        assert set(v.together) == set(together) and p in v.together
        said = read[p].verdict  # (a part with a unit rated as part of the copy: "core-architecture copy of ...")
        n = len(together)
        assert said.startswith((f"part of a copy of the whole file of base (Meta, US), split across {n} files",
                                f"core-architecture copy of base (Meta, US), one part of its whole file split across {n}")), said
        assert "read together with" in read[p].origin
        assert read[p].to_json()["source"]["read_together"] == list(v.together)
    # the notice each part replaced is judged against base's, and some shared units are rated as part of the copy
    notices = [f for f in result.findings if f.kind == "notice" and f.severity in ("medium", "high")]
    assert {f.path for f in notices} == set(together) and all(f.attribution == "replaced" for f in notices)
    assert all(f.matches[0].ref.family == "wf:base" for f in notices)


def test_part_of_a_file_split_apart_is_still_shared_code(index: EmbeddedIndex) -> None:
    """What one of the other lines holds (three classes), split: no source's whole file, so no copy."""
    keep = {CLASSES[(1 + i) % len(CLASSES)] for i in range(3)}
    parts = split(_parts(code(("base",), "Mine"), "Mine", keep))
    result = scan(index, parts)
    assert not [f for f in result.findings if f.severity in ("medium", "high")]
    assert not any(row.source is not None and row.source.together for row in result.summary.files.values())


def test_a_split_over_a_package_s_subdirectories_is_read_together(index: EmbeddedIndex) -> None:
    """The layout of a real package: layers in a subdirectory, the model beside it."""
    parts = {(f"pkg/layers/{p.split('/')[-1]}" if k < 4 else f"pkg/{p.split('/')[-1]}"): t
             for k, (p, t) in enumerate(split(code(("base",), "Mine")).items())}
    result = scan(index, parts)
    together = [p for p, row in result.summary.files.items() if row.source is not None and row.source.together]
    assert len(together) >= 4 and any(p.startswith("pkg/layers/") for p in together), together
    assert [f for f in result.findings if f.kind == "notice" and f.severity in ("medium", "high")]


def test_files_of_distant_directories_are_not_read_together(index: EmbeddedIndex) -> None:
    """The same split, its files three levels below their nearest common directory: not one package."""
    parts = {f"d{k}/x/y/{p.split('/')[-1]}": t for k, (p, t) in enumerate(split(code(("base",), "Mine")).items())}
    result = scan(index, parts)
    assert not any(row.source is not None and row.source.together for row in result.summary.files.values())
    assert not [f for f in result.findings if f.severity in ("medium", "high")]


def test_a_split_beside_files_of_one_s_own_is_still_read_together(index: EmbeddedIndex) -> None:
    """Files of one's own in the same directory, some family faintly holding them: the parts holding
    base's code are read together, the files of one's own are no part of the copy."""
    parts = split(code(("base",), "Mine"))
    own = "import torch\nfrom torch import nn\n\n\n" + "\n\n".join(
        f"class Own{k}(nn.Module):\n    def __init__(self, width):\n        super().__init__()\n"
        f"        self.gate = nn.Linear(width, width * {k + 2})\n\n    def forward(self, x):\n"
        f"        return torch.sigmoid(self.gate(x)).mean(-1) * {k + 1}\n" for k in range(12))
    parts.update({f"mine/own_{k}.py": own.replace("class Own", f"class Own{k}_") for k in range(6)})
    result = scan(index, parts)
    together = [p for p, row in result.summary.files.items() if row.source is not None and row.source.together]
    assert len(together) >= 4 and not any("/own_" in p for p in together), together


def test_a_file_that_is_a_copy_on_its_own_is_left_out(index: EmbeddedIndex) -> None:
    """Base's whole file beside its own split parts: the whole file convicts on its own and is not
    read with the parts, which are not a copy together without it... nor read as one with it."""
    parts = split(code(("base",), "Mine"))
    parts["mine/modeling_whole.py"] = HEADER + code(("base",), "Whole")
    result = scan(index, parts)
    whole = result.summary.files["mine/modeling_whole.py"]
    assert whole.source is not None and not whole.source.together
    assert whole.verdict.startswith("core-architecture copy of base"), whole.verdict
    together = [p for p, row in result.summary.files.items() if row.source is not None and row.source.together]
    assert "mine/modeling_whole.py" not in together


OWN = "import torch\nfrom torch import nn\n\n\n" + "\n\n".join(
    f"class Own{k}(nn.Module):\n    def __init__(self, width):\n        super().__init__()\n"
    f"        self.gate = nn.Linear(width, width * {k + 2})\n\n    def forward(self, x):\n"
    f"        return torch.sigmoid(self.gate(x)).mean(-1) * {k + 1}\n" for k in range(4))


def _norm(prefix: str) -> str:
    """Base's smallest class, the norm, as a file of `prefix`'s line writes it."""
    found = re.search(r"(?ms)^class \w+Norm\b.*?(?=^class |^def )", code(("base",), prefix))
    assert found is not None
    return found.group(0)


def test_a_file_of_one_s_own_sharing_a_small_unit_is_no_part_of_the_copy(index: EmbeddedIndex) -> None:
    """Beside a split copy, a file of one's own code that also writes base's norm as every line does:
    the norm shares too little code to be judged on its own, so the file is no part of the copy."""
    parts = split(code(("base",), "Mine"))
    parts["mine/own_layers.py"] = HEADER + OWN + "\n\n" + _norm("Own")
    result = scan(index, parts)
    together = [p for p, row in result.summary.files.items() if row.source is not None and row.source.together]
    assert len(together) >= 4, together
    assert "mine/own_layers.py" not in together
    assert not [f for f in result.findings if f.path == "mine/own_layers.py" and f.severity in ("medium", "high")]


def test_a_file_holding_the_source_s_whole_file_alone_is_not_a_split(index: EmbeddedIndex) -> None:
    """read_together on base's whole file beside a file of one's own holding its norm: the whole
    file is the copy (judged as one file), not a part of a split copy, and the other file no part."""
    files = fingerprint_files([SourceFile("mine/modeling_whole.py", (HEADER + code(("base",), "Whole")).encode()),
                               SourceFile("mine/own_layers.py", (HEADER + OWN + "\n\n" + _norm("Own")).encode())],
                              Config(workers=1))
    assert read_together(index, files, query_options(Config(workers=1))) is None
    # (the same reader does join base's file split in two)
    halves = re.split(r"(?m)^(?=class \w+MLP\b)", code(("base",), "Mine"))
    head = "".join(line + "\n" for line in halves[0].splitlines() if line.startswith(("import ", "from ")))
    split_two = fingerprint_files([SourceFile("mine/a.py", (HEADER + halves[0]).encode()),
                                   SourceFile("mine/b.py", (HEADER + head + halves[1]).encode())], Config(workers=1))
    joined = read_together(index, split_two, query_options(Config(workers=1)))
    assert joined is not None and joined.source is not None and joined.source.family == "wf:base"
    assert set(joined.together) == {"mine/a.py", "mine/b.py"}


def _helpers(seed: int, n: int = 3) -> str:
    """``n`` functions of one's own, no two alike (no family holds them)."""
    ops = ("+", "-", "*", "/")
    out = []
    for j in range(n):
        k = seed * 7 + j
        a, b = ops[k % 4], ops[(k + 1) % 4]
        out.append(
            f"def own_{seed}_{j}(values, limit={k + 3}):\n"
            f"    total = {k}\n"
            f"    for i, value in enumerate(values):\n"
            f"        if i % {j + 2} == 0:\n"
            f"            total = total {a} value * {k + 1}\n"
            f"        elif value > limit:\n"
            f"            total = (total {b} limit) % {k + 5}\n"
            f"        else:\n"
            f"            total += i ** {j + 1}\n"
            f"    return [total, limit, len(values) {a} {seed + 1}][{j % 3}]\n")
    return "\n\n".join(out)


def test_a_split_with_more_code_of_one_s_own_in_every_file_is_still_a_copy(index: EmbeddedIndex) -> None:
    """A sixth review's split: a definition per file, three helpers of one's own beside each, so that
    the files together are mostly their own code.  Base's code is there as it is, its whole file
    across them: read over the code base holds (as one file's copy beside its own code is), the
    files holding a quarter of their code or more from it are parts of a copy of base's file."""
    parts = {p: t + "\n\n" + _helpers(k) for k, (p, t) in enumerate(split(code(("base",), "Mine")).items())}
    own = sum(t.count("\n") for t in parts.values()) - sum(t.count("\n") for t in split(code(("base",), "Mine")).values())
    assert own > sum(t.count("\n") for t in split(code(("base",), "Mine")).values()) / 2  # (most of the code is their own)
    result = scan(index, parts)
    together = [p for p, row in result.summary.files.items() if row.source is not None and row.source.together]
    assert len(together) >= 3 and BIG <= {p.split("_", 2)[-1] for p in together}, together
    for p in together:
        v = result.summary.files[p].source
        assert v is not None and v.source is not None and v.source.family == "wf:base" and v.source.contains >= 0.9
    notices = [f for f in result.findings if f.kind == "notice" and f.severity in ("medium", "high")]
    assert {f.path for f in notices} == set(together)


def test_a_changed_split_beside_more_code_of_one_s_own_is_not_read_over_its_held_code(index: EmbeddedIndex) -> None:
    """The same split with base's attention changed (a step added): alone, its parts are still a copy
    of base's file read together; beside more code of their own, base's code is not there as it is
    (filescope._verbatim: transformers' granite, llama's file with a step added in every layer, is
    not a copy of a near-clone of llama's), so their own code is not set aside for it."""
    changed = code(("base",), "Mine").replace("        b, t, _ = x.shape\n",
                                              "        x = torch.nan_to_num(x)\n        b, t, _ = x.shape\n", 1)
    assert changed != code(("base",), "Mine")
    bare = scan(index, split(changed))
    assert any(row.source is not None and row.source.together for row in bare.summary.files.values())
    padded = scan(index, {p: t + "\n\n" + _helpers(k) for k, (p, t) in enumerate(split(changed).items())})
    assert not any(row.source is not None and row.source.together for row in padded.summary.files.values())


def _class(prefix: str, name: str) -> str:
    """Base's class ``name`` as a file of `prefix`'s line writes it."""
    found = re.search(rf"(?ms)^class \w+{name}\b.*?(?=^class |^def |\Z)", code(("base",), prefix))
    assert found is not None
    return found.group(0)


def test_files_of_one_s_own_beside_a_vendored_split_are_no_parts_of_it(index: EmbeddedIndex) -> None:
    """A sixth review: base's file vendored a definition per file, its notice kept in each piece,
    beside files written from scratch that each also hold a verbatim class base's file has (its MLP,
    its rotary embedding), a third of their code.  The vendored pieces are read together; the own
    files add nothing to that copy (each class they hold, a piece holds too) and are no part of it,
    their own notices not judged against base's."""
    vendored = {p: t.replace(HEADER, "# Copyright 2023 Meta Platforms, Inc.\n")
                for p, t in split(code(("base",), "Base"), "pkg").items()}
    own = {f"pkg/own_{k}.py": HEADER + OWN + "\n\n" + _class("Own", name) + "\n\n" + _helpers(40 + k, 2)
           for k, name in enumerate(("MLP", "Rotary", "MLP"))}
    result = scan(index, {**vendored, **own})
    together = {p for p, row in result.summary.files.items() if row.source is not None and row.source.together}
    assert together and together <= set(vendored), together
    assert not [f for f in result.findings if f.path in own and f.severity in ("medium", "high")]
