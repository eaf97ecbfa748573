"""[tool.lineage] in pyproject.toml or lineage.toml -> a frozen, validated Config.

Precedence: command-line options > LINEAGE_* environment variables > file > defaults.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lineage.errors import ConfigError
from lineage.scoring import SCORING
from lineage.trust import APPLIED, OVERRIDDEN, REFUSED, Setting, loosening
from lineage.vocab import SEVERITIES
_ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


_P = TypeVar("_P", bound=_HasPath)


def default_index_path() -> str:
    """This version's default index file (lineage/index/edition.py)."""
    from lineage.index.edition import default_index_path as path

    return path()


@dataclass(frozen=True)
class Config:
    index: str = ""
    fail_on: str = "medium"  # a copy whose notice was removed is medium: the hook stops it
    max_file_bytes: int = 2_000_000
    workers: int = 0  # 0: one per core (at most 8)
    min_similarity: float = SCORING.min_similarity
    min_containment: float = SCORING.min_containment
    report_similarity: float = SCORING.report_similarity  # below this, a match is not worth a finding
    top: int = SCORING.top
    baseline: str = ".lineage-baseline.json"
    exclude: tuple[str, ...] = ()
    role_rules: str = ""  # path to a TOML file overriding the role rules
    as_of: str = ""  # ISO date: families first seen after it cannot be a source (time travel)
    owner: tuple[str, ...] = ()  # organisations owning the scanned code: their models' code is their own
    # the maker the scanned package's own metadata names counts as a file's own holder would (source/maker.py)
    package_maker: bool = True
    settings: tuple[Setting, ...] = field(default=(), compare=False)  # what was given, from where

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude"] = list(self.exclude)
        data["settings"] = [s.to_dict() for s in self.settings]
        return data

    @property
    def refused(self) -> tuple[Setting, ...]:
        return tuple(s for s in self.settings if s.status == REFUSED)

    @property
    def index_path(self) -> str:
        return self.index or default_index_path()

    def included(self, items: Iterable[_P]) -> list[_P]:
        """The files (or per-file errors) that no `exclude` glob names.

        Paths are POSIX and relative to what is scanned (the repository root for the hook
        and baselines, the target for `scan`); globs match with fnmatch, where `*` also
        crosses `/`, so "vendor/*" takes the whole vendor tree.  One place, so `scan`,
        `hook` and `baseline` leave out exactly the same files.
        """
        if not self.exclude:
            return list(items)
        return [i for i in items if not any(fnmatch.fnmatch(i.path, g) for g in self.exclude)]


def _coerce(name: str, value: Any, src: str) -> Any:
    wanted = {f.name: f.type for f in fields(Config)}[name]
    try:
        if wanted == "bool":
            words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
            if isinstance(value, str) and value.strip().lower() in words:
                value = words[value.strip().lower()]  # (from the environment)
            if not isinstance(value, bool):
                raise ValueError
            out: Any = value
        elif wanted == "int":
            if isinstance(value, bool):
                raise ValueError
            out = int(value)
            if out < 0:
                raise ValueError
        elif wanted == "float":
            out = float(value)
            if not 0.0 <= out <= 1.0:
                raise ValueError
        elif wanted == "tuple[str, ...]":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
                raise ValueError
            if name == "owner" and any(not i.strip() for i in items):
                raise ConfigError("`owner` names an empty organisation (give a name or alias of "
                                  "corpora/organisations.toml)", source=src)
            out = tuple(i.strip() for i in items if i.strip())
        else:
            if not isinstance(value, str):
                raise ValueError
            out = value
    except (TypeError, ValueError):
        expected = {"bool": "true or false", "int": "a whole number, 0 or more", "float": "a number from 0 to 1",
                    "tuple[str, ...]": "a list of strings", "str": "a string"}.get(str(wanted), str(wanted))
        raise ConfigError(f"invalid value {value!r} for `{name}` (expected {expected})", source=src) from None
    if name == "as_of" and out and not _ISO_DATE.fullmatch(out):
        raise ConfigError(f"`as_of` must be a date as YYYY-MM-DD, not {out!r}", source=src)
    if name == "owner" and out:
        from lineage.classify.owner import canonical_owners

        try:
            canonical_owners(out)
        except ConfigError as exc:
            raise ConfigError(exc.args[0], source=src) from None  # the message, not its own "owner:" source
    if name == "fail_on" and out not in SEVERITIES:
        raise ConfigError(f"`fail_on` must be one of {', '.join(SEVERITIES)}, not {out!r}", source=src)
    return out


