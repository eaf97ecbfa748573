"""Index specs: a file path (the embedded store, the default) or a ``redis://`` store URL.

``open_any`` picks the store from the spec, so the CLI and the API take either wherever
they take an index.  Store URLs are parsed strictly here, and Redis connections get their
timeouts and error translation here (every failure an IndexError_, never a traceback); the
Redis client and datasketch are imported only when a ``redis://`` spec is actually opened.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lineage.errors import ConfigError, IndexError_
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import EmbeddedIndex, load_embedded

STORE_SCHEMES = ("redis", "rediss")
STORE_INSTALL = "pip install 'lineage-scan[redis]'"
_URLISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_store_url(spec: str | Path) -> bool:
    return isinstance(spec, str) and spec.split("://", 1)[0] in STORE_SCHEMES and "://" in spec


@dataclass(frozen=True)
class RedisTarget:
    """A parsed ``redis://HOST[:PORT][/DB]`` or ``rediss://`` URL."""

    host: str
    port: int
    db: int
    tls: bool

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'rediss' if self.tls else 'redis'}://{host}:{self.port}/{self.db}"

    def kwargs(self, timeout: float) -> dict[str, Any]:
        """redis.Redis arguments: timeouts on every socket and no silent retries."""
        require_store_packages(self.label)
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return {"host": self.host, "port": self.port, "db": self.db, "ssl": self.tls,
                "password": os.environ.get("LINEAGE_REDIS_PASSWORD") or None,
                "socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0)}

    def client(self, timeout: float) -> Any:
        kwargs = self.kwargs(timeout)  # a clear error first if the redis package is missing
        import redis

        return redis.Redis(**kwargs)


def require_store_packages(label: str) -> None:
    """A clear error, not a traceback, when the optional Redis packages are missing (the
    `redis` extra: the client, and datasketch for the LSH band tables)."""
    import importlib.util

    missing = [name for name in ("redis", "datasketch") if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(f"a redis:// index needs {' and '.join(missing)}: {STORE_INSTALL}", source=label)


@contextlib.contextmanager
def store_errors(target: RedisTarget, doing: str) -> Iterator[None]:
    """Every Redis failure becomes an IndexError_ that says what and where."""
    from redis.exceptions import RedisError
    from redis.exceptions import TimeoutError as RedisTimeout

    from lineage.index.deadline import DeadlineExceeded

    try:
        yield
    except DeadlineExceeded as exc:
        raise IndexError_(f"Redis did not answer in time while {doing} ({exc}); server slow or stuck",
                          source=target.label) from None
    except RedisTimeout:
        raise IndexError_(f"Redis did not answer in time while {doing}; server slow or stuck",
                          source=target.label) from None
    except (RedisError, OSError) as exc:
        raise IndexError_(f"Redis failed while {doing}: {exc}; is the server running and reachable?",
                          source=target.label) from None


def _redacted(url: str) -> str:
    """The URL with anything before an ``@`` masked: errors end up in logs and reports."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}***@{rest.rsplit('@', 1)[1]}" if "@" in rest else url


def parse_url(url: str) -> RedisTarget:
    """Strict parse: scheme redis/rediss, a host, optional port and DB number, nothing else.

    Credentials are refused in the URL (URLs end up in reports); the password comes from
    ``LINEAGE_REDIS_PASSWORD``.
    """
    shown = _redacted(url)
    try:
        parts = urlsplit(url)
        port = 6379 if parts.port is None else parts.port
    except ValueError:
        raise ConfigError("bad Redis URL", source=shown) from None  # the message may quote the password
    if parts.scheme not in STORE_SCHEMES:
        raise ConfigError("a Redis store URL starts with redis:// or rediss://", source=shown)
    if "@" in parts.netloc:
        raise ConfigError("put no credentials in the URL; set LINEAGE_REDIS_PASSWORD", source=shown)
    if not parts.hostname or not 0 < port < 65536 or parts.query or parts.fragment or "?" in url or "#" in url:
        raise ConfigError("expected redis://HOST[:PORT][/DB] with nothing else", source=shown)
    db = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not re.fullmatch(r"[0-9]{0,5}", db):
        raise ConfigError(f"the database must be a number, not {parts.path!r}", source=shown)
    return RedisTarget(parts.hostname, port, int(db or 0), parts.scheme == "rediss")


def open_any(spec: str | Path, expected: FingerprintParams | None = None) -> EmbeddedIndex:
    """Open an index file or a published Redis index, refusing other parameters."""
    if is_store_url(spec):
        from lineage.index.redis_store import load_redis

        return load_redis(str(spec), expected)
    if isinstance(spec, str) and _URLISH.match(spec):
        scheme = spec.split("://", 1)[0]
        raise ConfigError(f"unsupported index store {scheme}://; use a file path or redis://HOST:PORT/DB",
                          source=_redacted(spec))
    return load_embedded(spec, expected)
