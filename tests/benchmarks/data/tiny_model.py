"""A tiny numeric "model" in plain Python: the behavioural fixture of benchmarks/obfuscate.py.

Written for lineage's tests.  tests/benchmarks/test_obfuscate.py executes it (and its
obfuscated versions) with a ``print`` that records, and compares the records.  It is shaped
like model code on purpose: layers storing attributes in ``__init__``, ``forward`` methods
calling each other with keyword arguments, a module-level helper, a config dataclass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce as fold

SCALE = 0.5  # read inside methods: a global defined here
CALLS = 0


def softplus(value: float, beta: float = 1.0) -> float:
    """Smooth ReLU, the module-level helper."""
    return math.log1p(math.exp(beta * value)) / beta


def dot(left: list[float], right: list[float]) -> float:
    products: list[float]  # declared, assigned below
    products = [a * b for a, b in zip(left, right)]
    return sum(products)


def bump(amount: int = 1) -> int:
    global CALLS
    CALLS += amount
    return CALLS


def total(values: list[float]) -> float:
    sum: float = 0.0  # shadows the builtin here only: the other uses of sum() must keep working
    for item in values:
        sum += item
    return sum


@dataclass
class Config:
    """Hyper-parameters; the fields are keywords of the generated __init__."""

    width: int = 4
    depth: int = 2
    eps: float = 1e-5


class Linear:
    """Dense layer with a deterministic weight pattern."""

    bias_default = 0.1

    def __init__(self, n_in: int, n_out: int, bias: bool = True) -> None:
        self.n_in: int = n_in
        self.n_out = n_out
        self.weight = [[((i * 7 + j * 3) % 5 - 2) / 4 for j in range(n_in)] for i in range(n_out)]
        self.bias = [self.bias_default * (i + 1) for i in range(n_out)] if bias else None
        self.calls = 0

    def forward(self, inputs: list[float]) -> list[float]:
        self.calls += 1
        bump()
        out = [dot(row, inputs) for row in self.weight]
        if self.bias is not None:
            out = [o + b for o, b in zip(out, self.bias)]
        return out


class ScaledLinear(Linear):
    def __init__(self, n_in: int, n_out: int, bias: bool = True, factor: float = 2.0) -> None:
        super().__init__(n_in, n_out=n_out, bias=bias)  # keywords into a base defined here
        self.factor = factor

    def forward(self, inputs: list[float]) -> list[float]:
        return [self.factor * y for y in super().forward(inputs)]


class Norm:
    def __init__(self, size: int, eps: float = 1e-6) -> None:
        self.size = size
        self.eps = eps
        self._gain = 1.0
        self.pi = math.pi  # `pi` is also read from math: that attribute must survive

    @property
    def gain(self) -> float:
        return self._gain

    @gain.setter
    def gain(self, value: float) -> None:
        self._gain = value

    def forward(self, inputs: list[float]) -> list[float]:
        mean_square = sum(x * x for x in inputs) / len(inputs)
        denom = math.sqrt(mean_square + self.eps)
        return [x / denom * self.gain for x in inputs]


class Cache:
    """Has a method named like dict.get, and uses dict.get."""

    def __init__(self) -> None:
        self.store: dict[str, float] = {}
        self.hits = 0

    def get(self, key: str, default: float = 0.0) -> float:
        if key in self.store:
            self.hits += 1
        return self.store.get(key, default)

    def put(self, key: str, value: float) -> None:
        self.store[key] = value


class Block:
    def __init__(self, width: int, depth_index: int, cache: Cache) -> None:
        self.norm = Norm(size=width, eps=1e-5)
        self.up = Linear(n_in=width, n_out=width * 2)
        self.down = ScaledLinear(width * 2, width, bias=False, factor=0.5)
        self.depth_index = depth_index
        self.cache = cache
        self.trace: list[float] = []

    def activate(self, values: list[float], beta: float = 1.0) -> list[float]:
        return [softplus(v, beta=beta) for v in values]

    def forward(self, inputs: list[float], residual: bool = True) -> list[float]:
        hidden = self.norm.forward(inputs)
        hidden = self.up.forward(inputs=hidden)
        hidden = self.activate(hidden, beta=1.0 + self.depth_index / 2)
        hidden = self.down.forward(hidden)
        key = f"block{self.depth_index}"
        previous = self.cache.get(key, default=-1.0)
        self.cache.put(key, value=round(total(hidden), 6))
        self.trace.append(previous)
        print("block", self.depth_index, round(sum(hidden), 6))
        if residual:
            return [h + x for h, x in zip(hidden, inputs)]
        return hidden


def make_counter(start: int) -> Callable[..., int]:
    count = start

    def step(increment: int = 1) -> int:
        nonlocal count
        count += increment
        return count

    return step


class Model:
    registry: dict[int, Model] = {}

    def __init__(self, config: Config, vocab: dict[str, int] | None = None) -> None:
        self.config = config
        self.cache = Cache()
        self.blocks = [Block(config.width, depth_index=i, cache=self.cache) for i in range(config.depth)]
        self.vocab = vocab or {"a": 1, "b": 2, "c": 3}
        self.counter = make_counter(start=10)
        Model.registry[config.width] = self

    def embed(self, tokens: list[str]) -> list[float]:
        values = []
        for position, token in enumerate(tokens):
            try:
                code = self.vocab[token]
                self.counter()
            except KeyError:
                code = -1
            values.append(code * SCALE + position / 10)
        while len(values) < self.config.width:
            values.append(0.0)
        return values[: self.config.width]

    def forward(self, tokens: list[str], *, steps: int = 1) -> dict[str, object]:
        hidden = self.embed(tokens)
        for _ in range(steps):
            for block in self.blocks:
                hidden = block.forward(hidden, residual=True)
        squashed = fold(lambda acc, x: acc + x, hidden, 0.0)
        with_names = {name: round(value, 9) for name, value in zip("wxyz", hidden)}
        return {
            "hidden": [round(h, 9) for h in hidden],
            "total": round(squashed, 9),
            "named": with_names,
            "counter": self.counter(increment=0),
            "hits": self.cache.hits,
            "traces": [b.trace for b in self.blocks],
            "linear_calls": sum(b.up.calls + b.down.calls for b in self.blocks),
            "pi": round(self.blocks[0].norm.pi, 6),
        }


def run(width: int = 4, depth: int = 2) -> None:
    model = Model(Config(width=width, depth=depth), vocab=None)
    model.blocks[0].norm.gain = 1.5
    for batch in (["a", "b"], ["c", "zz", "a"], []):
        print("result", model.forward(batch, steps=2))
    print("calls", CALLS, "registry", sorted(Model.registry))


run()
run(width=3, depth=3)
