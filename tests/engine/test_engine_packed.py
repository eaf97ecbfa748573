"""Code a file runs from an encoded literal (lineage/source/packed.py) is read without running it:
a copy of our fixture model packed by any of the usual packers is matched as the plain copy is,
under the name `file.py[exec:LINE]`; what cannot be read as source is reported unchecked, and
gates do not pass it.  Every packed file here is written by the test from our own fixture."""

from __future__ import annotations

import base64
import bz2
import codecs
import json
import lzma
import marshal
import shlex
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage import api
from lineage.cli.main import cli
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.source.packed import MAX_LAYERS, unpacked_files

CAP = 2_000_000


def _zlib_b64(src: bytes) -> str:
    return f"import base64 as _b, zlib\nexec(zlib.decompress(_b.b64decode('{base64.b64encode(zlib.compress(src)).decode()}')))\n"


PACKERS: dict[str, Callable[[bytes], str]] = {
    "zlib+base64, aliased": _zlib_b64,
    "from-imports, a bound name, compile": lambda src: (
        "from base64 import b85decode as _d\nfrom bz2 import decompress\n"
        f"_BLOB = '{base64.b85encode(bz2.compress(src)).decode()}'\n"
        "exec(compile(decompress(_d(_BLOB)), '<m>', 'exec'))\n"),
    "__import__, lzma, a85, decode": lambda src: (
        f"exec(__import__('lzma').decompress(__import__('base64').a85decode("
        f"{base64.a85encode(lzma.compress(src)).decode()!r})).decode('utf-8'))\n"),
    "hex, reversed, concatenated": lambda src: (
        f"_h = '{src.hex()[: len(src)]}' + '{src.hex()[len(src):]}'\n"
        f"exec(bytes.fromhex(_h[::-1][::-1]))\n"),
    "rot13 through codecs": lambda src: f"import codecs\nexec(codecs.decode({codecs.encode(src.decode(), 'rot13')!r}, 'rot13'))\n",
    "two layers": lambda src: _zlib_b64(_zlib_b64(src).encode()),
    "spelt otherwise: a bound runner, an annotated name, keywords": lambda src: (
        "import zlib, base64\n_run = exec\n"
        f"_p: str = {base64.b64encode(_raw_deflate(src)).decode()!r}\n"
        "_run(zlib.decompress(base64.b64decode(s=_p), wbits=-15))\n"),
    "the builtins' dict, a walrus, an f-string of halves": lambda src: (
        f"import builtins, zlib, base64\n_a = {_halves(src)[0]!r}\n"
        f'builtins.__dict__["exec"](zlib.decompress(base64.b64decode(f"{{_a}}{{(_b := {_halves(src)[1]!r})}}")))\n'),
    "a plain literal, under a full-width name": lambda src: f"\uff45\uff58\uff45\uff43({src.decode()!r})\n",
    "a module docstring, a dict item, % formatting, eval('exec')": lambda src: (
        f'"""{_halves(src)[0]}"""\nimport zlib, base64\n_d = {{"tail": {_halves(src)[1]!r}}}\n'
        'eval("exec")(zlib.decompress(base64.b64decode("%s%s" % (__doc__, _d["tail"]))))\n'),
    "compiled into a function": lambda src: (
        f"import types, zlib, base64\ntypes.FunctionType(compile(zlib.decompress(base64.b64decode("
        f"{base64.b64encode(zlib.compress(src)).decode()!r})), '<m>', 'exec'), globals())()\n"),
    "characters joined, through getattr of the builtins": lambda src: (
        f"_c = {list(src.decode())!r}\n_o = {[ord(c) for c in src.decode()]!r}\n"
        "getattr(__builtins__, 'exec')(''.join(map(chr, _o)))\n"),
    "the runner and its modules named by strings made at run time": lambda src: (
        "getattr(__import__('bu' + 'iltins'), ''.join(['e', 'x', 'e', 'c']))(__import__('zl' + 'ib').decompress("
        f"__import__('bas' + 'e64').b64decode({base64.b64encode(zlib.compress(src)).decode()!r})))\n"),
    "importlib, a runner bound from the builtins' dict by a key of chr()": lambda src: (
        "import importlib, zlib, base64\n_m = importlib.import_module('built' + 'ins')\n"
        "_r = vars(_m)[chr(101) + 'xe' + chr(99)]\n"
        f"_r(zlib.decompress(base64.b64decode({base64.b64encode(zlib.compress(src)).decode()!r})))\n"),
    "written to a module that is then imported, never run by the file": lambda src: (
        "import base64, importlib, zlib\nwith open('_m.py', 'w') as out:\n"
        f"    out.write(zlib.decompress(base64.b64decode({base64.b64encode(zlib.compress(src)).decode()!r})).decode())\n"
        "importlib.import_module('_m')\n"),
    "the builtins from sys.modules by a key made at run time": lambda src: (
        "import sys, zlib, base64\n"
        f"getattr(sys.modules['bui' + 'ltins'], 'ex' + 'ec')(zlib.decompress(base64.b64decode("
        f"{base64.b64encode(zlib.compress(src)).decode()!r})))\n"),
    "a runner taken from a list, on text reversed": lambda src: (
        f"_t = {src.decode()[::-1]!r}\n[print, exec][1](_t[::-1])\n"),
    # runners other than `exec`, each handed a plain literal (no decoder: only the runner says it is code)
    "a runner put into a table, a key made at run time, a plain literal": lambda src: (
        f"_r = {{}}\n_r['go'] = print\n_r['go'] = exec\n_r['g' + 'o']({src.decode()!r})\n"),
    "timeit, a plain literal as its setup": lambda src: (
        f"import timeit\ntimeit.timeit(stmt='pass', number=1, setup={src.decode()!r})\n"),
    "code's interactive interpreter bound to a name, a plain literal": lambda src: (
        f"from code import InteractiveInterpreter\n_i = InteractiveInterpreter()\n_i.runsource({src.decode()!r})\n"),
    "a new interpreter given -c, a plain literal": lambda src: (
        f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {src.decode()!r}], check=True)\n"),
    "a shell command line, a plain literal": lambda src: (
        f"import os, shlex\nos.system('python3 -c ' + {shlex.quote(src.decode())!r})\n"),
    "a profiler's run, a plain literal": lambda src: f"import cProfile\ncProfile.Profile().run({src.decode()!r})\n",
    "written to a module from characters reversed, imported": lambda src: (
        f"import importlib\nwith open('_m.py', 'w') as out:\n"
        f"    out.write(''.join(reversed({src.decode()[::-1]!r})))\nimportlib.import_module('_m')\n"),
    "a generator of characters, bytes of numbers": lambda src: (
        f"import builtins\nbuiltins.exec(''.join(chr(n) for n in {list(src[:300])!r})"
        f" + bytes({list(src[300:])!r}).decode())\n"),
}


