"""Reference data: the TOML tables of corpora/, read through importlib.resources.

corpora/ is where people edit the tables; it installs as the package ``lineage.corpora``, so
a wheel carries it and an editable install reads the checkout.  Every table is opened here,
with one error policy: a table that cannot be read, decoded or parsed, or whose content is
wrong, is a ``ManifestError`` that names the table and where it was read from.  A path from
the user (the ``role_rules`` setting, a test's own table) takes the shipped table's place and
is read the same way.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from lineage.errors import ManifestError

PACKAGE = "lineage.corpora"


def shipped(name: str) -> Traversable:
    """The shipped table ``name`` ("roles.toml"), wherever the package is installed."""
    return resources.files(PACKAGE).joinpath(name)


def locate(name: str, path: str | Path | None = None) -> Traversable:
    """The user's file when one is given ("" counts as none), else the shipped table."""
    return Path(path) if path else shipped(name)


def read_bytes(name: str, path: str | Path | None = None) -> bytes:
    """The raw bytes of a table (digests hash exactly what was shipped)."""
    where = locate(name, path)
    try:
        return where.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read the {name} table: {exc.strerror or exc}", source=str(where)) from None


def load_table(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """A table parsed from TOML; a ManifestError naming it when it cannot be read or parsed."""
    raw = read_bytes(name, path)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"the {name} table is not valid TOML: {exc}", source=str(locate(name, path))) from None


def table_error(name: str, reason: str, path: str | Path | None = None) -> ManifestError:
    """The error for a table that parses but says something wrong, in the same form."""
    return ManifestError(f"bad {name} table: {reason}", source=str(locate(name, path)))


@dataclass(frozen=True)
class Organisation:
    """One row of organisations.toml."""

    name: str
    country: str
    kind: str  # vendor | framework
    aliases: tuple[str, ...]
    domains: tuple[str, ...] = ()  # e-mail domains of its people (a package's authors: source/maker.py)


@functools.cache
def organisations(path: Path | None = None) -> dict[str, Organisation]:
    """The organisations table by name (manifests' labels and notice holders both read it)."""
    orgs = load_table("organisations.toml", path).get("org") or {}
    if not isinstance(orgs, dict):
        raise table_error("organisations.toml", "[org] is not a table", path)
    out = {}
    for name, entry in orgs.items():
        if not isinstance(entry, dict):
            raise table_error("organisations.toml", f"org {name!r} is not a table", path)
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list):
            raise table_error("organisations.toml", f"org {name!r}: aliases is not a list", path)
        domains = entry.get("domains", [])
        if not isinstance(domains, list):
            raise table_error("organisations.toml", f"org {name!r}: domains is not a list", path)
        out[name] = Organisation(name, str(entry.get("country", "")), str(entry.get("kind", "vendor")),
                                 tuple(str(a) for a in aliases), tuple(str(d).lower() for d in domains))
    return out


def shipped_dir() -> Path:
    """The shipped tables as a directory on the file system.

    Manifests name local directories relative to themselves, and the default list names
    manifests relative to itself, so those need real paths.  pip always installs packages
    unpacked; a package imported from a zip file cannot offer them.
    """
    root = resources.files(PACKAGE)
    if not isinstance(root, Path) or not root.is_dir():
        raise ManifestError("the shipped corpus manifests are not on the file system "
                            "(is lineage installed in a zip file?)", source=str(root))
    return root


def shipped_path(name: str) -> Path:
    """A shipped table as a file-system path (see ``shipped_dir``)."""
    return shipped_dir() / name
