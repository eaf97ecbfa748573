"""The decoders a packer's literal goes through, for lineage/source/packed.py: each bounded by the
per-file size cap (zlib, gzip, bz2 and lzma decompress in steps that stop past it), none able to
run code.  A decoder takes the value, the literal arguments after it, and the cap."""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import lzma
import zlib
from collections.abc import Callable


class Unreadable(Exception):
    """What a file runs cannot be read as source (the reason says why)."""


DECODE_ERRORS = (binascii.Error, ValueError, TypeError, LookupError, zlib.error, OSError, EOFError, lzma.LZMAError)


def _bytes(value: str | bytes) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else value


def _bounded(decompressor: object, data: bytes, cap: int) -> bytes:
    out = decompressor.decompress(data, cap + 1)  # type: ignore[attr-defined]
    if len(out) > cap:
        raise Unreadable(f"it unpacks to more than the {cap}-byte cap")
    return bytes(out)


def _zlib(data: str | bytes, extra: list[object], cap: int) -> bytes:
    wbits = extra[0] if extra and isinstance(extra[0], int) else zlib.MAX_WBITS
    return _bounded(zlib.decompressobj(wbits), _bytes(data), cap)


def _codecs(data: str | bytes, extra: list[object], cap: int) -> str | bytes:
    encoding = str(extra[0]).lower().replace("-", "_") if extra else "utf_8"
    if encoding in ("zlib", "zlib_codec", "zip"):
        return _zlib(data, [], cap)
    if encoding in ("bz2", "bz2_codec"):
        return _bounded(bz2.BZ2Decompressor(), _bytes(data), cap)
    return codecs.decode(data, encoding)  # type: ignore[arg-type]  # base64, hex, rot13, text codecs: bounded by their input


TEXT = {"bytes.decode": "decode", "bytearray.decode": "decode", "str": "decode", "str.encode": "encode",
         "bytes": "encode", "bytearray": "encode"}  # text made from bytes, bytes from text
KEYWORDS = {"codecs.decode": ("obj", "encoding", "errors"), "zlib.decompress": ("data", "wbits", "bufsize"),
             "base64.b64decode": ("s", "altchars", "validate")}  # where a decoder's keywords stand
_Decoder = Callable[[str | bytes, list[object], int], str | bytes]
DECODERS: dict[str, _Decoder] = {
    **{f"base64.{n}": (lambda f: lambda d, e, c: f(d))(getattr(base64, n)) for n in (
        "b64decode", "standard_b64decode", "urlsafe_b64decode", "b32decode", "b16decode", "b85decode",
        "a85decode", "decodebytes")},
    **{f"binascii.{n}": (lambda f: lambda d, e, c: f(d))(getattr(binascii, n)) for n in (
        "unhexlify", "a2b_hex", "a2b_base64")},
    "bytes.fromhex": lambda d, e, c: bytes.fromhex(d if isinstance(d, str) else d.decode("ascii")),
    "bytearray.fromhex": lambda d, e, c: bytes.fromhex(d if isinstance(d, str) else d.decode("ascii")),
    "zlib.decompress": _zlib,
    "gzip.decompress": lambda d, e, c: _bounded(zlib.decompressobj(zlib.MAX_WBITS | 16), _bytes(d), c),
    "bz2.decompress": lambda d, e, c: _bounded(bz2.BZ2Decompressor(), _bytes(d), c),
    "lzma.decompress": lambda d, e, c: _bounded(lzma.LZMADecompressor(), _bytes(d), c),
    "codecs.decode": _codecs,
}