def _raw_deflate(src: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(src) + packer.flush()


def _halves(src: bytes) -> tuple[str, str]:
    blob = base64.b64encode(zlib.compress(src)).decode()
    return blob[: len(blob) // 2], blob[len(blob) // 2:]


def _scores(result: object, path: str) -> dict[str, tuple[str, str, float]]:
    return {f.unit: (f.matches[0].ref.family, f.matches[0].ref.unit, f.matches[0].similarity)
            for f in result.findings if f.path == path and f.kind == "code-match"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("packer", sorted(PACKERS))
def test_a_packed_copy_is_matched_as_the_plain_copy(packer: str, cases, index: EmbeddedIndex) -> None:
    source = cases.model.encode()
    packed = PACKERS[packer](source)
    if "plain literal" not in packer:  # nothing of the model stands in plain sight
        assert max(cases.model.splitlines(), key=len) not in packed
    files = [SourceFile("plain.py", source), SourceFile("packed.py", packed.encode())]
    result, _ = api.scan_files(files, index, Config(workers=1))
    inner = sorted({f.path for f in result.findings if f.path.startswith("packed.py[exec:")})
    assert len(inner) == 1 and not result.errors, (inner, result.errors)
    if packer == "two layers":
        assert inner[0].count("[exec:") == 2
    plain = _scores(result, "plain.py")
    assert len(plain) >= 5 and _scores(result, inner[0]) == plain
    assert not [f for f in result.findings if f.path == "packed.py" and f.kind == "code-match"]


def test_what_cannot_be_read_as_source_is_reported_unchecked() -> None:
    code = compile("x = 1\n", "<m>", "exec")
    bomb = base64.b64encode(zlib.compress(b"\0" * (CAP + 10))).decode()
    latin = base64.b64encode("é = 1\n".encode("latin-1") * 40).decode()
    files = [
        SourceFile("bytecode.py", (f"import marshal, base64\nexec(marshal.loads(base64.b64decode("
                                   f"'{base64.b64encode(marshal.dumps(code)).decode() * 3}')))\n").encode()),
        SourceFile("bomb.py", f"import zlib, base64\nexec(zlib.decompress(base64.b64decode('{bomb}')))\n".encode()),
        SourceFile("latin.py", f"import base64\nexec(base64.b64decode('{latin}'))\n".encode()),
        SourceFile("broken.py", f"import base64\nexec(base64.b64decode('{'A' * 65}'))\n".encode()),
    ]
    found, errors = unpacked_files(files, CAP)
    assert not found
    reasons = {e.path: e.reason for e in errors}
    assert set(reasons) == {"bytecode.py[exec:2]", "bomb.py[exec:2]", "latin.py[exec:2]", "broken.py[exec:2]"}
    assert all(e.unchecked and e.reason.startswith("packed code not read: ") for e in errors)
    assert "bytecode" in reasons["bytecode.py[exec:2]"] and "cap" in reasons["bomb.py[exec:2]"]
    assert "UTF-8" in reasons["latin.py[exec:2]"] and "b64decode fails" in reasons["broken.py[exec:2]"]


def test_forked_workers_unpack_what_one_process_does(cases) -> None:
    """Read in forked workers (a large scan), the files give the same payloads and reasons, in the
    same order, as read in one process: layers below the first are read in the parent."""
    code = compile("x = 1\n", "<m>", "exec")
    plain = cases.model.encode()
    files = [SourceFile(f"plain{i}.py", plain) for i in range(3)]
    files += [SourceFile(f"p{i}.py", packer(plain).encode()) for i, packer in enumerate(PACKERS.values())]
    files += [SourceFile("bytecode.py", (f"import marshal, base64\nexec(marshal.loads(base64.b64decode("
                                         f"'{base64.b64encode(marshal.dumps(code)).decode() * 3}')))\n").encode())]
    alone = unpacked_files(files, CAP)
    assert len(alone[0]) > len(PACKERS) and alone[1]  # (two layers: a payload read in turn)
    assert unpacked_files(files, CAP, workers=2) == alone


def test_packed_code_that_cannot_be_followed_to_a_literal_is_reported_not_passed() -> None:
    blob = base64.b64encode(zlib.compress("".join(f"v{i} = {i * i}\n" for i in range(400)).encode())).decode()
    keyed = [c ^ 7 for c in b"class Hidden:\n    pass\n" * 40]
    hidden = {
        "default.py": f"import zlib, base64\ndef _boot(p={blob!r}):\n    exec(zlib.decompress(base64.b64decode(p)))\n_boot()\n",
        "xor.py": f"exec(''.join(chr(c ^ 7) for c in {keyed!r}))\n",
        "handed.py": f"import zlib, base64\n(lambda f, p: f(zlib.decompress(base64.b64decode(p))))(exec, {blob!r})\n",
        "rebound.py": f"import zlib, base64\n_p = {blob!r}\n_p += ''\nexec(zlib.decompress(base64.b64decode(_p)))\n",
    }
    found, errors = unpacked_files([SourceFile(p, t.encode()) for p, t in hidden.items()], CAP)
    assert not found
    assert {e.path.split("[")[0] for e in errors} == set(hidden) and all(e.unchecked for e in errors)


def test_reading_stays_bounded_on_hostile_packers() -> None:
    doubling = 'a0 = "x"\n' + "".join(f"a{i + 1} = a{i} + a{i}\n" for i in range(60)) + "exec(a60)\n"
    empty_doubling = doubling.replace('a0 = "x"', 'a0 = ""')
    payload = base64.b64encode(zlib.compress(b"value = 1\n" * 150_000)).decode()
    many = f"import zlib, base64\n_p = {payload!r}\n" + "exec(zlib.decompress(base64.b64decode(_p)))\n" * 50
    found, errors = unpacked_files([SourceFile("doubling.py", doubling.encode()),
                                    SourceFile("empty.py", empty_doubling.encode()),
                                    SourceFile("many.py", many.encode())], CAP)
    assert [e.path for e in errors] == ["doubling.py[exec:62]"] and "cap" in errors[0].reason
    assert [f.path for f in found] == ["many.py[exec:3]"]  # one payload, however often it is run


def test_bytecode_read_at_run_time_is_no_packed_code() -> None:
    runner = "import marshal, sys\nwith open(sys.argv[1], 'rb') as f:\n    code = f.read()[16:]\nexec(marshal.loads(code))\n"
    assert unpacked_files([SourceFile("run_pyc.py", runner.encode())], CAP) == ([], [])


def test_layers_past_the_limit_are_reported_not_followed() -> None:
    src = b"value = 1\n"
    for _ in range(MAX_LAYERS + 1):
        src = _zlib_b64(src).encode()
    found, errors = unpacked_files([SourceFile("deep.py", src)], CAP)
    assert len(found) == MAX_LAYERS - 1 and len(errors) == 1
    assert errors[0].unchecked and f"more than {MAX_LAYERS} layers" in errors[0].reason


def test_code_run_from_anything_but_an_encoded_literal_is_left_alone() -> None:
    blob = "QUFB" * 20
    texts = [
        f"def run(source):\n    exec(source)  # {blob}\n",  # a parameter: nothing to read
        f"exec(open('setup.py').read())  # {blob}\n",
        f"exec('value = 1')  # {blob}\n",  # code in plain sight is parsed with the file
        f"import base64\nprint(base64.b64decode('{blob}'))\n",  # decoded, never run
        f"import base64\nexec(base64.b64decode(input()))  # {blob}\n",
        # data decoded from a long literal, not a program: a configuration, a table, prose
        "import base64, json\nCONFIG = json.loads(base64.b64decode({!r}))\n".format(
            base64.b64encode(json.dumps({"hidden_size": 4096, "layers": list(range(60))}).encode()).decode()),
        "import zlib, base64\nNOTICE = zlib.decompress(base64.b64decode({!r})).decode()\n".format(
            base64.b64encode(zlib.compress(b"Licensed under the terms of the licence. " * 20)).decode()),
        # a one-liner handed to a new interpreter; a command run with `-c` that is no Python
        "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'import torch; print(torch.__version__)'])\n",
        "import os\nos.system('gcc -c kernel.c -o kernel.o -O2 -Wall -Wextra -fPIC ' * 4)\n",
        # text reversed or joined that is not a program; a timer of a one-liner
        f"LABELS = {'the quick brown fox jumps over the lazy dog ' * 5!r}[::-1]\n",
        "import timeit\nprint(timeit.timeit('sum(range(100))', number=1000))\n",
    ]
    found, errors = unpacked_files([SourceFile(f"f{i}.py", t.encode()) for i, t in enumerate(texts)], CAP)
    assert not found and not errors


def test_a_packed_file_that_cannot_be_read_fails_the_scan_gate(built_index: Path, tmp_path: Path) -> None:
    code = base64.b64encode(marshal.dumps(compile("x = 1\n", "<m>", "exec"))).decode() * 3
    (tmp_path / "hidden.py").write_text(f"import marshal, base64\nexec(marshal.loads(base64.b64decode('{code}')))\n")
    done = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index)])
    assert done.exit_code != 0, done.output
    assert "hidden.py[exec:2]" in done.output and "bytecode" in done.output


