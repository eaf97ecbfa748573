"""Who a scanned package says made it: the authors and maintainers its own metadata names.

Serving engines take in model makers' reference code without the makers' notices, and the
maker's own package, scanned later, matches the engine's copy: mistral-inference's vision
encoder, which names no holder, read as a medium "core-architecture copy" of vLLM's
pixtral.py, a model of Mistral AI, in a scan of Mistral AI's own wheel.  A file's copyright
notice already says whose code it is (classify/owner.py); a package without notices says so in
its metadata, which is as much its own word: pyproject.toml (`[project]` authors and maintainers,
or `[tool.poetry]` authors), setup.cfg (`[metadata]`), setup.py (literal arguments of its
`setup()` call, read, never run), a PKG-INFO, or a wheel's `*.dist-info/METADATA`.

Each author or maintainer maps to an organisation by the domain of its e-mail address
(`domains` in organisations.toml) or else by its name (the table's names and aliases).  The
package names a maker only when every one of them maps to one company: a personal address, a
framework project (which publishes other makers' models) or a second company beside it names
none.  The maker counts where the file's own holder counts (classify/owner.py: the matched
reference names no vendor whose notice is owed, or none but the maker); it never excuses a notice
owed to another maker.
"""

from __future__ import annotations

import ast
import configparser
import functools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from email.utils import getaddresses
from pathlib import Path

from lineage.data import Organisation
from lineage.notices.holders import normalise
from lineage.vocab import company

MAX_BYTES = 1_000_000  # a metadata file read at most this large (a larger one is read as none)
NAMES = ("pyproject.toml", "setup.cfg", "setup.py", "PKG-INFO")  # at the package's root
DIST_INFO = "METADATA"  # in a `*.dist-info` folder at the root
_FIELDS = ("author", "maintainer")


@dataclass(frozen=True)
class Maker:
    """An organisation the scanned package names as its maker, and where it says so."""

    org: str
    said: str  # "mistral_inference-1.6.0.dist-info/METADATA: Author-email 'bam4d@mistral.ai'"


Makers = tuple[Maker, ...]


