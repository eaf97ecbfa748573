"""A class verdict reads the code a class owns outside its body (classify/adopt.py): methods
moved out to module-level functions that only the class calls with its instance, and a mixin
defined beside it that only it uses as a base.  Helpers, shared bases and anything named
elsewhere stay apart.

Fixture code is our own, reshaped here with `ast`.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from lineage import api
from lineage.classify.adopt import adoptions
from lineage.compact.files import compact
from lineage.config import Config
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.lines_fixture import index_families


def adopted(text: str) -> dict[str, str]:
    cf = compact(SourceFile("m.py", textwrap.dedent(text).encode()), FingerprintParams(), keep_text=True)
    return adoptions(cf.outline, cf.text)


def test_a_function_only_one_class_calls_with_its_instance_is_that_classs() -> None:
    """A method moved out (the instance first, or bound by assignment), or the second half of one
    split off (the instance among the names it reads, or given by keyword, the call over several
    lines)."""
    assert adopted('''
        def _attend(self, x, mask):
            return self.proj(x) * mask

        def _tail(hidden, mask, self):
            return self.out(hidden * mask)

        def _project(x, module):
            return module.proj(x)

        def _init(self, width):
            self.width = width

        class Attention:
            __init__ = _init  # a method by assignment

            def forward(self, x, mask):
                hidden = _attend(self, x, mask) + _project(
                    x, module=self)
                return _tail(hidden, mask, self), hidden  # (returned alone, it is read in forward: parse/inline.py)
        ''') == {"_attend": "Attention", "_tail": "Attention", "_project": "Attention", "_init": "Attention"}


def test_helpers_shared_functions_and_names_used_elsewhere_stay_apart() -> None:
    assert adopted('''
        def repeat(x, n):  # called by one class, but not with its instance: a helper
            return x.repeat(n)

        def shared(self, x):  # called with the instance by two classes
            return x

        def exported(self, x):  # named outside the class too
            return x

        def twice(self, x):
            return x

        if FAST:
            def twice(self, x):  # defined twice: which one runs is unknown
                return x + 0

        HANDLERS = {"exported": exported}

        class A:
            def forward(self, x):
                return repeat(shared(self, x), 2) + exported(self, x) + twice(self, x)

        class B:
            def forward(self, x):
                return shared(self, x)
        ''') == {}


def test_a_method_of_the_same_name_or_an_attribute_is_not_a_call_with_the_instance() -> None:
    assert adopted('''
        def build(mask, heads):
            return mask * heads

        def scale(factor):
            return factor

        class Model:
            def build(self, mask):
                return build(mask, self.heads)

            def forward(self, x):
                return scale(self.factor) * x
        ''') == {}


def test_a_mixin_only_one_class_uses_is_that_classs_and_chains_resolve() -> None:
    found = adopted('''
        class _Inner:
            def step(self, x):
                return x

        class _Ops(_Inner):
            def forward(self, x):
                return self.step(x)

        class Block(_Ops, Module):
            def __init__(self):
                super().__init__()

        class Shared:
            pass

        class Left(Shared):
            pass

        class Right(Shared):
            pass

        class Registered:
            pass

        class User(Registered):
            pass

        REGISTRY = [Registered]
        ''')
    assert found == {"_Ops": "Block", "_Inner": "Block"}


def _outlined(text: str, cls: str, called: str = "returned") -> str:
    """`cls`'s methods but __init__ moved to module-level functions taking the instance first,
    each method returning the call (``called``: "returned"), taking its value first and keeping it
    on the instance ("first"), or calling it midway, after counting the call there ("midway")."""
    tree = ast.parse(text)
    at = next(i for i, s in enumerate(tree.body) if isinstance(s, ast.ClassDef) and s.name == cls)
    moved = []
    for item in tree.body[at].body:
        if isinstance(item, ast.FunctionDef) and item.name != "__init__":
            outer = ast.FunctionDef(f"_{cls.lower()}_{item.name}", item.args, item.body, [], item.returns)
            moved.append(outer)
            args = ", ".join(a.arg for a in item.args.args)
            call = f"_{cls.lower()}_{item.name}({args})"
            body = {"returned": f"return {call}", "first": f"out = {call}\nself.last = out\nreturn out",
                    "midway": f"self.calls = 1\nout = {call}\nself.last = out\nreturn out"}[called]
            item.body = ast.parse(body).body
    tree.body[at:at] = moved
    return ast.unparse(ast.fix_missing_locations(tree))


def _split_to_mixin(text: str, cls: str) -> str:
    """`cls`'s methods but __init__ moved to a mixin base defined before it."""
    tree = ast.parse(text)
    at = next(i for i, s in enumerate(tree.body) if isinstance(s, ast.ClassDef) and s.name == cls)
    node = tree.body[at]
    assert isinstance(node, ast.ClassDef)
    methods = [s for s in node.body if isinstance(s, ast.FunctionDef) and s.name != "__init__"]
    node.body = [s for s in node.body if s not in methods]
    node.bases.insert(0, ast.Name(f"_{cls}Ops", ast.Load()))
    tree.body.insert(at, ast.ClassDef(f"_{cls}Ops", [], [], methods, []))
    return ast.unparse(ast.fix_missing_locations(tree))


