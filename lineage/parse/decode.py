"""Bytes -> text, without losing a file to a bad encoding.

PEP 263 declarations and BOMs are honoured; undecodable bytes are replaced and the file is
still scanned, with a per-file error saying so.  Text in UTF-16 or UTF-32 without a BOM (an
editor's "Unicode" save: every other byte NUL) is read as such, with a note.  Binary files are refused.
"""

from __future__ import annotations

import codecs
import io
import tokenize

from lineage.models import FileError


# UTF-32's BOMs first: the little-endian one begins with UTF-16's (a UTF-32 file read as UTF-16 is
# text with a NUL between every two characters: a stranger's review found a whole copy so unread)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    """"utf-32" or "utf-16" when the bytes begin with that encoding's byte-order mark, else None."""
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside a UTF-16/32 BOM mean binary."""
    if bom_encoding(data) is not None:
        return False
    return b"\x00" in data[:65536]


_SAMPLE = 4096  # bytes looked at for UTF-16 or UTF-32 without a BOM
_WIDE = 0.9  # the share of the high bytes that must be NUL, and of the low bytes that must not


def bomless_wide(data: bytes) -> str | None:
    """"utf-32-le", "utf-32-be", "utf-16-le" or "utf-16-be" when the bytes read as such text without
    a BOM (text of ASCII code points leaves every byte but the lowest of each character NUL: at odd
    offsets in UTF-16 little-endian), else None."""
    for width in (4, 2):
        sample = data[:_SAMPLE - _SAMPLE % width]
        if len(sample) < 2 * width or len(data) % width:
            continue
        nul = [sample[i::width].count(0) / len(sample[i::width]) for i in range(width)]
        high = all(n >= _WIDE for n in nul[1:]), all(n >= _WIDE for n in nul[:-1])  # little-, big-endian
        encoding = f"utf-{8 * width}-le" if high[0] and nul[0] <= 1 - _WIDE else \
            f"utf-{8 * width}-be" if high[1] and nul[-1] <= 1 - _WIDE else None
        if encoding is None:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return encoding
    return None


def decode_source(path: str, data: bytes) -> tuple[str | None, tuple[FileError, ...]]:
    """Return (text with universal newlines, errors); text is None when not text at all."""
    text, errors = _decode(path, data)
    if text is not None and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Python reads source
    return text, errors


def _decode(path: str, data: bytes) -> tuple[str | None, tuple[FileError, ...]]:
    bom = bom_encoding(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            return None, (FileError(path, "decode", f"invalid {bom.upper()}: {exc.reason}", unchecked=True),)
        return text, ()
    if looks_binary(data):
        wide = bomless_wide(data)
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
