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

import numpy as np

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.parse.units import parse_source
from tests.engine.conftest import unit_prints as _prints


def _texts(source: str, unit: str) -> list[str]:
    parsed = parse_source("m.py", source.encode())
    found = next(u for u in parsed.units if u.qualname == unit)
    return [found.vocab.texts.items[t] for t in found.text_ids.tolist()]


def _same_unit(a: str, b: str, unit: str) -> bool:
    left, right = _prints(a)[unit], _prints(b)[unit]
    return bool(np.array_equal(left[0], right[0])) and left[1] == right[1]


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
        "    z = getattr(self, _d(b'Z0FBQUFBQnJGWjhY1')) * table[_d(b'Z0FBQUFBQnJGWjhY2')]\n"
        "    return y + z + table[_d(b'Z0FBQUFBQnJGWjhY3')] + (x > 3) * 4096\n"
    )
    assert _same_unit(PLAIN, decoded, "f")  # (the structure: what a string held is the obfuscator's secret)
    assert "_d" not in _texts(decoded, "f")
    table = decoded.replace("_KEY.decrypt(base64.b64decode(blob)).decode()", "_table()[idx]").replace("(blob)", "(idx)")
    for n, code in enumerate(("1", "2", "3")):
        table = table.replace(f"b'Z0FBQUFBQnJGWjhY{code}'", str(n))
    assert _same_unit(PLAIN, table, "f")  # (looked up by number in an encrypted table)
    lam = decoded.replace("def _d(blob):\n    return _KEY.decrypt(base64.b64decode(blob)).decode()\n",
                          "_d = lambda blob: _KEY.decrypt(blob).decode()\n")
    assert _same_unit(PLAIN, lam, "f")


def test_what_only_looks_like_a_decoder_stays_a_call() -> None:
    base = (
        "def _d(blob):\n"
        "    return lookup(blob)\n"
        "def f(self, x):\n"
        "    return self.w(_d(b'gAAAAx1')) + self.w(_d(b'gAAAAx2'))\n"
    )
    assert "_d" not in _texts(base, "f")  # (the control: a decoder as the module spells one)
    assert "_d" not in _texts(base.replace("b'gAAAAx1'", "'Z0FBQUFBQnJGWjhY'"), "f")  # (text encoded alike)
    others = {
        "called once": base.replace(" + self.w(_d(b'gAAAAx2'))", ""),
        "given a name": base.replace("_d(b'gAAAAx2')", "_d(x)"),
        "given two values": base.replace("_d(b'gAAAAx2')", "_d(b'gAAAAx2', 2)"),
        "given an f-string": base.replace("_d(b'gAAAAx2')", "_d(f'{x}b')"),
        "given plain words": base.replace("b'gAAAAx1'", "'gelu_python'").replace("b'gAAAAx2'", "'silu'"),
        "given numbers it does not look up": base.replace("b'gAAAAx1'", "1").replace("b'gAAAAx2'", "2")
                                             + "def g(x):\n    return _d(3)\n",
        "given two numbers": base.replace("return lookup(blob)", "return TABLE[blob]")
                                 .replace("b'gAAAAx1'", "1").replace("b'gAAAAx2'", "2"),
        "called in turn": base.replace("self.w(_d(b'gAAAAx1'))", "_d(b'gAAAAx1')(x)"),
        "named elsewhere": base + "g = _d\n",
        "two parameters": base.replace("def _d(blob):", "def _d(blob, n=1):"),
        "a method's": base.replace("def _d(blob):\n    return lookup(blob)\n",
                                   "class K:\n    def _d(blob):\n        return lookup(blob)\n"),
        "called as a statement": base.replace("    return self.w(_d(b'gAAAAx1'))",
                                              "    _d(b'gAAAAx3')\n    return self.w(_d(b'gAAAAx1'))"),
    }
    for why, source in others.items():
        assert "_d" in _texts(source, "f"), why
    kept = "def f(x):\n    return ('ab'[::2], x == 1, 1 is 1, not x, bool(x), 'ab'[1], codecs.decode(x, 'rot13'))\n"
    texts = _texts(kept, "f")
    for word in ("'ab'", "x", "is", "bool", "codecs", "rot13"):
        assert any(word in t for t in texts), word
    assert "True" not in texts and "False" not in texts


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
            secret = base64.b64encode(ast.literal_eval(tok.string).encode()[::-1]).decode()
            out.append((tokenize.NAME, f"_secret(b'{secret}')"))
        elif tok.type == tokenize.NUMBER and line in inside and tok.string.isdigit():
            constants.append(f"({int(tok.string) ^ 0x5A5A} ^ {0x5A5A})")
            out.append((tokenize.NAME, f"_K{len(constants)}"))
        else:
            out.append((tok.type, tok.string))
    lines = tokenize.untokenize(out).splitlines(keepends=True)
    names = ", ".join(f"_K{i + 1}" for i in range(len(constants)))
    head = ("def _secret(blob):\n    return bytes(reversed(__import__('base64').b64decode(blob))).decode()\n\n\n"
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
