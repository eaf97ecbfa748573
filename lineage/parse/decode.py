"""Bytes -> text, without losing a file to a bad encoding.

PEP 263 declarations and BOMs are honoured; undecodable bytes are replaced and the file is
still scanned, with a per-file error saying so.  Text in UTF-16 without a BOM (an editor's
"Unicode" save: every other byte NUL) is read as UTF-16, with a note.  Binary files are refused.
"""

from __future__ import annotations

import codecs
import io
import tokenize

from lineage.models import FileError


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside a UTF-16/32 BOM mean binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in data[:65536]


_SAMPLE = 4096  # bytes looked at for UTF-16 without a BOM
_WIDE = 0.9  # the share of one byte parity that must be NUL, and of the other that must not


def bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes read as UTF-16 text without a BOM (text of ASCII
    code points leaves every other byte NUL, at odd offsets in little-endian), else None."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    encoding = "utf-16-le" if nul_odd >= _WIDE and nul_even <= 1 - _WIDE else \
        "utf-16-be" if nul_even >= _WIDE and nul_odd <= 1 - _WIDE else None
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if "\x00" not in text else None


def decode_source(path: str, data: bytes) -> tuple[str | None, tuple[FileError, ...]]:
    """Return (text with universal newlines, errors); text is None when not text at all."""
    text, errors = _decode(path, data)
    if text is not None and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Python reads source
    return text, errors


def _decode(path: str, data: bytes) -> tuple[str | None, tuple[FileError, ...]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as exc:
            return None, (FileError(path, "decode", f"invalid UTF-16: {exc.reason}", unchecked=True),)
    if looks_binary(data):
        wide = bomless_utf16(data)
        if wide is not None:
            return data.decode(wide), (FileError(path, "decode", f"{wide.upper()} text without a BOM: read as {wide.upper()}"),)
        return None, (FileError(path, "decode", "binary file (NUL bytes), not scanned", unchecked=True),)
    encoding = "utf-8"
    noted: tuple[FileError, ...] = ()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError) as exc:
        encoding = "utf-8"
        if "unknown encoding" in str(exc) or "encoding problem" in str(exc):
            # (a declaration Python cannot honour: Python refuses the file; it is read as UTF-8 and said)
            noted = (FileError(path, "decode", f"declares an encoding Python does not know ({exc}): read as UTF-8"),)
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError):  # UnicodeError: the cookie may name `undefined`, `punycode`...
        text = data.decode("utf-8", errors="replace")
        return text, (*noted, FileError(path, "decode", f"not valid {encoding}; undecodable bytes replaced"))
    return text.lstrip("\ufeff"), noted
