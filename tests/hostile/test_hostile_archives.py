"""Archives whose members are each within the caps but add up to far more than the machine
should hold: refused as a whole, with one clear line, before memory grows."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import LINEAGE, REF, Run, assert_clean_failure, subprocess_env
from tests.hostile.peak import peak_run

# 1.9 MB: under the 2 MB per-file cap, compresses about 1000x; mostly one string literal, so that
# analysing it stays far inside the per-file CPU budget (316,000 one-line statements took 3.5-4.1 of
# its 5 CPU-seconds to parse alone, and on a busy machine a member could read "too costly to analyse")
MEMBER = b"x = 1\n" * 1000 + b'y = "' + b"a" * 1_890_000 + b'"\n'
MEMBERS = 60


def _zip(path: Path, n: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n):
            zf.writestr(f"pkg/m{i}.py", MEMBER)
        zf.writestr("pkg/copy.py", REF.read_bytes())
    return path


def _tar_gz(path: Path, n: int) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for i in range(n):
            info = tarfile.TarInfo(f"pkg/m{i}.py")
            info.size = len(MEMBER)
            tf.addfile(info, io.BytesIO(MEMBER))
    return path


@pytest.mark.parametrize("make", [_zip, _tar_gz], ids=["zip", "tar.gz"])
def test_many_members_that_add_up_to_a_bomb_are_refused(
    make: Callable[[Path, int], Path], tmp_path: Path, scan_json: Callable[..., Run]
) -> None:
    archive = make(tmp_path / ("bomb.zip" if make is _zip else "bomb.tar.gz"), MEMBERS)
    assert archive.stat().st_size * 200 < MEMBERS * len(MEMBER)
    assert_clean_failure(scan_json(archive), "decompression bomb")


def test_the_refusal_comes_before_memory_grows(tmp_path: Path, built_index: Path) -> None:
    archive = _zip(tmp_path / "bomb.whl", MEMBERS)
    cmd = [str(LINEAGE), "scan", str(archive), "--index", str(built_index), "--format", "json", "-q"]
    peak = peak_run(cmd, subprocess_env(tmp_path), tmp_path)
    assert peak.code == 2 and "decompression bomb" in peak.stderr, peak
    assert peak.kilobytes < 1_000_000, f"peak RSS {peak.kilobytes} KB"


def test_a_few_such_members_are_still_scanned(tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    """Under the overall floor (8 MiB expanded) nothing is refused: the copy is found."""
    run = scan_json(_zip(tmp_path / "small.zip", 3))
    assert run.code in (0, 1), run.stderr
    assert {f["path"] for f in run.report()["findings"]} == {"pkg/copy.py"}
    assert run.report()["summary"]["files_scanned"] == 4


def test_an_archive_past_the_total_cap_is_refused(tmp_path: Path) -> None:
    from lineage.errors import FetchError
    from lineage.source.archive import read_archive

    archive = _zip(tmp_path / "many.zip", 3)
    with pytest.raises(FetchError, match="total cap"):
        read_archive(archive, max_total_bytes=2 * len(MEMBER), max_ratio=1e9)