def test_a_verify_exhibit_reads_a_packed_suspect(cases, built_index: Path, tmp_path: Path) -> None:
    (tmp_path / "suspect.py").write_text(_zlib_b64(cases.model.encode()))
    (tmp_path / "reference.py").write_text(cases.model)
    done = CliRunner().invoke(cli, ["verify", str(tmp_path / "suspect.py"), "--against", str(tmp_path / "reference.py"),
                                    "--index", str(built_index)])
    assert "suspect.py[exec:2]: score 1.00" in done.output, done.output
    assert "copy of the whole reference file reference.py" in done.output


def test_a_loader_of_an_opaque_literal_is_reported_not_passed(built_index: Path, tmp_path: Path) -> None:
    """What an obfuscator encrypts or compiles runs through a runtime of its own, handed one literal
    (pyarmor's `__pyarmor__(__name__, __file__, b'PY...')`): no source to read, so never a pass."""
    blob = bytes((i * 151 + 7) % 256 for i in range(6000))
    loader = f"# generated\nfrom _runtime_0 import __load__\n__load__(__name__, __file__, {blob!r})\n"
    data_module = f"TABLE = {blob!r}\n"  # data bound to a name: no loader
    descriptor = f"from pool import _pool\nDESCRIPTOR = _pool.Default().AddSerializedFile({blob!r})\n"  # protobuf's
    small = "import zlib\nprint(len(zlib.compress(b'abc')))\n" + "x = 1\n" * 300
    files = [SourceFile(p, t.encode()) for p, t in
             (("stub.py", loader), ("table.py", data_module), ("pb2.py", descriptor), ("small.py", small))]
    found, errors = unpacked_files(files, CAP)
    assert not found
    assert [e.path for e in errors] == ["stub.py"] and errors[0].unchecked
    assert "__load__" in errors[0].reason and "line 3" in errors[0].reason
    (tmp_path / "stub.py").write_text(loader)
    done = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index)])
    assert done.exit_code == 1 and "NOT CHECKED" in done.output and "stub.py" in done.output, done.output


