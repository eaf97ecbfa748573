"""Attribution of a copied model file (issue 5 case 6): the upstream notice kept, removed,
replaced, declared (Adapted-from line, modular import) or kept in Chinese."""

from __future__ import annotations

import ast
import re

import pytest

from lineage.models import Finding, ScanResult

COPY = "acme/modeling_acme.py"
HEADLINE = ("AcmeLMAttention.__init__", "AcmeLMAttention.forward", "AcmeLMRouter.forward",
            "AcmeLMSparseBlock.forward")
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}
HEADERS_REPLACED = ("# Copyright 2025 Acme Inc.", "# SPDX-License-Identifier: Apache-2.0")
MODULAR_IMPORT = "from ..glm4_moe.modeling_glm4_moe import RMSNorm as UpstreamNorm\n"


def attributed(result: ScanResult) -> list[Finding]:
    """Code findings whose notices were judged (beyond idioms, boilerplate and fragments)."""
    return [f for f in result.findings if f.kind == "code-match" and f.attribution is not None]


def headline(result: ScanResult) -> list[Finding]:
    found = [f for f in result.findings if f.kind == "code-match" and f.unit in HEADLINE]
    assert sorted(f.unit for f in found) == sorted(HEADLINE)
    return found


def notices(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.kind == "notice" and f.path == COPY]


@pytest.mark.parametrize(("header", "state", "suffix"), [
    ("kept", "retained", ", notice retained"),
    ("chinese", "retained", ", notice retained"),
    ("removed", "removed", ", notice removed"),
    ("replaced", "replaced", ", notice replaced"),
])
def test_notice_state_of_a_copy(scan, copies, headers, header: str, state: str, suffix: str) -> None:
    result = scan({COPY: copies.with_header(copies.attention_moe, *headers[header])})
    judged = attributed(result)
    assert judged and {f.attribution for f in judged} == {state}
    for f in headline(result):
        assert f.attribution == state
        assert f.details.verdict == f"core-architecture copy of glm4_moe (Zhipu AI, CN){suffix}"
        if state in ("removed", "replaced"):
            assert RANK[f.severity] >= RANK["medium"]
    if state in ("removed", "replaced"):
        # copied code without its upstream notice is never below medium
        assert all(RANK[f.severity] >= RANK["medium"] for f in judged)
    verdict = result.summary.files[COPY].verdict
    assert verdict == f"core-architecture copy of glm4_moe (Zhipu AI, CN){suffix}"
    (notice,) = [f for f in notices(result) if f.attribution == state]
    assert notice.severity == {"retained": "info", "removed": "medium", "replaced": "high"}[state]
    if state == "replaced":
        assert notice.details.comparison.replaced_by.holder == "Acme Inc"
        assert "Copyright 2025 The ZhipuAI Inc. team." in notice.explanation
    if header == "chinese":
        assert notice.details.statement == "版权所有 (c) 2025 智谱AI"


def test_low_findings_are_raised_when_the_notice_is_removed(scan, copies, headers) -> None:
    kept = {f.unit: f.severity for f in attributed(scan({COPY: copies.with_header(copies.attention_moe,
                                                                                   *headers["kept"])}))}
    removed = {f.unit: f.severity for f in attributed(scan({COPY: copies.with_header(copies.attention_moe,
                                                                                      *headers["removed"])}))}
    assert "low" in kept.values()  # e.g. the router's __init__: a small but rare copy
    assert kept.keys() == removed.keys()
    for unit, sev in kept.items():
        assert removed[unit] == ("medium" if sev == "low" else sev)


def test_declared_reuse_is_reported_as_declared(scan, copies, headers) -> None:
    result = scan({COPY: copies.with_header(copies.attention_moe, *headers["adapted"])})
    judged = attributed(result)
    assert judged and {f.attribution for f in judged} == {"declared"}
    for f in headline(result):
        assert f.role == "core-architecture"
        assert f.severity == "info"
        assert f.details.verdict == "core-architecture copy of glm4_moe (Zhipu AI, CN), reuse declared"
    assert [f.attribution for f in notices(result)] == ["declared"]
    assert all(f.severity == "info" for f in result.findings if f.path == COPY)


