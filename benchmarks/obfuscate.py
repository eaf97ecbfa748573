"""Our own obfuscator for the accuracy evaluation: Python source in, Python source out.

usage: python benchmarks/obfuscate.py TRANSFORM[,TRANSFORM...] FILE [--seed N]

Transformations (each ``(source, seed=0) -> source``; applied left to right):

* ``strip``   comments and docstrings removed (every bare string statement, attribute
  docstrings included), the code re-rendered by ``ast.unparse``;
* ``rename``  every name the file defines renamed to a meaningless one (benchmarks/
  obfuscate_names.py says what survives: imports, builtins, dunders, ``forward``, ...);
* ``reorder`` definitions shuffled and independent statements swapped (obfuscate_order.py);
* ``noop``    do-nothing statements inserted, about one per 2.5 statements (obfuscate_noop.py);
* ``untype``  type hints removed, as strip-hints-like tools do: parameter and return annotations,
  and annotated assignments inside functions (``x: T = v`` becomes ``x = v``, a bare ``x: T`` goes);
  class-level annotations stay, since dataclass-like classes depend on them;
* ``restyle`` every local annotated, independent assignments packed into tuple assignments, a
  guard over builtins or a self-fed counter after every statement of a method (obfuscate_style.py);
* ``all``     strip, rename, reorder, noop in that order: stripping first leaves no docstring to
  step around, and padding last keeps the inserted names out of the renaming.

Every transformation re-renders through ``ast.unparse``, so comments never survive any of them
and layout is normalised; only ``strip`` removes docstrings.  The input is parsed, never
executed or imported, and every output is checked to parse.  Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # sibling modules, as benchmarks/run.py does
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from obfuscate_names import KEEP, rename_tree  # noqa: E402
from obfuscate_noop import RATE, noop_tree  # noqa: E402
from obfuscate_order import reorder_tree  # noqa: E402
from obfuscate_style import annotate_tree, pack_tree, pad_tree  # noqa: E402

Transform = Callable[[str, int], str]


def render(tree: ast.Module) -> str:
    """Source text of ``tree``; refuses to hand back anything that does not parse."""
    text = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    ast.parse(text)  # a SyntaxError here is a bug of the transformation, not of the input
    return text


def strip(source: str, seed: int = 0) -> str:
    """Remove comments and docstrings (``seed`` unused: nothing random)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            kept = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                             and isinstance(s.value.value, str))]
            # a module may be left empty; a block that had statements may not
            setattr(node, name, kept or ([] if isinstance(node, ast.Module) else [ast.Pass()]))
    return render(tree)


def rename(source: str, seed: int = 0, *, keep: Iterable[str] = KEEP) -> str:
    """Rename defined names (``seed`` shuffles which name gets which number)."""
    tree = ast.parse(source)
    rename_tree(tree, seed=seed, keep=keep)
    return render(tree)


def reorder(source: str, seed: int = 0) -> str:
    """Shuffle definitions and swap independent adjacent statements."""
    tree = ast.parse(source)
    reorder_tree(tree, seed=seed)
    return render(tree)


def noop(source: str, seed: int = 0, *, rate: float = RATE) -> str:
    """Insert no-op statements into function and class bodies."""
    tree = ast.parse(source)
    noop_tree(tree, seed=seed, rate=rate)
    return render(tree)


def _unannotated(body: list[ast.stmt]) -> list[ast.stmt]:
    """A function body's statements with ``x: T = v`` as ``x = v`` and bare ``x: T`` dropped."""
    kept: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is None:
                continue
            stmt = ast.copy_location(ast.Assign(targets=[stmt.target], value=stmt.value), stmt)
        kept.append(stmt)
    return kept or [ast.Pass()]


def untype(source: str, seed: int = 0) -> str:
    """Remove type hints from functions (``seed`` unused: nothing random)."""
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for fn in functions:
        fn.returns = None
        a = fn.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                arg.annotation = None
        for node in ast.walk(fn):  # nested blocks too; a nested def's own body is handled again, harmlessly
            for name in ("body", "orelse", "finalbody"):
                block = getattr(node, name, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt) \
                        and not isinstance(node, ast.ClassDef):
                    setattr(node, name, _unannotated(block))
    return render(tree)


def restyle(source: str, seed: int = 0) -> str:
    """Pack independent assignments, annotate the rest, pad methods (benchmarks/obfuscate_style.py)."""
    tree = ast.parse(source)
    for step in (pack_tree, annotate_tree, pad_tree):
        step(tree, seed)
    return render(tree)


def obfuscate_all(source: str, seed: int = 0) -> str:
    """strip, rename, reorder and noop, in that order."""
    for transform in (strip, rename, reorder, noop):
        source = transform(source, seed)
    return source


TRANSFORMS: dict[str, Transform] = {
    "strip": strip,
    "rename": rename,
    "reorder": reorder,
    "noop": noop,
    "untype": untype,
    "restyle": restyle,
    "all": obfuscate_all,
}


def parse_spec(spec: str) -> tuple[str, ...]:
    """``"strip,rename"`` -> ``("strip", "rename")``; ValueError naming an unknown transform."""
    names = tuple(part.strip() for part in spec.split(",") if part.strip())
    unknown = [n for n in names if n not in TRANSFORMS]
    if unknown or not names:
        raise ValueError(f"unknown transform {', '.join(unknown) or repr(spec)}: "
                         f"choose from {', '.join(TRANSFORMS)}")
    return names


def apply(source: str, names: Sequence[str], seed: int = 0) -> str:
    """Apply the named transformations left to right, each with ``seed``."""
    for name in names:
        source = TRANSFORMS[name](source, seed)
    return source


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="obfuscate.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("transforms", metavar="TRANSFORM[,TRANSFORM]", help=", ".join(TRANSFORMS))
    parser.add_argument("file", metavar="FILE", help="Python source file, or - for stdin")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        names = parse_spec(args.transforms)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        source = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        sys.stdout.write(apply(source, names, args.seed))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        print(f"obfuscate.py: {args.file}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
