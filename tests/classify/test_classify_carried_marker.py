"""Origin markers that came with the copied code declare nothing: a copy of a reference file keeps
the reference's "Copied from ..." and "Adapted from ..." lines (transformers' CLAP and TimeSformer
carry dozens) and drops its notice.  The index stores every reference file's marker lines; a
scanned file's marker that the matched reference file carries verbatim is the reference's account
of its own origin, so the copy's removed notice is a finding, while a marker of the copy's own
(another renaming, another URL) still declares its reuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lineage.declared.carried import carried_line, carried_marks, families_named, marker_key
from lineage.errors import IndexError_
from lineage.index.embedded import EmbeddedIndex
from lineage.index.store import read_index, write_index
from lineage.models import ScanResult
from tests.classify.test_classify_elder import COPY, HEAD, OLD, RIPPLE_OWN, build, scan

# ripple's file: wave's attention under ripple's names with ripple's marker naming wave (its
# declared parent), and an origin line below the imports pointing at ripple's original repository
ORIGIN = "# Adapted from https://github.com/alibaba/ripple/blob/0a1b2c/ripple/modeling_ripple.py#L40\n"
MARKER = "# Copied from transformers.models.wave.modeling_wave.WaveAttention with Wave->Ripple\n"
RIPPLE = HEAD + ORIGIN + MARKER + OLD.replace("Wave", "Ripple") + RIPPLE_OWN


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return build(tmp_path_factory, "car", HEAD + OLD, RIPPLE, 'lineage = ["wave"]')


def renamed(text: str) -> str:
    """The copier's names for ripple's, every marker line left as ripple wrote it."""
    kept = {line: line for line in text.splitlines() if "Copied from" in line or "Adapted from" in line}
    out = text.replace("Ripple", "Acme")
    for line in kept:
        out = out.replace(line.replace("Ripple", "Acme"), line)
    return out


def code(result: ScanResult) -> list:  # type: ignore[type-arg]
    return [f for f in result.findings if f.kind == "code-match" and f.unit.startswith(("AcmeAttention", "AcmeGate"))]


def notices(result: ScanResult) -> set[tuple[str, str | None]]:
    return {(f.severity, f.attribution) for f in result.findings if f.kind == "notice" and f.attribution}


def test_the_index_stores_each_reference_files_marker_keys(index: EmbeddedIndex) -> None:
    marks = index.marks_of("car:ripple", "ripple/modeling_ripple.py")
    assert marks == {"https://github.com/alibaba/ripple/blob/0a1b2c/ripple/modeling_ripple.py#l40",
                     "transformers.models.wave.modeling_wave.waveattention with wave->ripple"}
    assert families_named(marks) == {"ripple", "wave"}
    assert index.marks_of("car:wave", "wave/modeling_wave.py") == frozenset()


def test_a_copy_keeping_the_references_markers_owes_its_removed_notice(index: EmbeddedIndex) -> None:
    result = scan(index, renamed(RIPPLE))
    found = code(result)
    assert found and not any(f.attribution == "declared" for f in found)
    assert any(f.attribution == "removed" and f.severity in ("medium", "high") for f in found)
    assert ("medium", "removed") in notices(result)
    assert "notice removed" in result.summary.files[COPY].verdict


def test_markers_of_the_copys_own_declare_its_reuse(index: EmbeddedIndex) -> None:
    own = renamed(RIPPLE).replace(MARKER, MARKER.replace("->Ripple", "->Acme")).replace(
        ORIGIN, "# Adapted from https://github.com/alibaba/ripple/blob/main/ripple/modeling_ripple.py\n")
    result = scan(index, own)
    attention = [f for f in code(result) if f.unit.startswith("AcmeAttention")]
    assert attention and {f.attribution for f in attention} == {"declared"}
    assert not any(sev in ("medium", "high") for sev, _ in notices(result))
    assert result.summary.files[COPY].verdict.startswith("declared reuse of ")
    # declaring the origin excuses a dropped line, never another holder's line in its place
    declared_only = own.replace(RIPPLE_OWN.replace("Ripple", "Acme"), "")  # every unit under its marker
    replaced = scan(index, "# Copyright 2024 Acme Inc.\n" + declared_only)
    assert ("high", "replaced") in notices(replaced)
    verdict = replaced.summary.files[COPY].verdict
    assert verdict.startswith("declared reuse of ") and verdict.endswith(", notice replaced")


@pytest.mark.parametrize("edit", [
    lambda m: m.replace("#L40", "#L40."),  # trailing punctuation
    lambda m: m.replace("Adapted from", "Adapted from:"),
    lambda m: m.replace("https", "`https").rstrip("\n") + "`\n",  # backticks around the target
    lambda m: m.replace("from https", "from:\n#   https"),  # the target moved to the next line
    lambda m: m.replace("# Adapted from", "#   ADAPTED   FROM "),
])
def test_a_kept_marker_reworded_or_reflowed_still_came_with_the_copy(index: EmbeddedIndex, edit) -> None:  # type: ignore[no-untyped-def]
    result = scan(index, renamed(RIPPLE).replace(ORIGIN, edit(ORIGIN)))
    assert ("medium", "removed") in notices(result)
    assert not any(f.attribution == "declared" for f in code(result))


def test_marker_keys_read_targets_and_renamings() -> None:
    lines = ["x = 1", "#   Copied from  transformers.models.wave.modeling_wave.WaveMLP with Wave->Acme",
             "# Adapted from:", "#   https://example.org/Acme/model.py.", '"""Adapted from `acme.models.mlp`."""',
             "# Copied from transformers.models.wave.modeling_wave.WaveMLP with Wave -> Acme, WAVE->ACME"]
    keys = carried_marks("\n".join(lines))
    assert keys == ("acme.models.mlp", "https://example.org/acme/model.py",
                    "transformers.models.wave.modeling_wave.wavemlp with wave->acme",
                    "transformers.models.wave.modeling_wave.wavemlp with wave->acme,wave->acme")
    assert marker_key("`https://example.org/x.py`:", "") == "https://example.org/x.py"
    assert carried_line("Adapted from: https://example.org/Acme/model.py", frozenset(keys))
    assert not carried_line("Adapted from https://example.org/other.py", frozenset(keys))
    assert not carried_line("no marker here", frozenset(keys))
    assert carried_marks("import torch\n") == ()


def test_an_index_whose_marker_lines_are_not_text_is_refused(index: EmbeddedIndex, tmp_path: Path) -> None:
    from lineage import api

    header, arrays = read_index(Path(index.path))
    meta = json.loads(bytes(arrays["meta"]))
    row = next(r for r in meta["files"] if r.get("marks"))
    row["marks"] = [1, 2]  # the checksums are rewritten: only the structural check can refuse it
    arrays = dict(arrays, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    bad = tmp_path / "bad.lineage"
    write_index(bad, {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}, arrays)
    with pytest.raises(IndexError_, match="origin markers"):
        api.open_index(bad)