@pytest.mark.parametrize(("header", "state"), [("kept", "retained"), ("removed", "removed"),
                                               ("replaced", "replaced")])
def test_an_import_declares_only_what_it_imports(scan, copies, headers, header: str, state: str) -> None:
    """Importing one class from the upstream module is not a licence for the units copied
    beside it: they are judged on their own notice, whatever the import."""
    body = copies.attention_moe.replace("from torch import nn\n", "from torch import nn\n" + MODULAR_IMPORT, 1)
    assert MODULAR_IMPORT in body
    result = scan({COPY: copies.with_header(body, *headers[header])})
    judged = attributed(result)
    assert judged and {f.attribution for f in judged} == {state}
    for f in headline(result):
        assert f.details.verdict == f"core-architecture copy of glm4_moe (Zhipu AI, CN), notice {state}"
    if state != "retained":
        assert all(RANK[f.severity] >= RANK["medium"] for f in judged)
        notice = next(f for f in notices(result) if f.attribution == state)
        assert RANK[notice.severity] >= RANK["medium"]
        assert "imports RMSNorm from glm4_moe" in notice.explanation and "copied, not imported" in notice.explanation


UPSTREAM_ATTENTION = "from ..glm4_moe.modeling_glm4_moe import ZetaMoeAttention as UpstreamAttention\n"


def test_a_subclass_declares_what_it_inherits_not_code_pasted_into_it(scan, copies, headers) -> None:
    """A class built on an imported upstream class declares what it inherits from that class, not
    code of another upstream class pasted into its body: built on the upstream norm, the copied
    attention is judged on its own notice (a stranger's review laundered whole files by building
    each copied class on another class imported from the family)."""
    body = copies.attention_moe.replace("from torch import nn\n", "from torch import nn\n" + MODULAR_IMPORT, 1)
    for cls in ("AcmeLMAttention", "AcmeLMRouter", "AcmeLMSparseBlock"):  # each copied class on the imported norm
        assert f"class {cls}(nn.Module):" in body
        body = body.replace(f"class {cls}(nn.Module):", f"class {cls}(UpstreamNorm):", 1)
    result = scan({COPY: copies.with_header(body, *headers["removed"])})
    judged = attributed(result)
    assert {f.unit: f.attribution for f in headline(result)} == dict.fromkeys(HEADLINE, "removed")
    assert all(RANK[f.severity] >= RANK["medium"] for f in judged if f.unit in HEADLINE)
    notice = next(f for f in notices(result) if f.attribution == "removed")
    assert RANK[notice.severity] >= RANK["medium"]


