"""What obfuscators encode reads as what they encoded (`lex-v53`, parse/folded.py, parse/hoisted.py):
constants bound once in a tuple, each spelt by an encoder (obfupy's constant extraction: a string
reversed, rot13, hex, characters xored in a comprehension, `not 0`, `bool(7)`, comparisons of
integers), and strings a function of the module decrypts from a literal (pyobfus Pro's
`_decrypt_str(b'...')`) or looks up by number (obfuscatorx's string table).  Each is checked on
code of our own against the same code written plainly; what only looks like an encoder stays.
The fixture model, its strings encrypted and its numbers bound to encoded constants, is matched
unit by unit as the plain copy is."""

from __future__ import annotations

import ast
import base64
import io
import tokenize

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.parse.units import parse_source
from tests.engine.conftest import same_unit as _same_unit
from tests.engine.conftest import unit_texts as _texts


PLAIN = (
    "import codecs\n"
    "def f(self, x, table):\n"
    "    y = x.pow(2).mean(-1, keepdim=True) + self.b\n"
    "    z = getattr(self, 'weight') * table['rope_type']\n"
    "    return y + z + table['default'] + (x > 3) * 4096\n"
)


def test_constants_bound_encoded_in_one_tuple_read_as_the_literals() -> None:
    encoded = (
        "import codecs\n"
        "W, T, K, D, N, M = (''.join([chr(c ^ 730) for c in [685, 703, 691, 701, 690, 686]]), bool(7), "
        "'epyt_epor'[::-1], codecs.decode(b'64656661756c74', 'hex').decode('utf-8'), ~-~-5, "
        "(889963678 ^ 1264558) - (889963678 ^ 1264558) + 4096)\n"
        "def f(self, x, table):\n"
        "    y = x.pow(2).mean(-1, keepdim=T) + self.b\n"
        "    z = getattr(self, W) * table[K]\n"
        "    return y + z + table[D] + (x > N) * M\n"
    )
    assert _same_unit(PLAIN, encoded, "f")
    assert _texts(encoded, "f") == _texts(PLAIN, "f")
    module = _texts(encoded, "<module>")  # (the binding itself is read as absent, as a minifier's is)
    assert "730" not in module and "codecs" in module
    rot13 = encoded.replace("'epyt_epor'[::-1]", "codecs.decode('ebcr_glcr', 'rot13')")
    assert _texts(rot13, "f") == _texts(PLAIN, "f")
    truths = "A, B, C, E = (not 0, 3 < 5 <= 5, 38 == 38, not 50)\ndef g(x):\n    return f(x, A, B, C, E)\n"
    assert _texts(truths, "g")[-9:] == ["(", "x", ",", "True", ",", "True", ",", "True", ","][-9:] \
        or _texts(truths, "g").count("True") == 3
    assert _texts(truths, "g").count("True") == 3 and _texts(truths, "g").count("False") == 1


def test_strings_a_module_function_decodes_read_as_strings() -> None:
    decoded = (
        "import codecs\n"
        "def _d(blob):\n"
        "    return _KEY.decrypt(base64.b64decode(blob)).decode()\n"
        "def f(self, x, table):\n"
        "    y = x.pow(2).mean(-1, keepdim=True) + self.b\n"
        "    z = getattr(self, _d(b'Z0FBQUFBQnJGWjhYd0o01')) * table[_d(b'Z0FBQUFBQnJGWjhYd0o02')]\n"
        "    return y + z + table[_d(b'Z0FBQUFBQnJGWjhYd0o03')] + (x > 3) * 4096\n"
    )
    assert _same_unit(PLAIN, decoded, "f")  # (the structure: what a string held is the obfuscator's secret)
    assert "_d" not in _texts(decoded, "f")
    table = decoded.replace("_KEY.decrypt(base64.b64decode(blob)).decode()", "_table()[idx]").replace("(blob)", "(idx)") \
        + "def _table():\n    return [base64.b64decode(c).decode() for c in _RAW]\n"
    for n, code in enumerate(("1", "2", "3")):
        table = table.replace(f"b'Z0FBQUFBQnJGWjhYd0o0{code}'", str(n))
    assert _same_unit(PLAIN, table, "f")  # (looked up by number in an encrypted table)
    lam = decoded.replace("def _d(blob):\n    return _KEY.decrypt(base64.b64decode(blob)).decode()\n",
                          "_d = lambda blob: _KEY.decrypt(blob).decode()\n")
    assert _same_unit(PLAIN, lam, "f")


