"""`lineage verify` with the roles swapped: the suspect is the indexed line's own published file.

The corpus holds Alpha's file (Zhipu AI) whole, notice and all.  Given as the suspect against a
renamed copy of it under Acme's notice given as the reference, the exhibit read "high: copy of
the whole reference file, notice replaced", an accusation of the original publisher (a
stranger's review, on transformers' qwen3).  The corpus's record says the suspect is the
published file: its notice is not judged against the re-noticed copy, and it is rated low at
most.  The other way round, the copy is still the high copy it is; and a reference whose notice
names another company with an earlier line (which may be the origin) is judged as ever.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lineage.workflow.published import FIRST, PUBLISHED
from tests.lines_fixture import index_families
from tests.workflow.conftest import ACME_LINE, ORIGINAL, Repo, reference_text, renamed_copy, run, unit_source

ELDER_LINE = "# Copyright 2024 DeepSeek-AI. All rights reserved."


def _side(root: Path, name: str, text: str) -> Path:
    root.mkdir()
    (root / name).write_text(text, encoding="utf-8")
    return root


def _exhibit(suspect: Path, reference: Path, corpus: Path) -> dict:
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_the_published_file_is_not_accused_of_replacing_a_re_noticed_copy_s_notice(index_path: Path,
                                                                                    tmp_path: Path) -> None:
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    copy = _side(tmp_path / "copy", "modeling_beta.py", renamed_copy())
    swapped = _exhibit(original, copy, index_path)
    (whole,) = swapped["files"]
    assert whole["severity"] == "low" and "published file" in whole["verdict"] and "Zhipu AI" in whole["verdict"]
    assert swapped["matches"] and all(m["severity"] in ("info", "low") and not m["attribution"]
                                      for m in swapped["matches"])
    assert any(str(m["verdict"]).startswith(PUBLISHED) for m in swapped["matches"])
    assert not swapped["notices"].get("attribution")
    assert "Notices: not judged (the suspect is the published file" in swapped["summary"]["statement"]
    # the right way round: the re-noticed copy is a high copy, its notice replaced
    accused = _exhibit(copy, original, index_path)
    (whole,) = accused["files"]
    assert whole["severity"] == "high" and "notice replaced" in whole["verdict"]
    assert not any(str(m["verdict"]).startswith(PUBLISHED) for m in accused["matches"])


def test_a_reference_naming_a_company_with_an_earlier_line_is_judged_as_ever(tmp_path: Path) -> None:
    """Its maker may be the origin the suspect's line took the code from: no record to go by."""
    (tmp_path / "corpus").mkdir()
    corpus = index_families(tmp_path / "corpus", "bg", [
        ("elder", "import torch\n\n\n" + ORIGINAL, "DeepSeek", "2024-12-01", ()),
        ("alpha", reference_text(), "Zhipu AI", "2025-07-28", ())])
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    by_elder = _side(tmp_path / "elder_copy", "modeling_beta.py", renamed_copy(ELDER_LINE))
    exhibit = _exhibit(original, by_elder, corpus)
    (whole,) = exhibit["files"]
    assert whole["severity"] == "high" and "notice replaced" in whole["verdict"]
    by_stranger = _side(tmp_path / "acme_copy", "modeling_beta.py", renamed_copy())
    (whole,) = _exhibit(original, by_stranger, corpus)["files"]
    assert whole["severity"] == "low" and "published file" in whole["verdict"]


def test_a_suspect_that_changed_the_published_notice_is_judged_as_ever(index_path: Path, tmp_path: Path) -> None:
    """Alpha's code under a notice Alpha did not publish it with is not its published file."""
    edited = _side(tmp_path / "edited", "modeling_alpha.py",
                   reference_text().replace("# Copyright 2025 The Zhipu AI team. All rights reserved.",
                                            "# Copyright 2025 Other Corp. All rights reserved."))
    copy = _side(tmp_path / "copy", "modeling_beta.py", renamed_copy())
    exhibit = _exhibit(edited, copy, index_path)
    assert not any(str(m["verdict"]).startswith(PUBLISHED) for m in exhibit["matches"])
    (whole,) = exhibit["files"]
    assert "published file" not in whole["verdict"]


