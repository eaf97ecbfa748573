"""A copy put through a real minifier (python-minifier, from PyPI) is matched as the plain copy is
(`lex-v29`): ";" between statements and bodies on their headers' lines are read as written out
(fingerprint/statements.py), literals, builtins and imports bound to one-letter names are read
where the names stand (parse/hoisted.py), parameters aliased first thing are read as themselves
(parse/aliases.py).  Each piece is also checked alone, on code of our own, against the same code
written out."""

from __future__ import annotations

import numpy as np
import pytest
import python_minifier

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.parse.units import parse_source
from tests.engine.conftest import unit_prints as _prints

EVERYTHING = dict(remove_annotations=True, remove_pass=True, remove_literal_statements=True, combine_imports=True,
                  hoist_literals=True, rename_locals=True, rename_globals=True, remove_object_base=True,
                  convert_posargs_to_args=True, preserve_shebang=False, remove_asserts=True, remove_debug=True)
NOTHING = {k: False for k in EVERYTHING}
SETTINGS = {
    "layout only": NOTHING,
    "literals hoisted": NOTHING | {"hoist_literals": True},
    "locals renamed (parameters aliased)": NOTHING | {"rename_locals": True},
    "annotations removed": NOTHING | {"remove_annotations": True},
    "everything": EVERYTHING,
}




def _same_prints(a: str, b: str) -> None:
    left, right = _prints(a), _prints(b)
    assert left.keys() == right.keys() and left
    for name in left:
        assert np.array_equal(left[name][0], right[name][0]), name
        assert left[name][1] == right[name][1], name


def _matches(result: object, path: str) -> list[tuple[str, str, float]]:
    """(reference family, reference unit, structural similarity) of each unit's best match, sorted:
    the scanned units' own names may differ (a minifier renames them)."""
    return sorted((f.matches[0].ref.family, f.matches[0].ref.unit, f.matches[0].similarity)
                  for f in result.findings if f.path == path and f.kind == "code-match")  # type: ignore[attr-defined]


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_a_minified_copy_is_matched_as_the_plain_copy(setting: str, cases, index: EmbeddedIndex) -> None:
    minified = python_minifier.minify(cases.model, **SETTINGS[setting])
    assert minified.count("\n") < cases.model.count("\n") / 2  # it did pack the code
    files = [SourceFile("plain.py", cases.model.encode()), SourceFile("minified.py", minified.encode())]
    result, _ = api.scan_files(files, index, Config(workers=1))
    plain = _matches(result, "plain.py")
    assert len(plain) >= 5 and _matches(result, "minified.py") == plain
    verdicts = {p: r.verdict for p, r in result.summary.files.items()}
    assert "copy of" in verdicts["minified.py"] and verdicts["minified.py"].split(";")[0] == \
        verdicts["plain.py"].split(";")[0].replace("plain.py", "minified.py")


def test_statements_joined_by_semicolons_or_on_a_header_line_read_as_written_out() -> None:
    written = (
        "def step(state, rate):\n"
        "    if state is None:\n        return rate\n"
        "    grad = state * rate\n    state = state - grad\n"
        "    for k in range(3):\n        state = state + k\n"
        "    while state > 10:\n        state = state // 2\n"
        "    return state, grad\n"
    )
    packed = ("def step(state, rate):\n"
              "\tif state is None:return rate\n"
              "\tgrad = state * rate; state = state - grad;\n"
              "\tfor k in range(3):state = state + k\n"
              "\twhile state > 10:state = state // 2\n"
              "\treturn state, grad\n")
    _same_prints(written, packed)
    one_line = "def step(state, rate):grad = state * rate; state = state - grad; return state, grad\n"
    _same_prints("def step(state, rate):\n    grad = state * rate\n    state = state - grad\n"
                 "    return state, grad\n", one_line)


def test_a_dict_or_a_lambda_on_a_header_line_is_no_body() -> None:
    # the colon inside a dict display, a slice or a lambda is not the header's
    written = "def pick(x):\n    if x[1:2] == {1: 2}:\n        return lambda y: y\n    return x\n"
    packed = "def pick(x):\n    if x[1:2] == {1: 2}:return lambda y: y\n    return x\n"
    _same_prints(written, packed)