def test_what_only_looks_like_a_decoder_stays_a_call() -> None:
    one, two = "b'gAAAAABnX2Vz9kQ1Lm8'", "b'gAAAAABnX2Vz9kQ1Lm9'"
    base = (
        "def _d(blob):\n"
        "    return _FERNET.decrypt(blob).decode()\n"
        "def f(self, x):\n"
        f"    return self.w(_d({one})) + self.w(_d({two}))\n"
    )
    assert "_d" not in _texts(base, "f")  # (the control: a decoder as the module spells one)
    assert "_d" not in _texts(base.replace(one, "'Z0FBQUFBQnJGWjhYd0o0'"), "f")  # (base64 text alike)
    others = {
        "called once": base.replace(f" + self.w(_d({two}))", ""),
        "given a name": base.replace(f"_d({two})", "_d(x)"),
        "given two values": base.replace(f"_d({two})", f"_d({two}, 2)"),
        "given an f-string": base.replace(f"_d({two})", "_d(f'{x}b')"),
        "given plain words": base.replace(one, "'gelu_python'").replace(two, "'silu'"),
        "given a model's name": base.replace(one, "'meta-llama/Llama-2-7b-hf'").replace(two, "'TinyLlama/TinyLlama-1.1B'"),
        "given a setting's name": base.replace(one, "'FLASHINFER_DISABLE_FP4_QUANT'").replace(two, "'HF_HUB_OFFLINE_V2'"),
        "given a file's name as bytes": base.replace(one, "b'config.json'").replace(two, "b'model.safetensors'"),
        "decoding nothing": base.replace("_FERNET.decrypt(blob).decode()", "os.environ.get(blob, '0') == '1'"),
        "given numbers it does not look up": base.replace(one, "1").replace(two, "2") + "def g(x):\n    return _d(3)\n",
        "given numbers it looks up in a plain table": base.replace("_FERNET.decrypt(blob).decode()", "LAYERS[blob]")
            .replace(one, "1").replace(two, "2") + "def g(x):\n    return _d(3)\n",
        "given two numbers": base.replace("_FERNET.decrypt(blob).decode()", "_table()[blob]")
            .replace(one, "1").replace(two, "2") + "def _table():\n    return [c.decode() for c in _RAW]\n",
        "called in turn": base.replace(f"self.w(_d({one}))", f"_d({one})(x)"),
        "named elsewhere": base + "g = _d\n",
        "two parameters": base.replace("def _d(blob):", "def _d(blob, n=1):"),
        "a method's": base.replace("def _d(blob):\n    return _FERNET.decrypt(blob).decode()\n",
                                   "class K:\n    def _d(blob):\n        return _FERNET.decrypt(blob).decode()\n"),
        "called as a statement": base.replace(f"    return self.w(_d({one}))",
                                              f"    _d({two})\n    return self.w(_d({one}))"),
    }
    for why, source in others.items():
        assert "_d" in _texts(source, "f"), why
    # what a decoder's string is stays unknown: nothing is computed from it
    unknown = base.replace(f"self.w(_d({one}))", f"self.w(not _d({one}), bool(_d({two})), codecs.decode(_d({one}), 'rot13'))")
    assert "True" not in _texts(unknown, "f") and "False" not in _texts(unknown, "f")
    kept = "def f(x):\n    return ('ab'[::2], x == 1, 1 is 1, not x, bool(x), 'ab'[1], codecs.decode(x, 'rot13'))\n"
    texts = _texts(kept, "f")
    for word in ("'ab'", "x", "is", "bool", "codecs", "rot13"):
        assert any(word in t for t in texts), word
    assert "True" not in texts and "False" not in texts