# two lines whose mixer classes share their constructor and differ in what they compute
INIT = """import torch
from torch import nn


class {p}Mixer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.width = cfg.width
        self.heads = cfg.heads
        self.scale = (cfg.width // cfg.heads) ** -0.5
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width, bias=cfg.bias)
        self.out = nn.Linear(cfg.width, cfg.width, bias=cfg.bias)
        self.drop = nn.Dropout(cfg.dropout)
        self.gate = nn.Parameter(torch.zeros(cfg.heads))

"""
EARLY = """    def forward(self, x, mask=None):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) * self.scale
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float("-inf"))
        probs = self.drop(scores.softmax(dim=-1))
        mixed = torch.einsum("bhqk,bhkd->bhqd", probs, v)
        return self.out(mixed.transpose(1, 2).reshape(b, t, self.width))
"""
LATE = """    def forward(self, x, state=None, decay=0.9):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        gate = torch.sigmoid(self.gate).repeat_interleave(self.width // self.heads)
        state = torch.zeros(b, self.width, device=x.device) if state is None else state
        outs = []
        for i in range(t):
            state = decay * state + (1 - decay) * k[:, i] * v[:, i]
            outs.append(self.drop(q[:, i] * state * gate))
        return self.out(torch.stack(outs, dim=1)), state
"""

POOL = """

class {p}Pool(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.window = cfg.window
        self.proj = nn.Linear(cfg.width * cfg.window, cfg.width)
        self.norm = nn.LayerNorm(cfg.width, eps=cfg.eps)

    def forward(self, x):
        b, t, w = x.shape
        pad = (-t) % self.window
        if pad:
            x = torch.cat([x, x.new_zeros(b, pad, w)], dim=1)
        x = x.reshape(b, (t + pad) // self.window, self.window * w)
        return self.norm(self.proj(x))


class {p}Head(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.classes = cfg.classes
        self.hidden = nn.Linear(cfg.width, cfg.width // 2)
        self.logits = nn.Linear(cfg.width // 2, cfg.classes)
        self.smoothing = cfg.smoothing

    def forward(self, x, labels=None):
        pooled = torch.tanh(self.hidden(x.mean(dim=1)))
        logits = self.logits(pooled)
        if labels is None:
            return logits, None
        target = torch.full_like(logits, self.smoothing / (self.classes - 1))
        target.scatter_(1, labels.unsqueeze(1), 1.0 - self.smoothing)
        loss = -(target * logits.log_softmax(dim=-1)).sum(dim=-1).mean()
        return logits, loss
"""


@pytest.fixture(scope="module")
def mixers(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    families = [("early", INIT.format(p="Early") + EARLY + POOL.format(p="Early"), "Meta", "2023-01-01", ()),
                ("late", INIT.format(p="Late") + LATE, "Google", "2024-01-01", ())]
    return api.open_index(index_families(tmp_path_factory.mktemp("mixers"), "mx", families))


@pytest.mark.parametrize("called", ["returned", "first", "midway"])
def test_a_class_whose_methods_were_moved_out_is_attributed_by_them(mixers: EmbeddedIndex, called: str) -> None:
    """The shell keeps only the constructor both lines share: by it alone the file's source (the
    earlier line, whose pooling and head classes the file holds too) would have it; the forward pass moved
    out to a function is the later line's.  A method that returns the call, or takes its value
    first, reads the function in its own body (parse/inline.py); one that calls it midway is read
    with it."""
    mine = _outlined(INIT.format(p="Mine") + LATE + POOL.format(p="Mine"), "MineMixer", called)
    assert "def _minemixer_forward(self" in mine
    mixer = classes_of(mixers, mine)["MineMixer"]
    assert mixer["source"]["family"] == "mx:late", mixer
    assert mixer["read_with"] == ([] if called != "midway" else ["_minemixer_forward"]), mixer


def test_a_class_split_into_a_mixin_and_a_shell_is_attributed_by_its_methods(mixers: EmbeddedIndex) -> None:
    mine = _split_to_mixin(INIT.format(p="Mine") + LATE + POOL.format(p="Mine"), "MineMixer")
    assert "class MineMixer(_MineMixerOps, nn.Module)" in mine
    mixer = classes_of(mixers, mine)["MineMixer"]
    assert mixer["source"]["family"] == "mx:late", mixer
    assert mixer["read_with"] == ["_MineMixerOps"], mixer


def classes_of(index: EmbeddedIndex, text: str) -> dict:
    path = "mine/modeling_mine.py"
    result, _ = api.scan_files([SourceFile(path, text.encode())], index, Config(workers=1))
    return result.summary.files[path].to_json()["classes"]
