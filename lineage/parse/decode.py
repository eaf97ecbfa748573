"""Bytes -> text, without losing a file to a bad encoding.

PEP 263 declarations and BOMs are honoured; undecodable bytes are replaced and the file is
still scanned, with a per-file error saying so.  Binary files are refused.
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
        return None, (FileError(path, "decode", "binary file (NUL bytes), not scanned", unchecked=True),)
    encoding = "utf-8"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError):  # UnicodeError: the cookie may name `undefined`, `punycode`...
        text = data.decode("utf-8", errors="replace")
        return text, (FileError(path, "decode", f"not valid {encoding}; undecodable bytes replaced"),)
    return text.lstrip("\ufeff"), ()
