"""[tool.lineage] in pyproject.toml or lineage.toml -> a frozen, validated Config.

Precedence: command-line options > LINEAGE_* environment variables > file > defaults.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lineage.errors import ConfigError

SEVERITIES = ("info", "low", "medium", "high")
_ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


_P = TypeVar("_P", bound=_HasPath)


def default_index_path() -> str:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "lineage", "default.lineage")


@dataclass(frozen=True)
class Config:
    index: str = ""
    fail_on: str = "high"
    max_file_bytes: int = 2_000_000
    workers: int = 0  # 0: one per core (at most 8)
    min_similarity: float = 0.3
    min_containment: float = 0.6
    report_similarity: float = 0.5  # below this, a match is not worth a finding
    top: int = 5
    baseline: str = ".lineage-baseline.json"
    exclude: tuple[str, ...] = ()
    role_rules: str = ""  # path to a TOML file overriding the role rules
    as_of: str = ""  # ISO date: families first seen after it cannot be a source (time travel)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude"] = list(self.exclude)
        return data

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
        if wanted == "int":
            if isinstance(value, bool):
                raise ValueError
            out: Any = int(value)
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
            out = tuple(i.strip() for i in items if i.strip())
        else:
            if not isinstance(value, str):
                raise ValueError
            out = value
    except (TypeError, ValueError):
        raise ConfigError(f"invalid value {value!r} for `{name}` (expected {wanted})", source=src) from None
    if name == "as_of" and out and not _ISO_DATE.fullmatch(out):
        raise ConfigError(f"`as_of` must be a date as YYYY-MM-DD, not {out!r}", source=src)
    if name == "fail_on" and out not in SEVERITIES:
        raise ConfigError(f"`fail_on` must be one of {', '.join(SEVERITIES)}, not {out!r}", source=src)
    return out


def _apply(cfg: Config, values: dict[str, Any], src: str) -> Config:
    known = {f.name for f in fields(Config)}
    changes = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"unknown setting `{key}`", source=src)
        changes[name] = _coerce(name, value, src)
    return replace(cfg, **changes)


def _file_settings(root: Path) -> tuple[dict[str, Any], str]:
    for candidate, table in ((root / "lineage.toml", None), (root / "pyproject.toml", "tool.lineage")):
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"cannot read settings: {exc}", source=str(candidate)) from None
        if table is None:
            return data.get("lineage", data), str(candidate)
        section = data.get("tool", {}).get("lineage")
        if section is not None:
            if not isinstance(section, dict):
                raise ConfigError("[tool.lineage] must be a table", source=str(candidate))
            return section, str(candidate)
    return {}, ""


def load_config(root: str | Path = ".", overrides: dict[str, Any] | None = None,
                env: Mapping[str, str] | None = None) -> Config:
    """Defaults < file < environment < explicit overrides (None values are ignored)."""
    root = Path(root)
    if root.is_file():
        root = root.parent
    cfg = Config()
    settings, src = _file_settings(root)
    cfg = _apply(cfg, settings, src)
    source: Mapping[str, str] = os.environ if env is None else env
    env_values = {
        f.name: source[f"LINEAGE_{f.name.upper()}"] for f in fields(Config) if f"LINEAGE_{f.name.upper()}" in source
    }
    cfg = _apply(cfg, env_values, "environment")
    return _apply(cfg, {k: v for k, v in (overrides or {}).items() if v is not None}, "command line")