_IV = bytes.fromhex("6a1f93c2e4b0775d0c3e9a81f2d46b19")  # (a cipher's nonce: its text reads as a cipher's)


def _encoded(model: str) -> str:
    """The model as pyobfus Pro and obfupy leave it: every string in a function body encrypted
    and read back through a decoder defined in the module, and every integer in a function body
    bound to a name in one module-level tuple, spelt as an xor."""
    docstrings = {node.body[0].value.lineno for node in ast.walk(ast.parse(model))  # type: ignore[attr-defined]
                  if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    inside = {n for node in ast.walk(ast.parse(model)) if isinstance(node, ast.FunctionDef)
              for n in range(node.body[0].lineno, (node.end_lineno or 0) + 1)}
    constants: list[str] = []
    out: list[tuple[int, str]] = []
    for tok in tokenize.generate_tokens(io.StringIO(model).readline):
        line = tok.start[0]
        if tok.type == tokenize.STRING and line in inside and line not in docstrings \
                and not tok.string.lower().startswith(("f", "rf", "fr", "b")):
            secret = base64.b64encode(_IV + ast.literal_eval(tok.string).encode()[::-1]).decode()
            out.append((tokenize.NAME, f"_secret(b'{secret}')"))
        elif tok.type == tokenize.NUMBER and line in inside and tok.string.isdigit():
            constants.append(f"({int(tok.string) ^ 0x5A5A} ^ {0x5A5A})")
            out.append((tokenize.NAME, f"_K{len(constants)}"))
        else:
            out.append((tok.type, tok.string))
    lines = tokenize.untokenize(out).splitlines(keepends=True)
    names = ", ".join(f"_K{i + 1}" for i in range(len(constants)))
    head = (f"def _secret(blob):\n    return __import__('base64').b64decode(blob)[{len(_IV)}:][::-1].decode()\n\n\n"
            + (f"{names}, = ({', '.join(constants)},)\n" if constants else ""))
    at = max((i + 1 for i, line in enumerate(lines) if line.startswith("from __future__")), default=0)
    return "".join(lines[:at]) + head + "".join(lines[at:])


def test_an_encoded_copy_is_matched_as_the_plain_copy(cases, index: EmbeddedIndex) -> None:
    encoded = _encoded(cases.model)
    assert encoded.count("_secret(b'") >= 5 and "_K2" in encoded
    compile(encoded, "encoded.py", "exec")  # (never run)
    files = [SourceFile("plain.py", cases.model.encode()), SourceFile("encoded.py", encoded.encode())]
    result, _ = api.scan_files(files, index, Config(workers=1))

    def matches(path: str) -> dict[str, tuple[str, str]]:
        return {f.unit: (f.matches[0].ref.family, f.matches[0].ref.unit)
                for f in result.findings if f.path == path and f.kind == "code-match"}

    plain, copy = matches("plain.py"), matches("encoded.py")
    assert len(plain) >= 5
    assert {u: m for u, m in copy.items() if u in plain} == plain  # every unit of the plain copy, matched alike


def test_long_chains_of_encoders_leave_the_file_checked() -> None:
    """A line of thousands of signs, `not`s, reversals or a comprehension over thousands of items
    (a stranger's review: each spent the file's parse budget, so the whole copy beside it went
    unchecked): folded no further than an obfuscator's encoders reach, the rest read as written."""
    tail = "def f(self, x):\n    return self.norm(x)\n"
    chains = ["_PAD = " + "~-" * 13000 + "5\n", "_PAD = " + "not " * 20000 + "5\n",
              "_PAD = 'abc'" + "[::-1]" * 20000 + "\n",
              "".join(f"_P{i} = ''.join([chr(c + " + " + ".join(["1"] * 40) + ") for c in [" + ", ".join(["65"] * 4096)
                      + "]])\n" for i in range(20))]
    for chain in chains:
        parsed = parse_source("m.py", (chain + tail).encode())
        assert not parsed.errors, chain[:40]
        assert [u.qualname for u in parsed.units] == ["<module>", "f"]
