"""The code repositories a scanned package's own metadata names as its home (source/maker.py reads
the same files for its makers): `Home-page` and `Project-URL` in METADATA or PKG-INFO, and
`[project.urls]` in pyproject.toml.  Read as "host/owner/name" of a public forge, lower-cased (the
name "" where an address names only its owner)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from email.parser import HeaderParser

from lineage.source.maker import MAX_BYTES

FORGE = re.compile(r"\b(github\.com|gitlab\.com)/([A-Za-z0-9][A-Za-z0-9_.-]*)(?:/([A-Za-z0-9_.-]+))?", re.IGNORECASE)
_NOT_OWNERS = frozenset({"orgs", "users", "sponsors", "features", "topics", "marketplace"})


def owners_in(text: str) -> list[str]:
    """"host/owner/name" of every forge address in ``text``, lower-cased, in order."""
    out = []
    for m in FORGE.finditer(text):
        owner = m.group(2).rstrip(".").lower()
        name = (m.group(3) or "").rstrip(".").lower().removesuffix(".git")
        if owner not in _NOT_OWNERS:
            out.append(f"{m.group(1).lower()}/{owner}/{name}")
    return out


def owner_of(repository: str) -> str:
    """"host/owner" of a "host/owner/name"."""
    return repository.rsplit("/", 1)[0]


def repositories(files: Sequence[tuple[str, bytes]]) -> tuple[str, ...]:
    """The forge repositories ("github.com/cadene/pretrained-models.pytorch") the metadata files name
    as the package's home; () when none does."""
    found: list[str] = []
    for name, data in files:
        if len(data) > MAX_BYTES:
            continue
        text = data.decode("utf-8", "replace")
        if name.endswith("pyproject.toml"):
            try:
                urls = tomllib.loads(text).get("project", {}).get("urls", {})
            except tomllib.TOMLDecodeError:
                continue
            found += [o for u in (urls.values() if isinstance(urls, dict) else ()) if isinstance(u, str)
                      for o in owners_in(u)]
        elif name.endswith(("METADATA", "PKG-INFO")):
            headers = HeaderParser().parsestr(text, headersonly=True)
            for field in ("Home-page", "Project-URL", "Download-URL"):
                for value in headers.get_all(field) or []:
                    found += owners_in(str(value))
    return tuple(dict.fromkeys(found))
