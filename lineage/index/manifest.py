"""Corpus manifests (TOML) -> validated, frozen descriptions of sources and families.

The format is documented in corpora/README.md.  Labels (organisation, country, licences,
first-seen dates) live in the manifests and in corpora/organisations.toml, never in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from lineage.data import load_table, organisations, shipped_path, table_error
from lineage.errors import ManifestError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_KINDS = ("pypi", "git", "dir")
INFRASTRUCTURE = "infrastructure"  # the one role a manifest may give a family or a glob


@dataclass(frozen=True)
class Family:
    name: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    org: str
    country: str
    licence: str
    weights_licence: str
    first_seen: str
    lineage: tuple[str, ...]
    role: str = ""  # "infrastructure": every unit of the family is training/serving machinery


@dataclass(frozen=True)
class LeftOut:
    """Model code of a source deliberately kept out of the index, and why."""

    include: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Manifest:
    path: str
    name: str
    kind: str
    package: str
    version: str
    sha256: str
    filename: str
    python_version: str
    platform: str
    url: str
    rev: str
    dir_path: str
    licence: str
    released: str
    exclude: tuple[str, ...]
    families: tuple[Family, ...]
    models: tuple[str, ...] = ()  # globs of the members that are model code (for the coverage check)
    left_out: tuple[LeftOut, ...] = ()
    repository: str = ""  # the project's public repository (https), for reports' upstream links
    infrastructure: tuple[str, ...] = ()  # globs of indexed files that are training/serving machinery
    since: str = ""  # the project's first public release: none of its code is older (time travel)

    @property
    def label(self) -> str:
        """How a report names this source: name==version, url@rev or dir:name."""
        if self.kind == "pypi":
            return f"{self.package}=={self.version}"
        if self.kind == "git":
            return f"{self.url}@{self.rev}"
        return f"dir:{self.name}"

    @cached_property
    def matcher(self) -> FamilyMatcher:
        """Its globs compiled once (a build asks for every archive member and every indexed file)."""
        return FamilyMatcher(self)


def _strs(entry: dict[str, Any], key: str, src: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"`{key}` must be a list of strings", source=src)
    return tuple(value)


def _str(entry: dict[str, Any], key: str, src: str, default: str = "") -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise ManifestError(f"`{key}` must be a string, not {type(value).__name__}", source=src)
    return value


def _family(entry: Any, source: dict[str, Any], src: str) -> Family:
    if not isinstance(entry, dict):
        raise ManifestError("each [[family]] must be a table", source=src)
    name = _str(entry, "name", src)
    if not _NAME.match(name):
        raise ManifestError(f"family name {name!r} is not a simple identifier", source=src)
    include = _strs(entry, "include", src)
    if not include:
        raise ManifestError(f"family {name!r} has no include globs", source=src)
    role = _str(entry, "role", src)
    if role not in ("", INFRASTRUCTURE):
        raise ManifestError(f"family {name!r}: role may only be {INFRASTRUCTURE!r}, not {role!r}", source=src)
    org_name = _str(entry, "org", src)
    orgs = organisations()
    if org_name not in orgs:
        raise ManifestError(f"family {name!r}: unknown organisation {org_name!r} (add it to organisations.toml)", source=src)
    return Family(
        name, include, _strs(entry, "exclude", src), org_name, orgs[org_name].country,
        _str(entry, "licence", src, _str(source, "licence", src)),
        _str(entry, "weights_licence", src), _str(entry, "first_seen", src), _strs(entry, "lineage", src),
        role,
    )


def _left_out(data: dict[str, Any], src: str) -> tuple[LeftOut, ...]:
    entries = data.get("left_out", [])
    if not isinstance(entries, list):
        raise ManifestError("`left_out` must be an array of tables", source=src)
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ManifestError("each [[left_out]] must be a table", source=src)
        include, reason = _strs(entry, "include", src), _str(entry, "reason", src).strip()
        if not include or not reason:
            raise ManifestError("each [[left_out]] needs include globs and a reason", source=src)
        out.append(LeftOut(include, reason))
    return tuple(out)


def _infrastructure(data: dict[str, Any], src: str) -> tuple[str, ...]:
    """Globs of `[[infrastructure]] include = [...]` tables (files indexed, labelled as machinery)."""
    entries = data.get("infrastructure", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ManifestError("`infrastructure` must be an array of tables", source=src)
    globs = [g for e in entries for g in _strs(e, "include", src)]
    if any(not _strs(e, "include", src) for e in entries):
        raise ManifestError("each [[infrastructure]] needs include globs", source=src)
    return tuple(globs)


def load_manifest(path: str | Path) -> Manifest:
    """Parse and validate one manifest file."""
    path = Path(path)
    src = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"cannot read manifest: {exc.strerror}", source=src) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"not valid TOML: {exc}", source=src) from None
    source = data.get("source")
    if not isinstance(source, dict):
        raise ManifestError("missing [source] table", source=src)
    kind = _str(source, "kind", src)
    if kind not in _KINDS:
        raise ManifestError(f"source kind must be one of {', '.join(_KINDS)}, not {kind!r}", source=src)
    name = _str(source, "name", src)
    if not _NAME.match(name):
        raise ManifestError(f"source name {name!r} is not a simple identifier", source=src)
    sha = _str(source, "sha256", src).lower()
    if kind == "pypi" and not (_str(source, "package", src) and _str(source, "version", src) and _SHA.match(sha)):
        raise ManifestError("a pypi source needs package, version and a 64-hex sha256", source=src)
    if kind == "git" and not (_str(source, "url", src) and re.fullmatch(r"[0-9a-f]{7,40}", _str(source, "rev", src))):
        raise ManifestError("a git source needs url and rev (a commit id, not a branch)", source=src)
    dir_path = _str(source, "path", src)
    if kind == "dir":
        if not dir_path:
            raise ManifestError("a dir source needs path", source=src)
        if not Path(dir_path).is_absolute():
            dir_path = str((path.parent / dir_path).resolve())
    fams = data.get("family", [])
    if not isinstance(fams, list) or not fams:
        raise ManifestError("a manifest needs at least one [[family]]", source=src)
    families = tuple(_family(f, source, src) for f in fams)
    repository = _str(source, "repository", src)
    if repository and not re.fullmatch(r"https://[^\s@<>\"]+", repository):
        raise ManifestError("`repository` must be an https:// URL without credentials", source=src)
    since = _str(source, "since", src)
    if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        raise ManifestError("`since` must be a date as YYYY-MM-DD", source=src)
    names = [f.name for f in families]
    if len(set(names)) != len(names):
        raise ManifestError("family names repeat within the manifest", source=src)
    return Manifest(
        src, name, kind, _str(source, "package", src), _str(source, "version", src), sha,
        _str(source, "filename", src), _str(source, "python_version", src), _str(source, "platform", src),
        _str(source, "url", src), _str(source, "rev", src), dir_path, _str(source, "licence", src),
        _str(source, "released", src), _strs(source, "exclude", src), families,
        _strs(source, "models", src), _left_out(data, src), repository, _infrastructure(data, src), since,
    )


@lru_cache(maxsize=4096)
def glob_pattern(pattern: str) -> str:
    """The regular expression of a full-path glob: `*` and `?` stay within a directory, `**`
    crosses directories."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + r"\Z"