def test_a_subclass_overriding_what_it_inherits_is_declared(scan, copies, headers) -> None:
    """An override that changes the imported base's own method is what subclassing declares: the
    class built on the upstream attention, its forward reworked, is declared reuse, while the
    router copied beside it is not."""
    body = copies.attention_moe.replace("from torch import nn\n", "from torch import nn\n" + UPSTREAM_ATTENTION, 1)
    body = body.replace("class AcmeLMAttention(nn.Module):", "class AcmeLMAttention(UpstreamAttention):", 1)
    changed = body.replace(
        "        if attention_mask is not None:\n            att = att + attention_mask\n",
        "        if attention_mask is not None:\n            att = att.masked_fill(attention_mask == 0, float('-inf'))\n"
        "        if self.training and self.dropout > 0:\n            att = F.dropout(att, p=self.dropout)\n"
        "        att = att.clamp(min=-self.clip, max=self.clip) if self.clip else att\n", 1)
    assert changed != body and "class AcmeLMAttention(UpstreamAttention):" in changed
    result = scan({COPY: copies.with_header(changed, *headers["removed"])})
    forward = next(f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeLMAttention.forward")
    assert max(m.similarity for m in forward.matches) < 0.8  # an override, not the base's method pasted back
    assert forward.attribution == "declared" and forward.severity == "info"
    states = {f.unit: f.attribution for f in attributed(result)}
    assert states["AcmeLMRouter.forward"] == "removed"


ADAPTED = "# Adapted from transformers/models/glm4_moe/modeling_glm4_moe.py"
SPDX_LINE = "# SPDX-License-Identifier: Apache-2.0"


@pytest.mark.parametrize(("header", "state"), [
    (("# Copyright 2025 Acme Inc.", SPDX_LINE, ADAPTED), "replaced"),  # origin named, holder swapped
    ((SPDX_LINE, ADAPTED), "declared"),  # origin named, holder line dropped: a small gap only
])
def test_a_declared_origin_excuses_a_dropped_holder_never_a_replaced_one(scan, copies, header, state) -> None:
    result = scan({COPY: copies.with_header(copies.attention_moe, *header)})
    states = {f.attribution for f in notices(result)}
    assert state in states, states
    if state == "replaced":
        notice = next(f for f in notices(result) if f.attribution == "replaced")
        assert RANK[notice.severity] >= RANK["medium"] and "naming the origin does not" in notice.explanation
    else:
        assert all(RANK[f.severity] <= RANK["low"] for f in notices(result))


def test_naming_only_an_ancestor_does_not_declare_the_family_s_code(scan, copies, headers) -> None:
    """An Adapted-from line that names another family than the one the code was copied from
    declares nothing of that family's code."""
    text = copies.with_header(copies.attention_moe, *headers["removed"],
                              "# Adapted from transformers/models/llama/modeling_llama.py")
    result = scan({COPY: text})
    assert {f.attribution for f in attributed(result)} == {"removed"}


def test_declared_copy_keeps_a_file_verdict(scan, copies, headers) -> None:
    result = scan({COPY: copies.with_header(copies.attention_moe, *headers["adapted"])})
    verdict = result.summary.files[COPY].verdict
    assert not verdict.startswith("no lineage evidence"), verdict
    assert "glm4_moe" in verdict and "declared" in verdict


def test_a_config_import_does_not_excuse_a_replaced_notice(scan, copies, headers) -> None:
    """Serving engines import the upstream HF config class in every model file; a copy that does
    the same and swaps the upstream notice for its own is still a replaced notice."""
    config_import = "from transformers.models.glm4_moe import Glm4MoeConfig\n"
    body = copies.attention_moe.replace("from torch import nn\n", "from torch import nn\n" + config_import, 1)
    assert config_import in body
    result = scan({COPY: copies.with_header(body, *headers["replaced"])})
    judged = attributed(result)
    assert judged and {f.attribution for f in judged} == {"replaced"}
    assert any(f.severity == "high" for f in judged)


def _partial_helper(i: int) -> str:
    """Part of generated family i's own helper, the rest rewritten: a weak match to that family."""
    from tests.classify.conftest import unique_function

    lines = unique_function(i).splitlines()
    text = "\n".join([lines[0].replace("helper", "tally"), *lines[1:15],
                      "    total = sum(parts) + total", "    return total, parts"]) + "\n"
    for old, new in (("total", "acc"), ("parts", "bits"), ("table", "tab"), ("name", "where"), ("item", "val"),
                     ("fh", "stream")):
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def test_a_removed_notice_lifts_only_the_findings_of_the_family_judged(scan, copies, headers) -> None:
    """The file's notices are judged against glm4_moe's file; a weak match to another family
    in the same file says nothing of that notice, so it is not lifted to medium."""
    def other(result: ScanResult) -> dict[str, str]:
        return {f.unit: f.severity for f in result.findings if f.kind == "code-match"
                and f.matches[0].ref.family == "cls:other_03"}

    body = copies.attention_moe + "\n\n" + _partial_helper(3)
    kept, removed = (scan({COPY: copies.with_header(body, *headers[h])}) for h in ("kept", "removed"))
    assert other(kept) and set(other(kept).values()) == {"low"}
    assert other(removed) == other(kept)
    lifted = [f for f in attributed(removed) if f.matches[0].ref.family == "cls:glm4_moe"]
    assert lifted and all(RANK[f.severity] >= RANK["medium"] for f in lifted)


BANNER = ("# This file was automatically generated from src/transformers/models/acme/modular_acme.py.\n"
          "# Do NOT edit this file manually.\n")


def _modular(*classes: tuple[str, str]) -> str:
    """A modular file of our own: each (class, upstream base) subclasses the base imported from
    glm4_moe, adding nothing (the generated file beside it holds the base's code, renamed)."""
    imports = "".join(f"from ..glm4_moe.modeling_glm4_moe import {base}\n" for _, base in classes)
    return SPDX_LINE + "\n\n" + imports + "".join(f"\n\nclass {cls}({base}):\n    pass\n" for cls, base in classes)


def test_a_generated_file_declares_what_its_modular_file_s_bases_declare(scan, copies, headers) -> None:
    """transformers' modeling_X.py is generated from modular_X.py: a class the modular builds on an
    imported upstream class is declared in the generated file too, where generation pasted the
    base's code in; the classes the modular does not build on glm4_moe's stay copies."""
    generated = BANNER + copies.with_header(copies.attention_moe, *headers["removed"])
    modular = _modular(("AcmeLMAttention", "ZetaMoeAttention"))
    both = scan({COPY: generated, "acme/modular_acme.py": modular})
    states = {f.unit: f.attribution for f in attributed(both) if f.path == COPY}
    assert states["AcmeLMAttention.forward"] == "declared" and states["AcmeLMAttention.__init__"] == "declared"
    assert states["AcmeLMRouter.forward"] == "removed"
    alone = scan({COPY: generated})  # the banner alone names the modular, not glm4_moe
    assert {f.unit: f.attribution for f in attributed(alone)}["AcmeLMAttention.forward"] == "removed"
    elsewhere = scan({COPY: generated, "other/modular_acme.py": modular})  # not the file's own folder
    assert {f.unit: f.attribution for f in attributed(elsewhere) if f.path == COPY}["AcmeLMAttention.forward"] \
        == "removed"


def _own_module(i: int) -> str:
    """A small module of our own, unlike any reference code."""
    return "".join(f"def tally_{i}_{j}(ledger, weight):\n    ledger[{j}] = ledger.get({j}, {i}) + weight * {j + i}\n"
                   f"    return sorted(ledger)[:{j + 2}]\n\n\n" for j in range(3))


def test_a_scan_s_verdicts_do_not_depend_on_how_its_files_are_shared_out(scan, copies, headers) -> None:
    """A scan of 40 files or more is shared out between worker processes; what a generated file
    declares is written in its modular file, which may fall in another share: each share reads the
    whole scan's files (a stranger's review: transformers' own generated files read "declared" with
    one worker and as copies of undeclared code, medium, with two; mistral's notice low and medium)."""
    from lineage.config import Config
    from lineage.models import SourceFile
    from lineage.pipeline.match import SHARES_PER_WORKER, _shares, fingerprint_files

    files = {COPY: BANNER + copies.with_header(copies.attention_moe, *headers["removed"]),
             "acme/modular_acme.py": _modular(("AcmeLMAttention", "ZetaMoeAttention")),
             **{f"own/tally_{i}.py": _own_module(i) for i in range(40)}}
    runs = {w: scan(files, Config(workers=w)) for w in (1, 2, 3)}
    states = {w: {f.unit: (f.attribution, f.severity) for f in attributed(r) if f.path == COPY} for w, r in runs.items()}
    assert states[1]["AcmeLMAttention.forward"][0] == "declared" and states[1]["AcmeLMRouter.forward"][0] == "removed"
    assert states[2] == states[1] and states[3] == states[1]
    keys = {w: sorted((f.path, f.unit, f.kind, f.severity, f.attribution) for f in r.findings) for w, r in runs.items()}
    assert keys[2] == keys[1] and keys[3] == keys[1]
    assert {w: r.summary.files[COPY].verdict for w, r in runs.items()} == {w: runs[1].summary.files[COPY].verdict
                                                                        for w in runs}
    # (the generated file and its modular file did fall in different shares of the two workers)
    compacted = fingerprint_files([SourceFile(p, t.encode()) for p, t in files.items()], Config(workers=1))
    shares = _shares(compacted, 2 * SHARES_PER_WORKER)
    where = {cf.path: i for i, share in enumerate(shares) for cf in share}
    assert where[COPY] != where["acme/modular_acme.py"]


def test_a_configuration_class_built_on_another_family_s_is_declared(index, copies) -> None:
    """An import of another family's configuration class declares no modeling code (every serving
    engine imports its HF config); but a configuration class built on one is declared by it, as
    any subclass is by its base: in the modular file, and in the configuration file generated from it."""
    from lineage.classify.declaring import declarations
    from tests.classify.conftest import rename, top_level

    config = rename(top_level(copies.reference, ("ZetaMoeConfig",)))
    assert "class AcmeLMConfig" in config
    generated, path = BANNER + "import torch\n\n\n" + config, "acme/configuration_acme.py"
    modular = _modular(("AcmeLMConfig", "ZetaMoeConfig"))
    texts = {path: generated, "acme/modular_acme.py": modular}
    assert "AcmeLMConfig" in declarations(path, generated, index, "cls:glm4_moe", texts=texts)[1]
    assert "AcmeLMConfig" in declarations("acme/modular_acme.py", modular, index, "cls:glm4_moe", texts=texts)[1]
    assert not declarations(path, generated, index, "cls:glm4_moe", texts={path: generated})[1]
    imported_only = modular.replace("class AcmeLMConfig(ZetaMoeConfig)", "class AcmeLMModel(ZetaMoeConfig)")
    assert not declarations(path, generated, index, "cls:glm4_moe", texts={**texts, "acme/modular_acme.py": imported_only})[1]


def test_a_copier_s_name_beside_the_framework_s_replaces_the_upstream_holder(scan, copies) -> None:
    """transformers' headers read "<maker> and the HuggingFace Inc. team": a copier that puts its own
    name (one the organisation table does not list) in the maker's place replaced the maker's notice,
    though the framework's name beside it is kept."""
    header = ("# Copyright 2025 The Zeph Systems and the HuggingFace Inc. team. All rights reserved.", SPDX_LINE)
    result = scan({COPY: copies.with_header(copies.attention_moe, *header)})
    (notice,) = [f for f in notices(result) if f.attribution in ("removed", "replaced")]
    assert notice.attribution == "replaced" and notice.severity == "high" and notice.start_line == 1
    assert notice.details.comparison.replaced_by.holder == "Zeph Systems"
    framework = ("# Copyright 2025 The HuggingFace Inc. team. All rights reserved.", SPDX_LINE)
    result = scan({COPY: copies.with_header(copies.attention_moe, *framework)})
    assert {f.attribution for f in notices(result)} >= {"removed"}  # the framework's own line names no one else


def _small_copy(scan, copies):
    """A file of thirty functions of our own and a copied RMSNorm under another notice: (its code
    findings, its text, its source verdict)."""
    own = "\n\n".join(f"def own_{i}(total, parts):\n" + "".join(f"    total = total * {i} + {j}\n" for j in range(20))
                      + "    return total\n" for i in range(30))
    text = copies.with_header(copies.rmsnorm + "\n\n" + own, *HEADERS_REPLACED)
    result = scan({COPY: text})
    return [f for f in result.findings if f.path == COPY and f.kind == "code-match"], text, \
        result.summary.files[COPY].source


def test_a_small_copied_part_yields_to_a_source_that_explains_most_of_the_file(scan, copies) -> None:
    """A file whose copied units span a small part of it is mostly its own code, and its notice
    stands for that (judged.small_part); but not when its source explains most of the file: an
    obfuscated copy holds few units at a copy's strength and is still that source's code."""
    import dataclasses

    from lineage.classify.judged import small_part

    found, text, verdict = _small_copy(scan, copies)
    assert found and verdict is not None and verdict.source is not None
    assert small_part(found, text)
    most = dataclasses.replace(verdict, source=dataclasses.replace(verdict.source, score=0.8))
    assert not small_part(found, text, most, verdict.source.family)
    assert small_part(found, text, most, "cls:other_01")  # another family explaining it says nothing of this one


def test_a_small_copied_part_yields_to_a_copy_of_the_source_s_whole_file(scan, copies) -> None:
    """A copy of a source's whole file (wholecopy.whole_file) with names changed holds few units that
    convict on their own, and padding added lowers the share they span: the file is still mostly the
    copy, and the notice it carries stands in the source's place when the source explains MOSTLY of
    it (a stranger's review: one header over 25 files obfuscated alike read "replaced" in 21 and
    "removed" in 4, explained 63-74% by their sources).  A whole file beside more code of the file's
    own, or a verdict that is no copy of the whole file, leaves the units to decide."""
    import dataclasses

    from lineage.classify.fileverdict import MOSTLY
    from lineage.classify.judged import small_part
    from lineage.classify.wholecopy import whole_file

    found, text, verdict = _small_copy(scan, copies)
    assert found and verdict is not None and verdict.source is not None and small_part(found, text)
    family = verdict.source.family
    whole = dataclasses.replace(verdict, status="source", decided_by="cover", basis="distinctive", margin=0.5,
                                lead=0.5, source=dataclasses.replace(verdict.source, score=0.65, contains=1.0))
    assert whole_file(whole)
    assert not small_part(found, text, whole, family)
    assert small_part(found, text, whole, "cls:other_01")  # another family's whole file says nothing of this one
    less = dataclasses.replace(whole, source=dataclasses.replace(whole.source, score=MOSTLY - 0.05))
    assert whole_file(less) and small_part(found, text, less, family)
    part = dataclasses.replace(whole, source=dataclasses.replace(whole.source, contains=0.1))
    assert not whole_file(part) and small_part(found, text, part, family)


def test_two_units_of_one_name_and_shape_in_a_file_have_their_own_ids(scan, copies, headers) -> None:
    """A method defined twice in its class (as vLLM's gpt_oss.py does) is two units of one name and shape:
    each finding has an id of its own, the first the id it has alone, so a pragma or baseline entry
    for one does not silence the other (a stranger's review: vLLM's gpt_oss.py, `weight_loader`)."""
    text = copies.with_header(copies.attention_moe, *headers["removed"])
    start = text.index("    def forward", text.index("class AcmeLMAttention"))
    end = text.index("\nclass ", start)
    method = text[start:end].rstrip("\n") + "\n"
    twice = text[:start] + method + "\n" + method + text[start + len(method):]  # (the method defined twice)
    once, both = scan({COPY: text}), scan({COPY: twice})
    ids = [f.id for f in both.findings]
    assert len(ids) == len(set(ids))
    first = {f.unit: f.id for f in once.findings if f.kind == "code-match" and f.unit.startswith("AcmeLMAttention.")}
    repeated = [f for f in both.findings if f.kind == "code-match" and f.unit == "AcmeLMAttention.forward"]
    assert len(repeated) == 2 and repeated[0].start_line < repeated[1].start_line
    assert repeated[0].id == first["AcmeLMAttention.forward"] != repeated[1].id


def _method(text: str, cls: str, name: str) -> list[str]:
    """The body lines of method ``name`` of class ``cls`` in ``text`` (as written, indented)."""
    node = next(n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.ClassDef) and n.name == cls)
    fn = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = text.splitlines()
    return lines[fn.body[0].lineno - 1: fn.end_lineno]