ACME_GATE = '''

def acme_entropy_gate(logits, usage, k=2, temperature=0.7):
    probs = (logits / temperature).softmax(dim=-1)
    entropy = -(probs * probs.clamp(min=1e-9).log()).sum(dim=-1, keepdim=True)
    weights, chosen = (probs * (1.0 + entropy)).topk(k, dim=-1)
    usage.index_add_(0, chosen.flatten(), torch.ones_like(chosen.flatten(), dtype=usage.dtype))
    return weights / weights.sum(dim=-1, keepdim=True), chosen
'''


def test_the_published_file_with_the_reference_s_own_class_added_is_judged_as_ever(index_path: Path,
                                                                                  tmp_path: Path) -> None:
    """Explained as a whole by Alpha's file all the same, but the gate is no code Alpha published
    (a stranger's review: Acme's new router pasted into transformers' qwen3 under qwen3's own header
    read "the suspect is the published file", every match low)."""
    suspect = _side(tmp_path / "suspect", "modeling_alpha.py", reference_text() + ACME_GATE)
    fork = _side(tmp_path / "fork", "modeling_beta.py", renamed_copy() + ACME_GATE)
    exhibit = _exhibit(suspect, fork, index_path)
    assert not any(str(m["verdict"]).startswith(PUBLISHED) for m in exhibit["matches"])
    gate = [m for m in exhibit["matches"] if m["unit"] == "acme_entropy_gate"]
    assert gate and any(m["severity"] in ("medium", "high") and m["attribution"] == "replaced" for m in gate)


RELEASED = "2026-01-01"  # the upload date of the release our corpus stands for (Alpha first seen 2025-07-28)


def _pasted(*names: str) -> str:
    """A file of our own under Acme's notice with the published file's classes pasted in, renamed."""
    body = ORIGINAL + "\n\nimport torch\nfrom torch import nn\n\n\n" + "\n\n".join(unit_source(n) for n in names)
    return ACME_LINE + "\n" + re.sub(r"\bAlpha", "Acme", body) + ACME_GATE


def _released(root: Path, *elder: tuple[str, str, str, str, tuple[str, ...]]) -> Path:
    """A corpus holding Alpha's published file (Zhipu AI) from a release of RELEASED, and ``elder``."""
    root.mkdir()
    return index_families(root, "rel", [*elder, ("alpha", reference_text(), "Zhipu AI", "2025-07-28", ())],
                          released=RELEASED)


def _taken(exhibit: dict) -> list[dict]:
    return [m for m in exhibit["matches"] if m["unit"].startswith(("AlphaTopKRouter", "AlphaExperts"))]