@lru_cache(maxsize=4096)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A full-path glob, compiled (`glob_pattern`)."""
    return re.compile(glob_pattern(pattern))


def _alternation(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that matches a path when any of the globs does (None for no globs); the globs
    are translated, not compiled one by one (compiling is most of a build's manifest work)."""
    return re.compile("|".join(f"(?:{glob_pattern(g)})" for g in globs)) if globs else None


def _folder(glob: str) -> str:
    """The folders a glob spells out before its first wildcard ("a/b/" of "a/b/c_*.py"): a path
    it matches starts with them."""
    wild = min((i for i in (glob.find("*"), glob.find("?")) if i >= 0), default=len(glob))
    return glob[: glob.rfind("/", 0, wild) + 1]


class FamilyMatcher:
    """A manifest's globs compiled once, and filed by the folders they spell out: a path is
    tried only against the families with an include glob in one of its folders (most archive
    members have none), in family order."""

    def __init__(self, manifest: Manifest) -> None:
        self.families = manifest.families
        self.includes = [_alternation(f.include) for f in self.families]
        self.excludes = [_alternation(f.exclude) for f in self.families]
        self.exclude = _alternation(manifest.exclude)
        self.by_folder: dict[str, list[int]] = {}
        for i, fam in enumerate(self.families):
            for glob in fam.include:
                self.by_folder.setdefault(_folder(glob), []).append(i)

    def _candidates(self, path: str) -> list[int]:
        found: list[int] = []
        end = len(path)
        while end >= 0:  # "a/b/", "a/", then ""
            end = path.rfind("/", 0, end)
            found += self.by_folder.get(path[: end + 1], ())
        return sorted(set(found))

    def family(self, path: str) -> Family | None:
        candidates = self._candidates(path)
        if not candidates or (self.exclude is not None and self.exclude.match(path)):
            return None
        for i in candidates:
            include, exclude = self.includes[i], self.excludes[i]
            if include is not None and include.match(path) and not (exclude is not None and exclude.match(path)):
                return self.families[i]
        return None


def family_of(path: str, manifest: Manifest) -> Family | None:
    """The first family whose globs take this path (source-wide excludes first)."""
    return manifest.matcher.family(path)


def is_infrastructure(path: str, manifest: Manifest, family: Family) -> bool:
    """Whether the manifest labels this indexed file training or serving machinery."""
    return family.role == INFRASTRUCTURE or any(glob_regex(p).match(path) for p in manifest.infrastructure)


def default_manifests() -> list[Path]:
    """The manifests that build the default index (corpora/default.toml, shipped in the package)."""
    names = load_table("default.toml").get("default", {}).get("manifests")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise table_error("default.toml", "[default] needs manifests = [file names]")
    return [shipped_path(n) for n in names]  # named relative to the list, as the files sit