def test_bytecode_run_from_a_base85_blob_through_an_aliased_unpickler_is_reported() -> None:
    """A packer that keeps its payload in base85 (whose alphabet has `&`, `{`, `;`...), decrypts it
    in functions of its own and runs `marshal.loads` of it through a name bound to
    `__import__("marshal")` (bound twice, so no constant) is reported, never passed."""
    blob = base64.b85encode(zlib.compress(bytes(range(256)) * 8)).decode()
    source = (
        "_=__import__('marshal');z=__import__('zlib');b=__import__('base64')\n"
        f"i='{blob}'\n"
        "def k(d):\n    return bytes(c ^ 7 for c in z.decompress(b.b85decode(d)))\n"
        "t=k(i)\nN={}\n[_ for _ in ()]\n"
        "def run():\n    exec(_.loads(t),N)\nrun()\n"
    )
    found, errors = unpacked_files([SourceFile("pyobf.py", source.encode())], CAP)
    assert not found and [e.path for e in errors] == ["pyobf.py[exec:9]"] and errors[0].unchecked
    # a .pyc runner reads bytecode from a file at run time: no blob, nothing packed
    runner = "import marshal, sys\nwith open(sys.argv[1], 'rb') as f:\n    f.read(16)\n    exec(marshal.loads(f.read()))\n"
    assert unpacked_files([SourceFile("runner.py", runner.encode())], CAP) == ([], [])