def test_a_method_padded_with_its_base_s_own_is_not_what_it_inherits(scan, copies, headers) -> None:
    """The MoE block's forward behind a flag, the imported upstream attention's own forward after it:
    the method holds its base's member and the block's code beside it, both under copy strength and
    about as closely (a second stranger's review laundered a whole file so).  The block's code is no
    part of what the class inherits: judged on its own notice."""
    body = copies.attention_moe.replace("from torch import nn\n", "from torch import nn\n" + UPSTREAM_ATTENTION, 1)
    block = _method(body, "AcmeLMSparseBlock", "forward")
    attention = _method(body, "AcmeLMAttention", "forward")
    padded = ("    def forward(self, h, cos=None, sin=None, attention_mask=None):\n"
              "        if getattr(self, '_alt', False):\n"
              + "\n".join("    " + line for line in block) + "\n"
              + "\n".join(attention) + "\n")
    start = body.index("class AcmeLMSparseBlock(nn.Module):")
    head, _, rest = body[start:].partition("    def forward(self, h):")
    tail = rest[rest.index("\nclass ") + 1:] if "\nclass " in rest else ""
    cls = head.replace("class AcmeLMSparseBlock(nn.Module):", "class AcmeLMSparseBlock(UpstreamAttention):")
    text = body[:start] + cls + padded + "\n\n" + tail
    ast.parse(text)
    result = scan({COPY: copies.with_header(text, *headers["removed"])})
    forward = next(f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeLMSparseBlock.forward")
    assert forward.attribution == "removed" and RANK[forward.severity] >= RANK["medium"], (forward.attribution,
                                                                                           forward.severity)
