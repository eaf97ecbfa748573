"""Strings a module decodes with a function of its own, read as strings (`lex-v53`, `lex-v54`).

What cannot be computed from the file's literals, a string decrypted with a key
(`_decrypt_str(b'gAAAAAB...')`, pyobfus Pro) or looked up in an encrypted table by number
(`_s(3)`, obfuscatorx), is read as a string all the same, whatever it holds: parse/folded.py
reads each call `decoded_calls` finds as a string of its own, from which nothing is computed.
"""

from __future__ import annotations

import re

import numpy as np
from tree_sitter import Node

from lineage.parse.identity import module_functions
from lineage.parse.queries import captured

_ONE_PARAMETER = ("identifier", "default_parameter", "typed_parameter", "typed_default_parameter")
_GIVEN = ("string", "integer", "concatenated_string")


def decoded_calls(root: Node, source: bytes, starts: np.ndarray, text_ids: np.ndarray,
                  texts: dict[str, int]) -> list[Node]:
    """Calls that decode a literal with a function of the module: a function (or a lambda) bound
    at its top level, taking one parameter, called at least twice and each time given one literal
    alone (no f-string), never as a statement of its own nor called in turn, and named nowhere
    else; its body decodes (`_decodes`), and every literal it is given is a cipher's text
    (`_ciphered`: `_decrypt_str(b'gAAAAAB...')`), or every one an integer, three different ones
    at least, that it looks up (`_s(3)`, its body reading `[idx]`).  A function handed words
    (`get_activation('gelu')`), a model's or a setting's name, or a plain table's numbers is the
    code's own."""
    if b"(" not in source:
        return []
    found_functions = module_functions(root, source)
    functions = {f.name.decode("utf-8", "replace"): source[f.statement.start_byte:f.statement.end_byte]
                 for f in found_functions}  # every function the module binds at its top level -> its text
    defined = {f.name.decode("utf-8", "replace"): (_one_parameter(f.parameters, source),
                                                   source[f.statement.start_byte:f.statement.end_byte])
               for f in found_functions if f.parameters is not None and _one_parameter(f.parameters, source)}
    if not defined:
        return []
    calls: dict[str, list[Node]] = {}
    for call in captured(root, "identity.call"):
        function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if function is None or arguments is None:
            continue
        name = source[function.start_byte:function.end_byte].decode("utf-8", "replace")
        if name in defined:
            calls.setdefault(name, []).append(call)
    out: list[Node] = []
    for name, found in calls.items():
        if len(found) < 2 or any(not _given_a_literal(c, source) for c in found) \
                or not _decodes(name, functions, source) \
                or not _encoded([_argument(c) for c in found], *defined[name], source):
            continue
        spelt = int(np.count_nonzero(text_ids == texts.get(name, -1)))
        if spelt <= len(found) + 1:  # (its definition and these calls: named nowhere else)
            out += found
    return sorted(out, key=lambda c: c.start_byte)


ENCODED = 16  # characters of a text literal at least, to read as a cipher text


def _argument(call: Node) -> Node:
    arguments = call.child_by_field_name("arguments")
    assert arguments is not None  # (`_given_a_literal` read it)
    return next(a for a in arguments.named_children if a.type != "comment")


_DECODING = re.compile(rb"\b(?:\w*decode\w*|\w*decrypt\w*|fromhex|unhexlify|loads|chr|ord|Fernet|AES|xor|zlib|"
                       rb"decompress)\b|\^|\[\s*::\s*-1\s*\]")
_BASE64 = re.compile(rb"[A-Za-z0-9+/=_-]+")
_HEX = re.compile(rb"[0-9a-fA-F]+")


def _decodes(name: str, defined: dict[str, bytes], source: bytes, depth: int = 0) -> bool:
    """The function's body decodes (a decoder's or cipher's call, an xor, a string reversed), itself
    or through another function of the module it calls (`_s(i)` returning `_table()[i]`, the table
    decrypted once)."""
    text = defined.get(name, b"")
    body = text[text.find(b":") + 1:] if text else b""
    if _DECODING.search(body):
        return True
    return depth < 2 and any(re.search(rb"\b" + re.escape(other.encode()) + rb"\s*\(", body) is not None
                             and _decodes(other, defined, source, depth + 1) for other in defined if other != name)


def _encoded(given: list[Node], parameter: bytes, definition: bytes, source: bytes) -> bool:
    """Every literal a cipher text (`_ciphered`), or every one an integer (three different ones or
    more) the function looks up with its parameter."""
    if all(a.type == "integer" for a in given):
        looked_up = re.search(rb"\[\s*" + re.escape(parameter) + rb"\s*\]", definition) is not None
        return looked_up and len({source[a.start_byte:a.end_byte] for a in given}) >= 3
    for a in given:
        text = source[a.start_byte:a.end_byte]
        quote = min((i for i in (text.find(b"'"), text.find(b'"')) if i >= 0), default=-1)
        if quote < 0 or not _ciphered(text[quote:].strip(b"'\"")):
            return False
    return True


def _ciphered(body: bytes) -> bool:
    """Text as a cipher writes it: ENCODED characters or more of hex, or of base64 with capitals,
    small letters and digits mixed (a fifth of its letters at least each case: not a model's
    name, `meta-llama/Llama-2-7b-hf`, nor a setting's, `FLASHINFER_DISABLE_FP4`)."""
    if len(body) < ENCODED:
        return False
    if _HEX.fullmatch(body):
        return re.search(rb"[0-9]", body) is not None and re.search(rb"[a-fA-F]", body) is not None
    if not _BASE64.fullmatch(body) or re.search(rb"[0-9]", body) is None:
        return False
    upper, lower = len(re.findall(rb"[A-Z]", body)), len(re.findall(rb"[a-z]", body))
    return min(upper, lower) >= 0.2 * (upper + lower) > 0


def _one_parameter(parameters: Node, source: bytes) -> bytes:
    """The name of a function's one parameter (plain, typed or with a default), or b""."""
    given = [p for p in parameters.named_children if p.type != "comment"]
    if len(given) != 1 or given[0].type not in _ONE_PARAMETER:
        return b""
    spelt = given[0] if given[0].type == "identifier" else \
        next((c for c in given[0].named_children if c.type == "identifier"), given[0])
    return source[spelt.start_byte:spelt.end_byte]


def _given_a_literal(call: Node, source: bytes) -> bool:
    """One literal argument alone (no f-string), the call a value, not a statement of its own."""
    arguments = call.child_by_field_name("arguments")
    given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    if len(given) != 1 or given[0].type not in _GIVEN or call.parent is None \
            or call.parent.type == "expression_statement" \
            or call.parent.type == "call" and call.parent.child_by_field_name("function") == call:
        return False
    return not any(c.type == "interpolation" for c in given[0].children) and \
        not any(c.type == "string" and any(i.type == "interpolation" for i in c.children) for c in given[0].children)
