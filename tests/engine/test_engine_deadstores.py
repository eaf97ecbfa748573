"""Junk statements between copied ones (dead stores, statements with no effect) do not hide a copy."""

from __future__ import annotations

import ast
import itertools

from lineage import api
from lineage.config import Config
from lineage.fingerprint.deadstores import dead_store_mask, without_dead_stores
from lineage.models import SourceFile
from lineage.parse.units import parse_source


def with_junk(source: str) -> str:
    """A junk assignment to a fresh, never-read name after every statement of every function."""
    counter = itertools.count()

    class Junk(ast.NodeTransformer):
        def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
            self.generic_visit(node)
            body: list[ast.stmt] = []
            for stmt in node.body:
                body.append(stmt)
                body.append(ast.parse(f"_pad{next(counter)} = {next(counter) % 97} * 3").body[0])
            node.body = body
            return node

    return ast.unparse(Junk().visit(ast.parse(source))) + "\n"


def tokens(source: str, qualname: str) -> tuple[list[str], list[str], list[int]]:
    unit = next(u for u in parse_source("m.py", source.encode()).units if u.qualname == qualname)
    return list(unit.kinds), list(unit.texts), list(unit.lines)


def test_dead_stores_go_and_live_code_stays() -> None:
    source = (
        "def f(a, b):\n"
        "    junk = 42\n"
        "    total = a + b\n"
        "    call(\n"
        "        key=total,\n"      # a keyword argument inside brackets is not a statement
        "    )\n"
        "    _ = helper(a)\n"       # a discarded call result: dead store of `_` too
        "    return total\n"
    )
    kinds, texts, lines = tokens(source, "f")
    kept = [t for t, k in zip(texts, dead_store_mask(kinds, texts, lines)) if k]
    assert "junk" not in kept and "42" not in kept and "helper" not in kept
    assert kept.count("total") == 3 and "key" in kept and "call" in kept


def test_assignments_in_class_and_module_bodies_are_left_alone() -> None:
    source = "LIMIT = 3\n\nclass C:\n    flag = True\n    size = 4\n"
    for qualname, kind in (("<module>", "module"), ("C", "class")):
        kinds, texts, lines = tokens(source, qualname)
        assert without_dead_stores(kind, kinds, texts, lines) == (kinds, texts, lines)


def test_statements_with_no_effect_go_from_functions_and_class_bodies() -> None:
    plain = ("class C:\n    flag = True\n    size = 4\n\n    def f(self, a):\n        total = a + self.size\n"
             "        return total\n")
    padded = ("class C:\n    flag = True\n    pass\n    0\n    size = 4\n    None\n\n    def f(self, a):\n"
              "        a\n        total = a + self.size\n        ...\n        self.size\n        'note'\n"
              "        3.5\n        return total\n")
    for qualname, kind in (("C", "class"), ("C.f", "method")):
        kept_plain = without_dead_stores(kind, *tokens(plain, qualname))[0]
        kept_padded = without_dead_stores(kind, *tokens(padded, qualname))[0]
        assert list(kept_padded) == list(kept_plain), qualname
    # a call or a yield is an effect: it stays; an operation whose value is thrown away goes
    kinds, texts, lines = tokens("def g(x):\n    x.flush()\n    x + 1\n    (yield x)\n    [x for _ in x]\n", "g")
    kept = list(without_dead_stores("function", kinds, texts, lines)[1])
    assert kept.count("x") == 3 and "flush" in kept and "yield" in kept and "+" not in kept and "for" not in kept


def test_a_copy_padded_with_junk_scores_as_the_same_copy_without(cases, index, oracle) -> None:
    """Padded with a junk statement after every statement, a copy (plain or renamed) scores
    exactly what the same code regenerated without the junk scores (ast.unparse reformats, so
    that is the fair baseline), unit by unit; unrelated code padded the same way stays apart."""
    files = []
    for name, text in (("model", cases.model), ("renamed", cases.renamed)):
        files.append(SourceFile(f"{name}_plain.py", (ast.unparse(ast.parse(text)) + "\n").encode()))
        files.append(SourceFile(f"{name}_padded.py", with_junk(text).encode()))
    files.append(SourceFile("unrelated_padded.py", with_junk(cases.ledger).encode()))
    assert files[1].data.count(b"_pad") > 50
    result, _ = api.scan_files(files, index, Config(workers=1))
    _, kinds = oracle.spans(cases.model)
    functions = sum(1 for k in kinds.values() if k in ("function", "method"))

    def scores(path: str) -> dict[str, tuple[str, str, float]]:
        return {f.unit: (f.matches[0].ref.family, f.matches[0].ref.unit, f.matches[0].similarity)
                for f in result.findings if f.path == path and f.kind == "code-match"}

    for name in ("model", "renamed"):
        padded, plain = scores(f"{name}_padded.py"), scores(f"{name}_plain.py")
        assert len(padded) >= functions and padded == plain, name
        assert sum(1 for _, _, s in padded.values() if s == 1.0) >= functions * 0.7
    assert not [f for f in result.findings if f.path == "unrelated_padded.py" and f.severity != "info"]


