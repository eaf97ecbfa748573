"""An index served from Redis, restricted (`--as-of`, a git revision's date): the same
findings as the file index restricted the same way."""

from __future__ import annotations

from pathlib import Path

import redis

from lineage.api import at_date, scan_files
from lineage.config import Config
from lineage.index.build import build_index
from lineage.index.embedded import EmbeddedIndex
from lineage.index.embedded import load_embedded
from lineage.index.manifest import load_manifest
from lineage.index.redis_store import load_redis, publish
from lineage.models import SourceFile
from lineage.report.jsonfmt import report_dict

from .conftest import ATTENTION, COPIED, MLP, RedisServer


def test_a_restricted_redis_index_finds_what_the_restricted_file_index_finds(
        redis_server: RedisServer, tmp_path: Path) -> None:
    (tmp_path / "alpha").mkdir()
    (tmp_path / "alpha" / "attention.py").write_text(ATTENTION)
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "mlp.py").write_text(MLP)
    (tmp_path / "fix.toml").write_text(
        f'[source]\nname = "fix"\nkind = "dir"\npath = "{tmp_path}"\nlicence = "Apache-2.0"\n\n'
        '[[family]]\nname = "alpha"\ninclude = ["alpha/*.py"]\norg = "Meta"\nfirst_seen = "2020-01-01"\n\n'
        '[[family]]\nname = "beta"\ninclude = ["beta/*.py"]\norg = "Meta"\nfirst_seen = "2030-01-01"\n')
    path = Path(build_index([load_manifest(tmp_path / "fix.toml")], tmp_path / "fix.lineage").path)
    url = redis_server.url(63)
    redis.Redis(port=redis_server.port, db=63).flushdb()
    publish(path, url)
    files = [SourceFile("pkg/copied.py", COPIED.encode())]

    def found(index: EmbeddedIndex) -> list[tuple[str, str]]:
        result, _ = scan_files(files, at_date(index, "2025-01-01"), Config(workers=1))
        return sorted((f["unit"], f["matches"][0]["family"]) for f in report_dict(result)["findings"]
                      if f["kind"] == "code-match")

    expected = found(load_embedded(path))
    assert expected and {family for _, family in expected} == {"fix:alpha"}  # beta is too new
    assert found(load_redis(url)) == expected
