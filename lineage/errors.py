"""Error types.  One root, subclasses carry the offending source; cli/ maps them to exit codes."""

from __future__ import annotations


class LineageError(Exception):
    """Root of every error lineage raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.source}: {base}" if self.source else base


class ConfigError(LineageError):
    """Bad [tool.lineage] values, environment variables or command-line options."""


class IndexError_(LineageError):
    """A missing, truncated, tampered or incompatible index."""


class ManifestError(LineageError):
    """A malformed corpus manifest, or a reference-data table (corpora/*.toml, or a file given
    in its place) that cannot be read or parsed."""


class SourceError(LineageError):
    """A target or reference that cannot be read: bad path, git revision, URL, archive."""


class FetchError(SourceError):
    """A download failed or did not match its pinned hash."""
