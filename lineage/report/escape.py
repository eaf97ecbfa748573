"""Make scanned names and text safe to print and to write as UTF-8.

File names, notices and code excerpts come from the scanned tree: they may hold bytes that
are not UTF-8 (Python keeps them as lone surrogates, U+DC80-U+DCFF) and control
characters (ESC sequences that drive the terminal, CR and newlines that forge report
lines, bidi overrides that reorder what the reader sees).

- ``escaped`` rewrites every string of a result (dataclasses, dicts, lists) with lone
  surrogates shown as ``\\xNN``: each report format then stays valid UTF-8, and a name
  reads the same in text, JSON, SARIF and HTML.
- ``terminal_text`` joins text-report lines with every control character inside a line
  shown as ``\\xNN`` / ``\\uNNNN``: a line printed is the line the report meant.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, TypeVar, cast

T = TypeVar("T")

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 but tab, DEL, C1 (U+009B is CSI on some terminals), line/paragraph separators,
# bidi embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode / surrogateescape could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_name(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes of a file name) as ``\\xNN``."""
    return _SURROGATE.sub(lambda m: _shown(m.group()), text) if _SURROGATE.search(text) else text


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (an undecodable byte of a name or excerpt).
    Asked of every whole report: ``isascii`` costs nothing (CPython records it), and strict
    UTF-8 refuses exactly the surrogates, 3-4x faster than a regex search over 50 MB."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def terminal_line(text: str) -> str:
    """One line for a terminal: control characters and undecodable bytes escaped."""
    return _CONTROL.sub(lambda m: _shown(m.group()), text) if _CONTROL.search(text) else text


def terminal_text(lines: Iterable[str]) -> str:
    """The lines, each made safe for a terminal, joined and ended with a newline."""
    return "".join(terminal_line(line) + "\n" for line in lines)


def escaped(value: T) -> T:
    """A copy of ``value`` (frozen dataclasses, dicts, lists, tuples, strings) whose
    strings, dict keys included, went through ``escape_name``; other values kept as they are."""
    return cast(T, _escaped(value))


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape_name(value)
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_escaped(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _escaped(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