_SETTABLE = frozenset(f.name for f in fields(Config)) - {"settings"}


def _coerced(values: dict[str, Any], src: str) -> dict[str, Any]:
    changes = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in _SETTABLE:
            hint = (" (this file is read as a lineage.toml, whose settings stand at its top level; only a file "
                    "named pyproject.toml is read at [tool.lineage])" if name == "tool" else "")
            raise ConfigError(f"unknown setting `{key}`{hint}", source=src)
        changes[name] = _coerce(name, value, src)
    return changes


def _apply(cfg: Config, values: dict[str, Any], src: str, *, trusted: bool = True) -> Config:
    """Apply one source's values; an untrusted one's loosening values are recorded as refused."""
    changes: dict[str, Any] = {}
    records = list(cfg.settings)
    for name, value in _coerced(values, src).items():
        why = "" if trusted else loosening(name, getattr(Config(), name), value)
        if why:
            records.append(Setting(name, value, src, REFUSED, why))
        else:
            changes[name] = value
            records.append(Setting(name, value, src, APPLIED))
    records = [replace(s, status=OVERRIDDEN) if s.status == APPLIED and s.name in changes and s.origin != src
               else s for s in records]
    return replace(cfg, settings=tuple(records), **changes)


def _read_settings(candidate: Path, table: str | None) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read settings: {exc}", source=str(candidate)) from None
    if table is None:
        found = data.get("lineage", data)
        if not isinstance(found, dict):
            raise ConfigError("[lineage] must be a table", source=str(candidate))
        return found
    tool = data.get("tool", {})
    section = tool.get("lineage") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise ConfigError("[tool.lineage] must be a table", source=str(candidate))
    return section


def _file_settings(root: Path) -> tuple[dict[str, Any], str]:
    for candidate, table in ((root / "lineage.toml", None), (root / "pyproject.toml", "tool.lineage")):
        if candidate.is_file() and (section := _read_settings(candidate, table)) is not None:
            return section, str(candidate)
    return {}, ""


def unread_settings(root: str | Path = ".") -> str:
    """A pyproject.toml's [tool.lineage] that a lineage.toml beside it leaves unread ("" none): the
    first file found is the one read, and a team editing the other saw nothing change (a
    stranger's review)."""
    root = Path(root).absolute()
    used, other = root / "lineage.toml", root / "pyproject.toml"
    try:
        shadowed = used.is_file() and _read_settings(used, None) is not None and other.is_file() \
            and _read_settings(other, "tool.lineage") is not None
    except ConfigError:
        return ""
    return str(other) if shadowed else ""


def settings_file(path: str | Path) -> tuple[dict[str, Any], str]:
    """The settings of a file named by the user (``--config FILE``): a pyproject.toml's
    [tool.lineage], else the file's [lineage] table or its top level."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("no such settings file", source=str(path))
    section = _read_settings(path, "tool.lineage" if path.name == "pyproject.toml" else None)
    return section or {}, str(path.absolute())


def load_config(root: str | Path = ".", overrides: dict[str, Any] | None = None,
                env: Mapping[str, str] | None = None, *, config_file: str | Path | None = None,
                trust: bool = False) -> Config:
    """Defaults < file < environment < explicit overrides (None values are ignored).

    The file is ``config_file`` when given (trusted: the user named it), else lineage.toml
    or [tool.lineage] in ``root``, which may only tighten the scan unless ``trust``.
    """
    root = Path(root).absolute()  # reports say where a setting came from: a full path
    if root.is_file():
        root = root.parent
    cfg = Config()
    if config_file is not None:
        settings, src = settings_file(config_file)
        trust = True
    else:
        settings, src = _file_settings(root)
    cfg = _apply(cfg, settings, src, trusted=trust)
    source: Mapping[str, str] = os.environ if env is None else env
    env_values = {
        name: source[f"LINEAGE_{name.upper()}"] for name in sorted(_SETTABLE) if f"LINEAGE_{name.upper()}" in source
    }
    cfg = _apply(cfg, env_values, "environment")
    return _apply(cfg, {k: v for k, v in (overrides or {}).items() if v is not None}, "command line")
