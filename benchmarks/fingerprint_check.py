"""Are parsing and fingerprinting unchanged?  A digest of every file's units and fingerprints.

    python benchmarks/fingerprint_check.py dump OUT.json SOURCE...
    python benchmarks/fingerprint_check.py compare BEFORE.json AFTER.json

A SOURCE is a directory (every .py under it), an archive (.whl, .zip, .tar.gz: its .py
members), a corpus manifest (.toml: the files it indexes, from the pinned artefact) or
``generated`` (edge cases written here, plus seeded mutations of the hostile-test seeds).
For each file the dump records one digest of ``parse_source`` (every unit's name, kind,
span, bases and token streams, and the file's errors) and one of ``compact`` (every field
the index stores: fingerprints, lines, signatures, roles, header).  Run ``dump`` with the
code before a change on PYTHONPATH (``git archive OLD | tar -x -C /tmp/old``), again with
the code after it, then ``compare``: exit 1 and the files that differ when anything moved.
Used when the build was made faster (issue 19) to show that no fingerprint changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests.hostile.mutate; lineage from PYTHONPATH first

from lineage.fingerprint.params import FingerprintParams  # noqa: E402
from lineage.compact.files import CompactFile, compact  # noqa: E402
from lineage.models import ParsedFile, SourceFile  # noqa: E402
from lineage.parse.units import parse_source  # noqa: E402

EDGE_CASES: tuple[bytes, ...] = (
    b"",
    b"   \n\t\n",
    b"# only a comment",
    b"x = 1   ",
    b"x = 'unterminated",
    b'x = "unterminated\ny = 2\n',
    b"x = '''never closed\n\ndef f():\n    pass\n",
    b'x = """never closed',
    b"x = 1 + \\\n    2\ny = 3 \\",
    b"a = 1\rb = 2\rdef f(x):\r    return x\r",
    b"a = 1\r\n\x0cdef f(x):\r\n\treturn x  # c\r\n",
    b"def f(\x0b):\n    return 0x_ff + 0o17 + 0b1 + 1_000.5e-3j + .5 + 1. + 1e5 + 1_.e5\n",
    b"def g(a, /, b, *, c) -> int:\n    a **= 2; b //= 3; c >>= 1; a <<= 2; a @= b\n"
    b"    d = [...]\n    if (n := len(d)) != 0 and a <= b >= c:\n        return a ** b // c % d\n",
    b"def h():\n    return f'{x!r:>{w}} {{lit}}' + rb'raw\\d' + Rb\"x\" + u'u' + F'''{y}'''\n",
    b"s = '" + b"long literal " * 20 + b"'\n",
    "def gr\u00f6\u00dfe(\u00e4):\n    return \u00e4 * 2\n".encode(),
    b"# -*- coding: latin-1 -*-\ndef f():\n    return 'caf\xe9'\n",
    b"\xef\xbb\xbfdef bom():\n    return 1\n",
    b"S = '\xff\xfe\xfa'\n\ndef keep(x):\n    return x\n",
    b"def f():\n    return 1\n\x00\x01",
    b"print 'hello'\nexec code\n",
    b"def broken(:\n    return (\n",
    b"x = " + b"(" * 210 + b"1" + b")" * 210 + b"\n",
    b"class A(B, metaclass=M):\n    '''doc'''\n    x: int = 1\n    def m(self):\n"
    b"        '''doc'''\n        unused = 3\n        pass\n        self.y\n        return self.x\n",
    b"@decorator(arg)\nclass C:\n    @staticmethod\n    def s(): ...\n"
    b"    class Inner:\n        def deep(self):\n            def deeper():\n                return 1\n"
    b"            return deeper\n",
    b"match p:\n    case {'k': v} if v:\n        type X = int\n    case _:\n        pass\n",
    b"x = 1 $ 2 ? 3 ! `4`\n",
)


def generated(n_mutants: int = 300) -> Iterator[SourceFile]:
    from tests.hostile.mutate import SEEDS, mutate

    for i, data in enumerate(EDGE_CASES):
        yield SourceFile(f"generated/edge_{i:03d}.py", data)
    rng = random.Random(19)
    for i in range(n_mutants):
        seed = SEEDS[rng.randrange(len(SEEDS))]
        yield SourceFile(f"generated/mutant_{i:04d}.py", mutate(seed, rng, rng.randint(1, 8)))


def sources(spec: str) -> Iterator[SourceFile]:
    if spec == "generated":
        yield from generated()
        return
    path = Path(spec)
    if path.suffix == ".toml":
        from lineage.index.build import fetch_sources
        from lineage.index.manifest import load_manifest

        files, _, _ = fetch_sources(load_manifest(path))
        yield from sorted(files, key=lambda f: f.path)
    elif path.is_dir():
        for p in sorted(path.rglob("*.py")):
            if p.is_file():
                yield SourceFile(f"{path.name}/{p.relative_to(path)}", p.read_bytes())
    else:
        from lineage.source.archive import read_archive

        files, _ = read_archive(path, include=lambda name: name.endswith(".py"))
        yield from sorted(files, key=lambda f: f.path)


def _digest(parts: list[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()[:32]


def parse_digest(parsed: ParsedFile) -> str:
    parts: list[object] = [parsed.sha256, parsed.text, parsed.errors]
    for u in parsed.units:
        parts += [u.qualname, u.kind, u.start_line, u.end_line, u.bases, u.kinds, u.texts, u.lines]
    return _digest(parts)


def compact_digest(cf: CompactFile) -> str:
    parts: list[object] = [cf.path, cf.sha256, cf.n_lines, cf.header, cf.n_kgrams, cf.errors,
                           cf.signature.tobytes()]
    for u in cf.units:
        parts += [u.qualname, u.kind, u.start_line, u.end_line, u.structure, u.n_kgrams, u.bases, u.role,
                  u.role_features, u.s_hash.tobytes(), u.s_line.tobytes(), u.l_hash.tobytes(),
                  u.l_line.tobytes(), u.signature.tobytes(), str(u.s_hash.dtype), str(u.s_line.dtype)]
    return _digest(parts)


def dump(out: Path, specs: list[str]) -> None:
    params = FingerprintParams()
    rows: dict[str, dict[str, object]] = {}
    began = time.process_time()
    total = 0
    for spec in specs:
        for source in sources(spec):
            total += len(source.data)
            parsed = parse_source(source.path, source.data)
            cf = compact(source, params)
            rows[f"{spec}::{source.path}"] = {"parse": parse_digest(parsed), "compact": compact_digest(cf),
                                              "units": len(cf.units)}
    out.write_text(json.dumps(rows, indent=0, sort_keys=True))
    seconds = time.process_time() - began
    print(f"{len(rows)} files, {total / 1e6:.1f} MB, {seconds:.1f} s CPU -> {out}", file=sys.stderr)


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    missing = sorted(set(a) ^ set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    for key in changed[:40]:
        what = [part for part in ("parse", "compact") if a[key][part] != b[key][part]]
        print(f"changed ({', '.join(what)}): {key}")
    for key in missing[:20]:
        print(f"only in one dump: {key}")
    print(f"{len(set(a) & set(b))} files compared: {len(changed)} changed, {len(missing)} in one dump only")
    return 1 if changed or missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("sources", nargs="+")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.sources)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
