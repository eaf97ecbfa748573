"""The build's remembered and pre-filtered matchers (issue 19) against plain reference versions.

Role rules are searched once per distinct name, base and path, and a rule on a unit's text
only when the text holds one of the literals its matches need; a manifest's family globs are
filed by folder; the architecture reader passes over fields that hold no node.  Each reference
here is the straightforward form (every rule searched on every subject, every glob tried), and
the product's form must give exactly the same answer.  A compact record, pickled from a
worker with its units' arrays back to back, must come back as it was.
"""

from __future__ import annotations

import ast
import dataclasses
import pickle
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.arch.walk import ENTERED, SCALAR_FIELDS
from lineage.compact.files import CompactFile, compact_all
from lineage.compact.literals import required_literals
from lineage.compact.roles import ROLES, RoleDecision, RoleRules, classify, load_rules
from lineage.data import shipped_dir
from lineage.fingerprint.params import FingerprintParams
from lineage.index.manifest import Family, Manifest, family_of, glob_regex, load_manifest
from lineage.models import SourceFile
from lineage.parse.units import parse_source

STDLIB = sorted(Path(ast.__file__).parent.glob("*.py"))[::6]
FAST = settings(max_examples=200, deadline=None)


# --- literals a regex's matches need --------------------------------------------------------

ATOMS = ["a", "b", "ab", "\\.", "\\(", ".", "[ab]", "[^a]", "(a|b)", "(?:ab)", "(?<!a)", "^", "$", "\\b",
         "\\d", "{", "}", "]", "-", " "]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "*?"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    branches = draw(st.lists(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)),
                                      max_size=5), min_size=1, max_size=4))
    pattern = "|".join("".join(a + q for a, q in branch) for branch in branches)
    try:
        re.compile(pattern)
    except re.error:
        return "ab"
    return pattern


@FAST
@given(patterns(), st.text(alphabet="ab.( 12-{}]", max_size=12))
def test_a_text_without_the_literals_never_matches(pattern: str, text: str) -> None:
    needs = required_literals(pattern)
    if needs is not None and re.search(pattern, text):
        assert any(n in text for n in needs), (pattern, text, needs)


