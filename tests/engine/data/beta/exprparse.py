"""A tiny arithmetic expression tokenizer and Pratt parser, written for lineage's tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_RE = re.compile(r"\s*(?:(\d+\.\d*|\.\d+|\d+)|([A-Za-z_]\w*)|(\*\*|[-+*/%^(),=]))")

BINDING = {"=": 1, "+": 10, "-": 10, "*": 20, "/": 20, "%": 20, "**": 30, "^": 30}
RIGHT = frozenset({"**", "^", "="})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    offset: int


class ParseFailure(Exception):
    def __init__(self, message, offset):
        super().__init__(f"{message} at offset {offset}")
        self.offset = offset


def tokenize(source):
    """Split an expression into number, name and operator tokens."""
    pos = 0
    out = []
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        match = TOKEN_RE.match(source, pos)
        if match is None:
            raise ParseFailure("unexpected character " + repr(source[pos]), pos)
        number, name, op = match.groups()
        if number is not None:
            out.append(Token("num", number, match.start(1)))
        elif name is not None:
            out.append(Token("name", name, match.start(2)))
        else:
            out.append(Token("op", op, match.start(3)))
        pos = match.end()
    out.append(Token("end", "", len(source)))
    return out


class Parser:
    """Pratt parser producing nested tuples: ("+", left, right), ("call", name, args)."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0

    def peek(self):
        return self.tokens[self.index]

    def advance(self):
        tok = self.tokens[self.index]
        if tok.kind != "end":
            self.index += 1
        return tok

    def expect(self, text):
        tok = self.advance()
        if tok.text != text:
            raise ParseFailure(f"expected {text!r}, found {tok.text!r}", tok.offset)
        return tok

    def prefix(self):
        tok = self.advance()
        if tok.kind == "num":
            return ("num", float(tok.text))
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok.text)
            return ("name", tok.text)
        if tok.text == "-":
            return ("neg", self.expression(25))
        if tok.text == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner
        raise ParseFailure(f"unexpected {tok.text or 'end of input'!r}", tok.offset)

    def call(self, name):
        self.expect("(")
        args = []
        if self.peek().text != ")":
            args.append(self.expression(0))
            while self.peek().text == ",":
                self.advance()
                args.append(self.expression(0))
        self.expect(")")
        return ("call", name, tuple(args))

    def expression(self, floor):
        left = self.prefix()
        while True:
            tok = self.peek()
            power = BINDING.get(tok.text, -1) if tok.kind == "op" else -1
            if power <= floor and not (tok.text in RIGHT and power == floor and power > 0):
                break
            if power < floor or power < 0:
                break
            self.advance()
            right = self.expression(power - 1 if tok.text in RIGHT else power)
            left = (tok.text, left, right)
        return left


def parse(source):
    parser = Parser(tokenize(source))
    tree = parser.expression(0)
    last = parser.peek()
    if last.kind != "end":
        raise ParseFailure(f"trailing input {last.text!r}", last.offset)
    return tree


FUNCTIONS = {
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
}


def evaluate(tree, env=None):
    """Evaluate a parsed tree with variables from env; '=' stores into env."""
    env = {} if env is None else env
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "name":
        if tree[1] not in env:
            raise NameError(tree[1])
        return env[tree[1]]
    if kind == "neg":
        return -evaluate(tree[1], env)
    if kind == "call":
        fn = FUNCTIONS.get(tree[1])
        if fn is None:
            raise NameError(tree[1])
        return fn(*(evaluate(a, env) for a in tree[2]))
    if kind == "=":
        if tree[1][0] != "name":
            raise ParseFailure("can only assign to a name", 0)
        env[tree[1][1]] = value = evaluate(tree[2], env)
        return value
    left, right = evaluate(tree[1], env), evaluate(tree[2], env)
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if kind == "/":
        return left / right
    if kind == "%":
        return left % right
    return left ** right


def render(tree):
    """Print a tree back as a fully parenthesised expression."""
    kind = tree[0]
    if kind == "num":
        text = repr(tree[1])
        return text[:-2] if text.endswith(".0") else text
    if kind == "name":
        return tree[1]
    if kind == "neg":
        return "(-" + render(tree[1]) + ")"
    if kind == "call":
        return tree[1] + "(" + ", ".join(render(a) for a in tree[2]) + ")"
    return "(" + render(tree[1]) + " " + kind + " " + render(tree[2]) + ")"


def run_lines(lines):
    env = {}
    results = []
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            results.append((number, evaluate(parse(line), env)))
        except (ParseFailure, NameError, ZeroDivisionError) as exc:
            results.append((number, f"error: {exc}"))
    return results