def metadata_files(root: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of the metadata files at a directory target's root and in its dist-info
    folders (regular files only, each at most MAX_BYTES); [] for anything else."""
    base = Path(root) if root else None
    if base is None or not base.is_dir():
        return []
    paths = [base / name for name in NAMES]
    try:
        paths += sorted(p / DIST_INFO for p in base.iterdir()
                        if p.name.endswith(".dist-info") and p.is_dir() and not p.is_symlink())[:8]
    except OSError:
        pass
    out = _read(paths, base)
    if out:
        return out
    installed = installed_from(base)
    return _read(installed, installed[0].parent.parent) if installed else []


def _read(paths: Iterable[Path], relative_to: Path) -> list[tuple[str, bytes]]:
    out = []
    for path in paths:
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_BYTES:
                out.append((path.relative_to(relative_to).as_posix(), path.read_bytes()))
        except (OSError, ValueError):
            continue
    return out


UP = 3  # levels above a package folder searched for the distribution that installed it


def installed_from(base: Path) -> list[Path]:
    """The METADATA of the distribution that installed the package folder ``base`` (or a folder
    inside one, up to UP levels down; a symbolic link is followed to where the code is), when the
    target holds no metadata of its own: the one `*.dist-info` beside the package's top folder
    that claims it, its top_level.txt naming the folder or its RECORD listing a file of the folder
    that is there (a wheel unpacked, or site-packages; a stranger's review: IBM's `fms/`, scanned
    as the package folder, named no maker, though the wheel's METADATA beside it names IBM).  Two
    distributions claiming the folder name no one (a second review planted one, listing a file
    the folder does not hold, beside the package's own)."""
    try:
        top = base.resolve()
    except (OSError, RuntimeError):
        return []
    for _ in range(UP):
        parent = top.parent
        if parent == top:
            return []
        try:
            infos = sorted(p for p in parent.iterdir() if p.name.endswith(".dist-info") and p.is_dir()
                           and not p.is_symlink())[:32]
        except OSError:
            return []
        found = [info / DIST_INFO for info in infos if _installs(info, top)]
        if found:
            return found if len(found) == 1 else []
        top = parent
    return []


def _installs(info: Path, package: Path) -> bool:
    """Whether a dist-info folder's top_level.txt names the folder ``package``, or its RECORD lists
    a file under it that is there."""
    name = package.name
    for record in ("top_level.txt", "RECORD"):
        path = info / record
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_size > 8 * MAX_BYTES:
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        if record == "top_level.txt" and any(line.strip() == name for line in lines):
            return True
        listed = (line.split(",", 1)[0] for line in lines if line.startswith(name + "/"))
        if record == "RECORD" and any(_present(package.parent, entry) for entry in listed):
            return True
    return False


def _present(root: Path, entry: str) -> bool:
    """A RECORD entry (a path relative to ``root``, where the dist-info stands) is a file there."""
    if ".." in entry.split("/"):
        return False
    try:
        return (root / entry).is_file()
    except OSError:
        return False


def is_metadata(name: str) -> bool:
    """An archive member (its path inside the archive's root folder) that `declared_makers` reads."""
    parts = name.removeprefix("./").split("/")
    return (len(parts) == 1 and parts[0] in NAMES) or \
        (len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == DIST_INFO)


def declared_makers(files: Sequence[tuple[str, bytes]]) -> Makers:
    """The package's maker, when every author and maintainer its metadata files name maps to one
    company (one Maker per organisation of it, with the first place each is named); () else."""
    people: list[tuple[str, str, tuple[str, str]]] = []
    for name, data in files:
        named = _people(name, data.decode("utf-8", "replace")) if len(data) <= MAX_BYTES else None
        if named is None:
            return ()  # a metadata file that cannot be read, or names its people by code: it cannot tell
        people += [(name, field, person) for field, person in named]
    found: dict[str, tuple[str, str, tuple[str, str]]] = {}
    for name, field, (who, address) in people:
        org = _org_of(who, address)
        if not org:
            return ()  # someone the table does not know, or a framework: no one maker
        found.setdefault(org, (name, field, (who, address)))
    if len({company(o) for o in found}) != 1:
        return ()
    orgs = " and ".join(found)
    more = f" (one of {len(people)} authors and maintainers named, all of {orgs})" if len(people) > 1 else ""
    return tuple(Maker(org, f"{name}: {field} {_written(person)!r}{more}")
                 for org, (name, field, person) in found.items())


def _written(person: tuple[str, str]) -> str:
    who, address = person
    return f"{who} <{address}>" if who and address else who or address


def _people(name: str, text: str) -> list[tuple[str, tuple[str, str]]] | None:
    """(field, (name, e-mail)) of every author and maintainer one file names; None when the file
    cannot be read as what its name says, or gives them by code (`setup(author=NAME)`)."""
    base = name.rsplit("/", 1)[-1]
    try:
        if base == "pyproject.toml":
            return _pyproject(tomllib.loads(text))
        if base == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text)
            section = parser["metadata"] if parser.has_section("metadata") else {}
            return _pairs([(k.replace("-", "_"), str(v)) for k, v in section.items()])
        if base == "setup.py":
            arguments = _setup_arguments(text)
            return None if arguments is None else _pairs(arguments)
        if base in ("PKG-INFO", DIST_INFO):
            headers = HeaderParser().parsestr(text, headersonly=True)
            return _pairs([(k.lower().replace("-", "_"), str(v)) for k, v in headers.items()])
    except (tomllib.TOMLDecodeError, configparser.Error, SyntaxError, ValueError, TypeError, UnicodeError,
            RecursionError, MemoryError):
        return None
    return []


def _pyproject(doc: dict[str, object]) -> list[tuple[str, tuple[str, str]]] | None:
    """`[project]` authors and maintainers (tables of name and email) and `[tool.poetry]`'s
    ("Name <email>" strings); None when one of them is not written as the format says."""
    out: list[tuple[str, tuple[str, str]]] = []
    project = doc.get("project", {})
    tool = doc.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    if not isinstance(project, dict) or not isinstance(poetry, dict):
        return None
    for field in ("authors", "maintainers"):
        entries, strings = project.get(field, []), poetry.get(field, [])
        if not isinstance(entries, list) or not isinstance(strings, list) \
                or not all(isinstance(e, dict) for e in entries) or not all(isinstance(e, str) for e in strings):
            return None
        for entry in entries:
            who, address = str(entry.get("name", "")).strip(), str(entry.get("email", "")).strip()
            out += [(field, person) for person in _addresses(address, who)] if address else \
                [(field, (who, ""))] if who else []
        for text in strings:
            out += [(field, person) for person in _addresses(text)]
    return out


def _pairs(fields: Sequence[tuple[str, str]]) -> list[tuple[str, tuple[str, str]]]:
    """Authors and maintainers of key/value metadata (core metadata's Author, Author-email, ...,
    every one of a repeated field; setup.cfg's and setup()'s author, author_email, ...)."""
    out: list[tuple[str, tuple[str, str]]] = []
    for field in _FIELDS:
        names = [v.strip() for k, v in fields if k == field and v.strip() and v.strip().upper() != "UNKNOWN"]
        addresses = [v.strip() for k, v in fields if k == f"{field}_email" and v.strip()]
        for address in addresses:
            out += [(f"{field}_email", person) for person in _addresses(address, names[0] if len(names) == 1 else "")]
        if not addresses:
            out += [(field, (part.strip(), "")) for who in names for part in who.split(",") if part.strip()]
    return out


def _addresses(text: str, who: str = "") -> list[tuple[str, str]]:
    """"Name <a@b>, c@d" -> [("Name", "a@b"), (who, "c@d")]; text holding no address at all is a
    name (Poetry's `authors = ["Mistral AI"]`)."""
    if "@" not in text:
        return [(part.strip(), "") for part in text.split(",") if part.strip()]
    pairs = [(name or who, address) for name, address in getaddresses([text]) if name or address]
    return [(n.strip(), a.strip()) for n, a in pairs]


def _setup_arguments(text: str) -> list[tuple[str, str]] | None:
    """The author and maintainer keywords of every `setup(...)` call, when each is a string
    literal; None when one is computed (its value is known only by running the file)."""
    out: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and _called(node.func) == "setup":
            for kw in node.keywords:
                if kw.arg is None:
                    return None  # setup(**options): who knows
                if kw.arg in ("author", "author_email", "maintainer", "maintainer_email"):
                    if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)):
                        return None
                    out.append((kw.arg, kw.value.value))
    return out


def _called(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _org_of(who: str, address: str) -> str:
    """The vendor an author is: by the domain of its address when it has one (a personal address
    names no one, whatever the name beside it), else by its name when that is exactly an
    organisation's name or alias; "" when neither names a vendor."""
    from lineage.data import organisations

    if not address:
        return _by_name().get(normalise(who), "")
    found = _by_domain(address.rpartition("@")[2].strip().lower().rstrip("."), organisations().values()) \
        if "@" in address else []
    return found[0] if len(found) == 1 else ""


@functools.cache
def _by_name() -> dict[str, str]:
    """Every vendor's name and alias, normalised -> the vendor (an alias two vendors share: none)."""
    from lineage.notices.holders import load_organisations

    out: dict[str, str] = {}
    for alias in load_organisations():
        if alias.kind == "vendor":
            out[alias.text] = "" if out.get(alias.text, alias.org) != alias.org else alias.org
    return out


def _by_domain(domain: str, table: Iterable[Organisation]) -> list[str]:
    """Vendors whose `domains` hold the address's domain or a domain it is under (us.ibm.com)."""
    return [o.name for o in table if o.kind == "vendor" and any(domain == d or domain.endswith("." + d)
                                                                 for d in o.domains)]