@pytest.mark.parametrize(("pattern", "needs"), [
    ("softmax|torch\\.matmul|\\.pow\\(2\\)", ("softmax", "torch.matmul", ".pow(2)")),
    ("(^|[^_a-z])dist\\.(init|barrier)|mp\\.spawn", ("dist.", "mp.spawn")),
    ("(?<!s)parse|tokeni[sz]", ("parse", "tokeni")),
    ("ab?c|x{2}yz", ("a", "yz")),
    ("a|", None),  # an empty alternative matches anywhere
    ("(a|b)", None),
    ("(?i)abc", None),  # inline flags change what a literal is
])
def test_required_literals(pattern: str, needs: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == needs


# --- role rules -----------------------------------------------------------------------------

def reference_classify(qualname: str, bases: Sequence[str], text: str, path: str, rules: RoleRules) -> RoleDecision:
    """Every rule searched on every subject, in the rules' order."""
    owner, _, own = qualname.rpartition(".")
    subjects = {"name": [own], "owner": [owner] if owner else [], "base": list(bases), "call": [text],
                "path": ["/" + path.lstrip("/")]}  # (a top folder of the scan is a folder: the path read from "/")
    lowered = {k: [v.lower() for v in vals] for k, vals in subjects.items()}
    speaks = any(r.pattern.search((lowered if r.lower else subjects)["name"][0]) for r in rules.rules if r.on == "name")
    scores = dict.fromkeys(ROLES, 0.0)
    features: list[str] = []
    for rule in rules.rules:
        on = "owner" if rule.on == "name" and not speaks else rule.on
        for subject in (lowered if rule.lower else subjects)[on]:
            hit = rule.pattern.search(subject)
            if hit:
                scores[rule.role] += rule.weight
                features.append(f"{'class' if on == 'owner' else on}~{hit.group(0)!r} (+{rule.weight:g} {rule.role})")
                break
    lead, runner_up = sorted(ROLES, key=lambda r: -scores[r])[:2]
    return RoleDecision(lead if scores[lead] - scores[runner_up] >= rules.margin else None, scores, tuple(features))


WORDS = ["Attention", "mlp", "Model", "Trainer", "load_weights", "forward", "softmax(", "nn.Linear", "dist.barrier()",
         "xdist.barrier", "torch.optim.Adam", "optimizer.step()", "DataLoader(", "json.loads", "parse", "sparse",
         "Dataset", "nn.Module", "modeling_x.py", "train.py", "/models/", "x", "_", ".", "(", "CONFIG", "Ä"]
words = st.lists(st.sampled_from(WORDS), max_size=6).map("".join)


@FAST
@given(st.lists(words, min_size=1, max_size=3).map(".".join), st.lists(words, max_size=3), words, words)
def test_classify_is_the_plain_reading_of_the_rules(qualname: str, bases: list[str], text: str, path: str) -> None:
    rules = load_rules()
    assert classify(qualname, bases, text, path, rules) == reference_classify(qualname, bases, text, path, rules)


def test_classify_is_the_plain_reading_of_the_rules_on_real_source() -> None:
    rules = load_rules()
    seen = 0
    for path in STDLIB:
        for unit in parse_source(f"lib/{path.name}", path.read_bytes()).units:
            text = "".join(map(unit.vocab.texts.items.__getitem__, unit.text_ids.tolist()))  # as compact joins it
            for subject_path in (f"lib/{path.name}", "pkg/models/modeling_x.py", "pkg/trainer.py"):
                got = classify(unit.qualname, unit.bases, text, subject_path, rules)
                assert got == reference_classify(unit.qualname, unit.bases, text, subject_path, rules)
                seen += 1
    assert seen > 500


# --- family globs ---------------------------------------------------------------------------

def reference_family_of(path: str, manifest: Manifest) -> Family | None:
    if any(glob_regex(p).match(path) for p in manifest.exclude):
        return None
    for fam in manifest.families:
        if any(glob_regex(p).match(path) for p in fam.include) and not any(glob_regex(p).match(path) for p in fam.exclude):
            return fam
    return None


def _paths(manifest: Manifest) -> set[str]:
    """Paths each glob takes, and near misses: a folder up or down, another name, another suffix."""
    out: set[str] = set()
    for fam in manifest.families:
        for glob in (*fam.include, *fam.exclude, *manifest.exclude):
            path = glob.replace("**/", "a/b/").replace("*", "x").replace("?", "q")
            folder, _, name = path.rpartition("/")
            out |= {path, f"{folder}/sub/{name}", f"{folder.rpartition('/')[0]}/{name}", f"{folder}/other.py",
                    path + "c", name, "z/" + path}
    return out


@pytest.mark.parametrize("toml", sorted(p.name for p in shipped_dir().glob("*.toml")
                                        if p.name not in ("default.toml", "roles.toml", "organisations.toml",
                                                          "licences.toml", "vestiges.toml", "calibration.toml",
                                                          "shipped.toml")))
def test_family_of_is_the_plain_reading_of_the_globs(toml: str) -> None:
    manifest = load_manifest(shipped_dir() / toml)
    for path in sorted(_paths(manifest)):
        assert family_of(path, manifest) == reference_family_of(path, manifest), path


# --- the architecture reader ----------------------------------------------------------------

def test_the_fields_the_reader_passes_over_hold_no_node_it_enters() -> None:
    for path in STDLIB:
        for node in ast.walk(ast.parse(path.read_bytes())):
            for name in SCALAR_FIELDS & set(node._fields):
                value = getattr(node, name, None)
                values = value if isinstance(value, list) else [value]
                assert not any(type(v) in ENTERED for v in values), (path.name, type(node).__name__, name)


# --- a compact record through a pipe --------------------------------------------------------

def _fields_of(cf: CompactFile) -> list[object]:
    def plain(value: object) -> object:
        return (value.dtype.str, value.shape, value.tobytes()) if isinstance(value, np.ndarray) else value

    return [plain(getattr(cf, f.name)) for f in dataclasses.fields(cf) if f.name != "units"] + [
        [plain(getattr(u, f.name)) for f in dataclasses.fields(u)] for u in cf.units]


@pytest.mark.parametrize("keep_text", [False, True])
def test_a_compact_record_pickles_whole(keep_text: bool) -> None:
    """Its units' arrays travel back to back and come back as they were, dtypes included."""
    sources = [SourceFile(f"lib/{p.name}", p.read_bytes()) for p in STDLIB[:8]]
    sources += [SourceFile("empty.py", b""), SourceFile("broken.py", b"def f(:\n"), SourceFile("bin.py", b"\x00")]
    for cf in compact_all(sources, FingerprintParams(), keep_text=keep_text):
        back = pickle.loads(pickle.dumps(cf, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is CompactFile
        assert _fields_of(back) == _fields_of(cf)
