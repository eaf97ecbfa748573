"""The parse passes' patterns found in one walk of a tree (parse/queries.py): each pass gets the
nodes its own query would have found, in the order of the text, and the functions come with their
own parameters and bodies."""

from __future__ import annotations

import pytest
import tree_sitter_python
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from lineage.parse import queries

# our own module: nested and decorated functions, bindings, aliases, calls, guards, keywords and picks
MODULE = b'''
import functools


def outer(x, scale=2, *, tag=None):
    total = 0
    for step in [1, 2]:
        total += step * scale

    def inner(y, flag=False):
        if flag:
            pass
        if y:
            picked = y
        else:
            picked = total
        return picked + total + len(str(y)) + y.real

    with open("f") as fh:
        fh.read()
    try:
        work(inner(x), tag=tag)
    except ValueError:
        raise
    return inner(x, flag=True)


class Layer:
    @functools.cache
    def forward(self, h, mask=None):
        proj, scale = self.proj, self.scale
        out = self.proj(h)
        self.count = self.count + 1
        if len("abc") > 5:
            raise RuntimeError("never")
        while False:
            h = h
        while mask:
            if mask == 1:
                mask = 0
        return self.proj(h, mask=mask)
'''
BROKEN = MODULE.replace(b"def inner(y, flag=False):", b"def inner(y, flag=False:")


def _root(source: bytes) -> Node:
    return Parser(Language(tree_sitter_python.language())).parse(source).root_node


def _key(node: Node) -> tuple[int, int, str]:
    return node.start_byte, node.end_byte, node.type


@pytest.mark.parametrize("owner", sorted(queries.SHARED))
def test_each_pass_gets_what_its_own_query_finds_in_the_order_of_the_text(owner: str) -> None:
    root = _root(MODULE)
    alone = QueryCursor(queries.query(queries.SHARED[owner])).captures(root)
    assert alone, owner  # (the module holds something of every pattern)
    for name, nodes in alone.items():
        shared = [_key(n) for n in queries.captured(root, name)]
        assert shared == sorted(_key(n) for n in nodes), name
        assert shared == sorted(shared, key=lambda k: (k[0], -k[1])), name


@pytest.mark.parametrize("source", [MODULE, BROKEN], ids=["clean", "syntax error"])
def test_functions_and_bound_values_are_what_one_match_each_gives(source: bytes) -> None:
    root = _root(source)
    assert root.has_error == (source is BROKEN)
    functions, values, dropped = [], [], []
    for _, m in QueryCursor(queries.query(queries._FUNCTIONS + queries._BINDINGS)).matches(root):
        if "fn" in m:
            functions.append(tuple(_key(m[k][0]) for k in ("fn", "params", "body")))
        elif queries._calls_nothing(m["right"][0]):  # (a value that may call nothing: what junk.py reads)
            values.append(_key(m["right"][0]))
        else:
            dropped.append(_key(m["right"][0]))
    assert [tuple(map(_key, f)) for f in queries.functions(root)] == functions
    assert [_key(v) for v in queries.bound_values(root)] == values
    for fn, params, body in queries.functions(root):  # (each function's own)
        assert params.parent == fn and body.parent == fn
    assert len(functions) >= 3 and values and dropped  # (`out = self.proj(h)` calls a method)


def test_a_tree_with_errors_is_walked_for_a_pass_that_asks() -> None:
    root = _root(BROKEN)
    alone = QueryCursor(Query(Language(tree_sitter_python.language()), queries.SHARED["padding"])).captures(root)
    assert sorted(map(_key, queries.captured(root, "padding.stmt"))) == sorted(map(_key, alone["padding.stmt"]))
    assert queries.captured(root, "padding.stmt")
