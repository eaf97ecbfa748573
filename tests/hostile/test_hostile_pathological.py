"""Pathological files, generated here: unclosed and deeply nested brackets of every kind,
huge list/dict/string literals, an unclosed triple quote, very long lines.

Each must end as a scanned file or as a per-file error with a one-line reason, within a
bounded amount of memory, while the real copy beside them is still found.  Time is bounded
by the product's CPU budget per file (lineage.parse.budget), tested here by its effect:
a file that spends its budget is a per-file error, never a stuck or failed scan.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tree_sitter import QueryCursor

from lineage.parse import budget as budget_module
from lineage.parse.budget import Budget
from lineage.parse.units import _definition_nodes, _grammar, parse_source
from tests.hostile.conftest import LINEAGE, REF, Run, scan_cli, subprocess_env
from tests.hostile.mutate import SEEDS, mutate
from tests.hostile.peak import peak_run
from tests.hostile.test_hostile_properties import FAST

N = 200_000
PATHOLOGICAL: dict[str, bytes] = {
    "paren_unclosed.py": b"X = " + b"(" * N,
    "bracket_unclosed.py": b"X = " + b"[" * N,
    "brace_unclosed.py": b"X = " + b"{" * N,
    "mixed_unclosed.py": b"X = " + b"([{" * (N // 3),
    "closers.py": b"X = 1" + b")]}" * (N // 3) + b"\n",
    "commas.py": b"X = (" + b"," * N + b"\n",
    "deep_closed.py": b"X = " + b"[(" * (N // 4) + b"1" + b")]" * (N // 4) + b"\n",
    "list_literal.py": b"X = [" + ", ".join(str(i) for i in range(250_000)).encode() + b"]\n",
    "dict_literal.py": b"X = {" + ", ".join(f"{i}: {i}" for i in range(120_000)).encode() + b"}\n",
    "string_literal.py": b"X = '" + b"a" * 1_900_000 + b"'\n",
    "unclosed_triple.py": b"X = '''" + b"a\n" * 200_000,
    "long_line.py": b"x = 1; " * 40_000 + b"\n",
    "decorators.py": b"@d\n" * 100_000 + b"def f():\n    pass\n",
    # a sum of literals folds from its innermost term up, and each step up is a walk from the root
    "literal_sum.py": b"X = " + b"1+" * N + b"1\n",
    # whitespace after the last token: each of its bytes had started a search to the end of the file
    "trailing_spaces.py": b"X = 1\n" + b" " * (3 * N // 2),
}


@pytest.fixture(scope="module")
def pathological_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pathological") / "target"
    root.mkdir()
    for name, data in PATHOLOGICAL.items():
        (root / name).write_bytes(data)
    (root / "copy.py").write_bytes(REF.read_bytes())
    return root


@pytest.fixture(scope="module")
def pathological_run(pathological_tree: Path, built_index: Path) -> Iterator[Run]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(pathological_tree.parent)
        yield scan_cli(built_index, pathological_tree)


def test_every_pathological_file_is_scanned_or_a_one_line_error(pathological_run: Run) -> None:
    assert pathological_run.code in (0, 1), pathological_run.stderr
    assert "Traceback" not in pathological_run.stderr
    report = pathological_run.report()
    errors = {e["path"]: e for e in report["errors"]}
    assert all(e["stage"] == "parse" and e["reason"].strip() and "\n" not in e["reason"] for e in errors.values())
    unchecked = [path for path, e in errors.items() if e.get("unchecked")]  # (over the budget: not scanned)
    assert all("budget" in errors[path]["reason"] for path in unchecked), unchecked
    assert report["summary"]["files_scanned"] + len(unchecked) == len(PATHOLOGICAL) + 1
    # CPython refuses these too: reported, with the units tree-sitter recovered still scanned
    for name in ("paren_unclosed.py", "bracket_unclosed.py", "brace_unclosed.py", "mixed_unclosed.py"):
        assert "nested parentheses" in errors[name]["reason"] or "budget" in errors[name]["reason"], errors[name]
    assert "copy.py" not in errors


def test_the_copy_beside_them_is_still_found(pathological_run: Run) -> None:
    units = {f["unit"] for f in pathological_run.report()["findings"] if f["path"] == "copy.py"}
    assert {"rotate_pairs", "merge_heads", "RingCache.attend"} <= units, units


def test_a_scan_of_them_stays_under_a_gigabyte(pathological_tree: Path, built_index: Path, tmp_path: Path) -> None:
    cmd = [str(LINEAGE), "scan", str(pathological_tree), "--index", str(built_index), "--format", "json",
           "-q", "--workers", "1"]
    peak = peak_run(cmd, subprocess_env(tmp_path), tmp_path)
    assert peak.code in (0, 1), peak.stderr
    assert peak.kilobytes < 1_000_000, f"peak RSS {peak.kilobytes} KB"


def test_a_file_over_its_budget_is_a_per_file_error(
    pathological_tree: Path, built_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no budget at all every file runs out: each is an error, the scan still ends, and
    exits 1 because nothing was checked (README: "Files that could not be checked")."""
    monkeypatch.setattr(budget_module, "FILE_BUDGET_SECONDS", -1.0)
    run = scan_cli(built_index, pathological_tree)
    assert run.code == 1, run.stderr
    assert "could not be checked" in run.stderr
    errors = {e["path"]: e for e in run.report()["errors"]}
    assert set(errors) == {*PATHOLOGICAL, "copy.py"}
    assert all("over the -1-second per-file budget" in e["reason"] for e in errors.values()), errors
    assert all(e["unchecked"] for e in errors.values())
    assert run.report()["findings"] == [] and run.report()["summary"]["files_scanned"] == 0


def test_budget_cancels_the_parser_itself() -> None:
    parsed = parse_source("p.py", b"X = '''" + b"a\n" * 50_000, Budget(-1.0))
    assert parsed.units == ()
    assert [e.stage for e in parsed.errors] == ["parse"] and "budget (parse)" in parsed.errors[0].reason


def _query_all(data: bytes) -> set[tuple[int, int, str]]:
    parser, query = _grammar()
    nodes = QueryCursor(query).captures(parser.parse(data).root_node).get("def", [])
    return {(n.start_byte, n.end_byte, n.type) for n in nodes}


@FAST
@given(st.integers(0, len(SEEDS) - 1), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_the_walk_finds_what_the_query_finds(seed: int, n_ops: int, rng_seed: int) -> None:
    """Subtrees with errors are walked, not queried: the definitions found are the same."""
    data = mutate(SEEDS[seed], random.Random(rng_seed), n_ops)
    parser, _ = _grammar()
    walked = _definition_nodes(parser.parse(data).root_node, Budget(60.0))
    assert {(n.start_byte, n.end_byte, n.type) for n in walked} == _query_all(data)
    assert len(walked) == len(_query_all(data))
