"""A syntax error's unreadable lines are left out before the units are read (parse/mend.py): after an
unclosed bracket tree-sitter's recovery misnamed the units that follow and misplaced their lines (a
stranger's review of the evidence, line by line).  Our own fixture code."""

from __future__ import annotations

from lineage.parse.mend import MAX_LINES, mended
from lineage.parse.units import parse_source

MODULE = '''import torch
from torch import nn


def gate(x, scale):
    """A helper of our own."""
    return torch.sigmoid(x) * scale


class Mixer(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.proj = nn.Linear(width, width * depth)
        self.out = nn.Linear(width * depth, width)

    def forward(self, x):
        y = self.proj(x)
        y = gate(y, 0.5) + y.mean(-1, keepdim=True)
        return self.out(y)


@torch.no_grad()
def measure(model, batch):
    total = 0.0
    for item in batch:
        total += float(model(item).sum())
    return total / max(1, len(batch))
'''

BROKEN = "def broken(:\n    return ((\n"


def _spans(text: str) -> list[tuple[str, int, int]]:
    return [(u.qualname, u.start_line, u.end_line) for u in parse_source("m.py", text.encode()).units
            if u.kind != "module"]


def _with(lines: str, before: str = "class Mixer") -> str:
    at = MODULE.index(before)
    return MODULE[:at] + lines + MODULE[at:]


def test_an_unclosed_bracket_leaves_the_units_after_it_as_they_are() -> None:
    text = _with(BROKEN)
    shift = BROKEN.count("\n")
    first = MODULE[:MODULE.index("class Mixer")].count("\n") + 1
    expected = [(q, a + shift * (a >= first), b + shift * (b >= first)) for q, a, b in _spans(MODULE)]
    assert _spans(text) == expected  # the class, its methods, the decorated function: names and lines
    parsed = parse_source("m.py", text.encode())
    (error,) = parsed.errors
    assert error.stage == "parse" and not error.unchecked
    assert f"lines {first}-{first + 1} left out, the rest scanned" in error.reason
    assert parsed.text == text  # (the file's own text kept, for its notices and evidence)


def test_the_mended_source_keeps_every_line_and_offset() -> None:
    text = _with("x = (1,\ny = 'naïve ünïcode' [\n")
    found = mended(text)
    assert found is not None and found.lines
    before, after = text.encode().split(b"\n"), found.source.split(b"\n")
    assert [len(line) for line in before] == [len(line) for line in after]
    assert all(after[n - 1].strip() == b"" for n in found.lines)
    assert all(a == b for i, (a, b) in enumerate(zip(before, after), 1) if i not in found.lines)


def test_a_block_left_without_its_header_goes_with_it() -> None:
    """A broken `def` header's indented body is no longer a body: it is left out with the header."""
    text = _with("def broken(x:\n    y = x\n\n    return y\n\n\n", before="def gate")
    found = mended(text)
    assert found is not None
    first = MODULE[:MODULE.index("def gate")].count("\n") + 1
    assert found.lines == (first, first + 1, first + 2, first + 3)
    assert [q for q, _, _ in _spans(text)] == [q for q, _, _ in _spans(MODULE)]


def test_past_the_limit_tree_sitters_recovery_reads_the_file_as_before() -> None:
    many = "".join(f"value_{i} = ((\n" for i in range(MAX_LINES + 5))
    text = _with(many)
    assert mended(text) is None
    (error,) = parse_source("m.py", text.encode()).errors
    assert error.reason.endswith("scanned with error recovery")
    assert mended(MODULE) is None  # (a file that parses needs nothing left out)


def test_whitespace_after_the_last_token_reads_as_nothing() -> None:
    """A file ending in whitespace lexes as the same tokens at the same offsets (the lexer reads up to its
    last token: the whitespace after it had cost a search to the end of the file from each of its bytes)."""
    from lineage.parse.lexer import lex_ids_continued, vocabulary

    vocab = vocabulary()
    plain = MODULE.encode()
    for tail in (b" " * 2000, b"\n\n\t \n", b"\x0c\r\n  "):
        ids, starts, continued = lex_ids_continued(plain + tail, vocab)
        base = lex_ids_continued(plain, vocab)
        assert ids.tolist() == base[0].tolist() and starts.tolist() == base[1].tolist()
        assert continued.tolist() == base[2].tolist()
    assert [u.qualname for u in parse_source("m.py", plain + b" " * 50_000).units] == \
        [u.qualname for u in parse_source("m.py", plain).units]