def test_hoisted_literals_builtins_and_import_aliases_read_as_themselves() -> None:
    written = (
        "import math\nfrom os import path\n\n"
        "def scale(x, flag=None):\n"
        "    if flag is None:\n        flag = True\n"
        "    if isinstance(x, float) and flag:\n        return math.sqrt(x) * 2.5, path.sep\n"
        "    return 'fallback', False\n"
    )
    hoisted = (
        "import math as M\nfrom os import path as P\n"
        "A = None\nB = True\nC = False\nD = 'fallback'\nE = 2.5\nI = isinstance\n\n"
        "def scale(x, flag=A):\n"
        "    if flag is A:\n        flag = B\n"
        "    if I(x, float) and flag:\n        return M.sqrt(x) * E, P.sep\n"
        "    return D, C\n"
    )
    left, right = _prints(written), _prints(hoisted)
    assert np.array_equal(left["scale"][0], right["scale"][0])
    parsed = parse_source("m.py", hoisted.encode())
    scale = next(u for u in parsed.units if u.qualname == "scale")
    texts = [scale.vocab.texts.items[t] for t in scale.text_ids.tolist()]
    assert "math" in texts and "isinstance" in texts and "M" not in texts and "I" not in texts


def test_hoisted_names_after_thousands_of_statements_read_as_themselves() -> None:
    """Every top-level statement and import is read: a cap on them let padding before a minified
    copy leave its hoisted names and its library alias as written."""
    written = "import torch\n\ndef scale(x):\n    if isinstance(x, float):\n        return torch.transpose(x, 1, 2) * 2.5\n    return None\n"
    padding = "".join(f"import pad{i}\n" for i in range(2500)) + "".join(f"p{i} = {i}\n" for i in range(6000))
    hoisted = padding + "import torch as T\nE = 2.5\nI = isinstance\n\n" \
        "def scale(x):\n    if I(x, float):\n        return T.transpose(x, 1, 2) * E\n    return None\n"
    assert np.array_equal(_prints(written)["scale"][0], _prints(hoisted)["scale"][0])


def test_a_name_bound_again_is_no_hoisted_literal() -> None:
    # bound twice at the top level, or declared global: never substituted; bound as a local or a
    # parameter in one function: that function reads its own, the others the module's literal
    source = (
        "A = None\nB = None\nB = 1\nG = 0\n\n"
        "def uses(x):\n    return x is A, B, G\n\n"
        "def shadows(A):\n    return A\n\n"
        "def local(x):\n    A = x\n    return A\n\n"
        "def declares():\n    global G\n    G = 2\n"
    )
    parsed = parse_source("m.py", source.encode())
    kinds = {u.qualname: [u.vocab.kinds.items[k] for k in u.kind_ids.tolist()] for u in parsed.units}
    assert kinds["uses"].count("None") == 1 and kinds["uses"].count("NUM") == 0  # A read as None; B, G not
    assert "None" not in kinds["shadows"] and "None" not in kinds["local"]


def test_a_literal_hoisted_into_a_function_reads_there_only() -> None:
    # a minifier hoists a literal used in one function only into that function, first thing
    source = (
        "def outer(table):\n    K = 'key'\n    def inner(K):\n        return K\n"
        "    return table[K], inner\n\n"
        "def other(K):\n    return K\n"
    )
    parsed = parse_source("m.py", source.encode())
    by_name = {u.qualname: u for u in parsed.units}
    texts = {q: [u.vocab.texts.items[t] for t in u.text_ids.tolist()] for q, u in by_name.items()}
    assert "'key'" in texts["outer"] and "K" not in texts["outer"]  # read as the literal, its binding gone
    assert "'key'" not in texts["outer.inner"] and "'key'" not in texts["other"]


def test_a_parameter_aliased_first_thing_reads_as_the_parameter() -> None:
    written = "def run(config, x):\n    y = config.scale * x\n    return f(config=y, other=config.bias)\n"
    aliased = "def run(config, x):\n    A = config; B = x\n    y = A.scale * B\n    return f(config=y, other=A.bias)\n"
    _same_prints(written, aliased)
    # the parameter read again later: the alias is the code's own
    kept = "def run(config, x):\n    A = config\n    y = A.scale * x\n    return config.bias + y\n"
    assert _prints(kept)["run"][1] != _prints("def run(config, x):\n    y = config.scale * x\n"
                                              "    return config.bias + y\n")["run"][1]


def test_return_none_reads_as_a_bare_return() -> None:
    written = ("def find(items, key):\n    for item in items:\n        if item.key == key:\n"
               "            return item.value\n    return None\n")
    bare = written.replace("return None", "return")
    _same_prints(written, bare)
    # a value that merely starts with None is kept
    assert _prints(written.replace("return None", "return None if key else key"))["find"][1] != _prints(bare)["find"][1]
