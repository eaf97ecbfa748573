"""A third obfuscator, not ours: python-minifier (PyPI), every transformation on.

What a copier reaches for first: statements joined by ";", bodies on their headers' lines, tabs,
literals and builtins hoisted into one-letter module names, every local, global and import alias
renamed, parameters aliased to one-letter locals, annotations, docstrings, asserts and `pass`
removed.  `make eval` scans each file after it as the ``minify`` variant; classes keep their order
(benchmarks/eval.py maps them by position, as their names are gone).
"""

from __future__ import annotations

import ast

import python_minifier

OPTIONS = dict(remove_annotations=True, remove_pass=True, remove_literal_statements=True, combine_imports=True,
               hoist_literals=True, rename_locals=True, rename_globals=True, remove_object_base=True,
               convert_posargs_to_args=True, preserve_shebang=False, remove_asserts=True, remove_debug=True,
               remove_explicit_return_none=True, remove_builtin_exception_brackets=True, constant_folding=True)


def minify(source: str, seed: int = 0) -> str:
    """The source minified with every transformation python-minifier has (``seed``: unused, the
    minifier is deterministic)."""
    return str(python_minifier.minify(source, **OPTIONS))


def class_order(original: str, minified: str) -> dict[str, str]:
    """Each top-level class of ``original`` -> the name of the class at its position in ``minified``."""
    before = [n.name for n in ast.parse(original).body if isinstance(n, ast.ClassDef)]
    after = [n.name for n in ast.parse(minified).body if isinstance(n, ast.ClassDef)]
    return dict(zip(before, after)) if len(before) == len(after) else {n: n for n in before}