def _against_commit(repo: Repo, tmp_path: Path, rel: str, text: str, committed: str, corpus: Path) -> dict:
    """The exhibit of Alpha's published file against ``text`` committed at ``rel`` on ``committed``,
    given as REPO@REV (the reference then has its commit's date)."""
    repo.write(rel, text)
    repo.add(rel)
    sha = repo.commit("reference", date=committed)
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    done = run("verify", original, "--against", f"{repo.path}@{sha}", "--index", corpus, "--format", "json",
               "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_the_published_file_is_not_accused_of_copying_a_file_that_took_its_classes(tmp_path: Path) -> None:
    """The suspect is Alpha's published file, byte for byte, the reference a file of Acme's that
    pasted two of its classes in: the corpus shows that very file public by its release, Alpha's
    code in no earlier maker's line, and the reference has no date, so the exhibit cannot show the
    suspect took it (a stranger's review: vLLM's own ernie45_moe.py against a file that took its
    MoE class read high, exit 1).  The other way round it is the copy it is."""
    corpus = _released(tmp_path / "corpus")
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    taker = _side(tmp_path / "taker", "acme_blocks.py", _pasted("AlphaTopKRouter", "AlphaExperts"))
    swapped = _exhibit(original, taker, corpus)
    taken = _taken(swapped)
    assert taken and all(m["severity"] in ("info", "low") and not m["attribution"] for m in swapped["matches"])
    first = [m for m in taken if str(m["verdict"]).startswith(FIRST)]
    assert first and all(f"released by {RELEASED}" in m["verdict"] and "has no date here" in m["explanation"]
                         for m in first)
    assert not any(f.get("severity") in ("medium", "high") for f in swapped["files"])
    accused = _exhibit(taker, original, corpus)
    assert any(m["severity"] in ("medium", "high") and m["attribution"] in ("removed", "replaced")
               for m in accused["matches"])
    assert not any(str(m["verdict"]).startswith(FIRST) for m in accused["matches"])


def test_code_an_other_maker_published_earlier_is_judged_as_ever(tmp_path: Path) -> None:
    """An earlier line of another maker holding the code may be where both files took it from: the
    published suspect's units are judged against the reference as ever."""
    router = "import torch\nfrom torch import nn\n\n\n" + unit_source("AlphaTopKRouter")
    corpus = _released(tmp_path / "corpus", ("elder", re.sub(r"\bAlpha", "Elder", router), "DeepSeek", "2024-12-01", ()))
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    taker = _side(tmp_path / "taker", "acme_blocks.py", _pasted("AlphaTopKRouter", "AlphaExperts"))
    exhibit = _exhibit(original, taker, corpus)
    routed = [m for m in exhibit["matches"] if m["unit"].startswith("AlphaTopKRouter")]
    assert routed and not any(str(m["verdict"]).startswith(FIRST) for m in routed)
    assert any(str(m["verdict"]).startswith(FIRST) for m in _taken(exhibit) if m["unit"].startswith("AlphaExperts"))


@pytest.mark.parametrize(("committed", "judged"), [("2025-03-01T12:00:00", True), ("2025-09-01T12:00:00", True),
                                                   ("2026-06-01T12:00:00", False)],
                         ids=["before-the-line", "after-the-line-before-the-release", "after-the-release"])
def test_a_reference_dated_before_the_release_is_judged_as_ever(repo: Repo, tmp_path: Path, committed: str,
                                                                judged: bool) -> None:
    """Given as REPO@REV, the reference has its commit's date: one before the release the corpus
    took the suspect's file from orders the pair (the reviewer checks the date), so the published
    suspect's units are judged; the line's first-seen date is no bound (a second review: an origin
    committed after the line was first seen, before the release, was cleared)."""
    taken = _taken(_against_commit(repo, tmp_path, "pkg/acme_blocks.py", _pasted("AlphaTopKRouter", "AlphaExperts"),
                                   committed, _released(tmp_path / "corpus")))
    assert taken
    assert any(str(m["verdict"]).startswith(FIRST) for m in taken) is not judged
    assert any(m["severity"] in ("medium", "high") for m in taken) is judged
    if not judged:
        assert all(f"the reference is dated {committed[:10]}, after it" in m["explanation"]
                   for m in taken if str(m["verdict"]).startswith(FIRST))


def test_a_corpus_that_gives_no_release_date_proves_no_publication(index_path: Path, tmp_path: Path) -> None:
    """A corpus built from a directory with no `released` date shows no date the file was public
    by: the exhibit judges the pair as ever."""
    original = _side(tmp_path / "original", "modeling_alpha.py", reference_text())
    taker = _side(tmp_path / "taker", "acme_blocks.py", _pasted("AlphaTopKRouter", "AlphaExperts"))
    exhibit = _exhibit(original, taker, index_path)
    assert _taken(exhibit) and not any(str(m["verdict"]).startswith(FIRST) for m in exhibit["matches"])


@pytest.mark.parametrize(("committed", "capped"), [("2024-03-01T12:00:00", False), ("2025-12-01T12:00:00", True)],
                         ids=["copy-committed-before-the-line", "committed-after-it"])
def test_a_re_noticed_copy_dated_before_the_line_is_judged_as_ever(repo: Repo, index_path: Path, tmp_path: Path,
                                                                  committed: str, capped: bool) -> None:
    """The file-level record too: a reference whose commit is older than the suspect's line may be
    the origin the line took its code from, so its notice is judged (a second review: a reference
    committed in 2021 against a line of 2023 was capped low all the same)."""
    data = _against_commit(repo, tmp_path, "pkg/modeling_beta.py", renamed_copy(), committed, index_path)
    (whole,) = data["files"]
    assert ("published file" in whole["verdict"]) is capped
    assert (whole["severity"] == "low") is capped and (whole["severity"] == "high") is not capped