def test_units_judged_together_as_each_alone() -> None:
    """All the units of a file are judged in one pass: a unit left with an open bracket (a
    syntax error) or a name used elsewhere in the file changes nothing in its neighbours."""
    import numpy as np

    from lineage.fingerprint.deadstores import junk_mask, unit_mode

    source = (
        "x = 1\n\n"
        "def broken(a):\n    call(a,\n    junk = 2\n\n"
        "class C:\n    pass\n    size = 4\n    ...\n\n"
        "def f(a):\n    junk = 42\n    total = a + 1\n    a\n    return total\n\n"
        "def g(total):\n    junk = total + 1\n    return junk\n"
    )
    units = parse_source("m.py", source.encode()).units
    kinds = [k for u in units for k in u.kinds]
    texts = [t for u in units for t in u.texts]
    lines = np.asarray([ln for u in units for ln in u.lines], dtype=np.int64)
    together = junk_mask(np.asarray([unit_mode(u.kind) for u in units]),
                         np.asarray([len(u.kinds) for u in units]), kinds, texts, lines).tolist()
    alone = [k for u in units for k in (
        [True] * len(u.kinds) if u.kind == "module"
        else dead_store_mask(u.kinds, u.texts, u.lines, stores=u.kind != "class"))]
    assert together == alone
    assert together.count(False) > 0
    by_name = {u.qualname: u for u in units}
    kept_f = [t for t, k in zip(by_name["f"].texts, dead_store_mask(by_name["f"].kinds, by_name["f"].texts,
                                                                      by_name["f"].lines)) if k]
    assert "junk" not in kept_f and "42" not in kept_f and "total" in kept_f
    kept_g = [t for t, k in zip(by_name["g"].texts, dead_store_mask(by_name["g"].kinds, by_name["g"].texts,
                                                                      by_name["g"].lines)) if k]
    assert kept_g.count("junk") == 2, "a name read later is no dead store"


def test_a_backslash_after_a_statement_keyword_continues_the_statement() -> None:
    """`return \\` then the operand on the next line is one statement: the operand is not a
    statement with no effect of its own.  The parser records the lines continued (logical lines),
    while every token keeps its physical line for evidence; a comment ending in a backslash
    continues nothing."""
    from lineage.compact.files import compact_all
    from lineage.fingerprint.params import FingerprintParams

    body = ("def f(a, b):\n    total = a * b + helper(a, b - 1)\n    scale = norm(total, b) / (a + 1)\n"
            "    # note \\\n    result = total * scale\n")
    ops = body.replace("total * scale", "total * \\\n        scale")  # an operand after an operator, too
    one = body + "    return result\n"
    split = body + "    return \\\n        result\n"
    assert parse_source("m.py", one.encode()).joined == ()
    parsed = parse_source("m.py", split.encode())
    assert parsed.joined == (7,) and parse_source("m.py", (ops + "    return result\n").encode()).joined == (6,)
    (unit,) = [u for u in parsed.units if u.qualname == "f"]
    assert unit.lines[-2:] == (6, 7)  # `return` and its operand keep their own lines
    a, b, c = (next(compact_all([SourceFile("m.py", s.encode())], FingerprintParams()))
               for s in (one, split, ops + "    return \\\n        result\n"))
    (ua,), (ub,), (uc,) = ([u for u in x.units if u.qualname == "f"] for x in (a, b, c))
    assert sorted(ua.s_hash.tolist()) == sorted(ub.s_hash.tolist()) == sorted(uc.s_hash.tolist())
    assert ua.n_kgrams == ub.n_kgrams == uc.n_kgrams