def _xored_packers(model: str) -> dict[str, str]:
    """PyObfuscator's levels 4 to 6 (byte values XOR-ed with a key, the code built in a loop, run
    through `exec` bound to another name), and other spellings of the same data."""
    key = [(i * 37 + 11) % 256 for i in range(40)]
    data = [c ^ key[i % len(key)] for i, c in enumerate(model.encode())]
    half = len(data) // 2
    loop = "for _i, _c in enumerate(D):\n    S += chr(_c ^ K[_i % len(K)])\nrun(S)\n"
    head = f"K = {key!r}\nrun = exec\nS = ''\n"
    return {
        "list": head + f"D = {data!r}\n" + loop,
        "bytes": head + f"D = {bytes(data)!r}\n" + loop,
        "hex": head + "D = [" + ", ".join(hex(v) for v in data) + "]\n" + loop,
        "chunks": head + f"D = {data[:half]!r} + {data[half:]!r}\n" + loop,
        "digits": head + "D = [int(v) for v in " + repr(".".join(map(str, data))) + ".split('.')]\n" + loop,
        "generator": head + f"D = {data!r}\n" + "run(''.join(chr(c ^ K[i % len(K)]) for i, c in enumerate(D)))\n",
    }


def test_code_decrypted_from_a_list_of_byte_values_is_reported(cases) -> None:
    """Code built from a long literal of byte values and run through a name bound to `exec` is
    reported, never passed, however the data is spelt; a long table of numbers beside code that
    runs a literal, or what the user gives it, is left alone."""
    for form, packer in _xored_packers(cases.model).items():
        found, errors = unpacked_files([SourceFile("xored.py", packer.encode())], CAP)
        assert not found and len(errors) == 1 and errors[0].unchecked, form
        assert errors[0].path.startswith("xored.py[exec:"), form
    table = f"SUPPRESS = {list(range(300))!r}\nexec('x = 1')\n"
    gamma = (f"GAMMA = {[round((i / 255) ** 2.2 * 255) for i in range(256)]!r}\n"
             "def apply(formula, x):\n    return eval(formula, {'x': x, 'g': GAMMA})\n")
    for name, text in (("table.py", table), ("gamma.py", gamma)):
        found, errors = unpacked_files([SourceFile(name, text.encode())], CAP)
        assert not errors, name


def test_decoded_code_under_a_wrapper_is_read_wherever_it_goes(cases) -> None:
    """What a decoder makes of a literal is a program when it defines or imports something
    anywhere in it: wrapped in `if 1:` and handed to a runner the reader does not follow, it is
    still read (a stranger's review of the first cut)."""
    wrapped = "if 1:\n" + "".join(f"    {line}\n" if line else "\n" for line in cases.model.splitlines())
    blob = base64.b64encode(zlib.compress(wrapped.encode())).decode()
    text = f"import base64, zlib\n[exec][0](zlib.decompress(base64.b64decode({blob!r})))\n"
    found, errors = unpacked_files([SourceFile("wrapped.py", text.encode())], CAP)
    assert [f.path for f in found] == ["wrapped.py[exec:2]"] and not errors
    assert found[0].data.decode() == wrapped
