"""tree-sitter queries over Python, compiled once per text (compiling one costs milliseconds)."""

from __future__ import annotations

from functools import lru_cache

from tree_sitter import Language, Query


@lru_cache(maxsize=16)
def query(text: str) -> Query:
    import tree_sitter_python

    return Query(Language(tree_sitter_python.language()), text)
