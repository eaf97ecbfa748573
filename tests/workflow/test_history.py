"""`lineage history`: first appearance of matched units and notice changes over commits."""

from __future__ import annotations

import json
from pathlib import Path

from tests.workflow.conftest import ACME_LINE, ZHIPU_LINE, Repo, renamed_copy, run


def test_notice_replaced_in_a_later_commit_and_first_appearance(repo: Repo, index_path: Path) -> None:
    added_at = "2025-06-01T09:30:00+00:00"
    repo.write("models/modeling_beta.py", renamed_copy(ZHIPU_LINE))
    repo.add("models/modeling_beta.py")
    c2 = repo.commit("add beta model", date=added_at, author="Dev One")
    repo.write("models/modeling_beta.py", renamed_copy(ACME_LINE))
    repo.add("models/modeling_beta.py")
    c3 = repo.commit("relicense header", date="2025-06-10T10:00:00+00:00", author="Dev Two")

    done = run("history", ".", "--index", index_path, "--format", "json", "--fail-on", "medium")
    assert done.exit_code == 1, done.output  # the replaced upstream notice is a medium finding
    data = json.loads(done.stdout)
    assert data["revision"] == c3
    assert data["files"]["models/modeling_beta.py"]["commit"] == c2

    notice = [f for f in data["findings"] if f["kind"] == "notice-history"]
    assert len(notice) == 1
    d = notice[0]["details"]
    assert (d["holder"], d["org"], d["change"], d["replaced_by"]) == (
        "The Zhipu AI team", "Zhipu AI", "replaced", ["Acme Corp"])
    assert d["present_in"]["commit"] == c2 and d["changed_in"]["commit"] == c3
    assert c2[:12] in notice[0]["explanation"] and c3[:12] in notice[0]["explanation"]

    units = {u["unit"]: u for u in data["units"]}
    attention = units["BetaAttention.forward"]
    assert attention["first"]["commit"] == c2
    assert attention["first"]["date"] == "2025-06-01T09:30:00Z"
    assert attention["first"]["author"].startswith("Dev One")
    assert attention["reference_first_seen"] == "2025-07-28" and attention["predates_reference"] is True
    predates = [f for f in data["findings"] if f["kind"] == "predates-reference"]
    assert len(predates) == 1 and "first seen 2025-07-28" in predates[0]["explanation"]
    assert "2025-06-01" in predates[0]["explanation"]

    text = run("history", ".", "--index", index_path)
    assert text.exit_code == 0  # nothing reaches the default --fail-on high
    assert "PREDATES REFERENCE" in text.stdout and "notice-history" in text.stdout


def test_history_of_a_clean_repository(repo: Repo, index_path: Path) -> None:
    done = run("history", ".", "--index", index_path)
    assert done.exit_code == 0 and "no matched files" in done.stdout
    assert run("history", ".", "--index", index_path, "--rev", "no-such-rev").exit_code == 2
