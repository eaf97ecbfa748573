"""Fetching pinned references: the cache location, PyPI via pip (offline), git via file://."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import git
import pytest

from lineage.errors import FetchError, SourceError
from lineage.source import fetch as fetch_module
from lineage.source.fetch import GIT_ENV, _fetch_rev, cache_dir, fetch_git, fetch_pypi, normalise_git_url
from lineage.source.gitrev import read_revision

if TYPE_CHECKING:
    from conftest import SourceRepo


def test_cache_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LINEAGE_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir() == tmp_path / "home" / ".cache" / "lineage"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "lineage"
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "explicit"))
    assert cache_dir() == tmp_path / "explicit" and cache_dir().is_dir()


# ---- git -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,reason",
    [
        ("ext::sh -c touch% {marker}", "refusing git URL"),  # whitespace
        ("ext::sh%20-c%20touch%20{marker}", "remote-helper"),
        ("--upload-pack=touch%20{marker}", "refusing git URL"),
        ("-u touch {marker}", "refusing git URL"),
        ("fd::17", "remote-helper"),
        ("file::{marker}", "remote-helper"),
        ("http://example.com/repo.git", "unsupported git URL"),  # no server authentication, no integrity
        ("git://example.com/repo.git", "unsupported git URL"),
        ("ssh://-oProxyCommand=touch%20{marker}/x", "host starting with '-'"),
        ("https://example.com/a b", "refusing git URL"),
        ("https://example.com/a\n--upload-pack=x", "refusing git URL"),
        ("not-a-url", "unsupported git URL"),
    ],
)
def test_fetch_git_refuses_unsafe_urls(tmp_path: Path, url: str, reason: str) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(SourceError, match=reason):
        fetch_git(url.format(marker=marker), "main", cache=tmp_path / "cache")
    assert not marker.exists()
    assert not (tmp_path / "cache" / "git").exists()  # refused before anything was created


@pytest.mark.parametrize("rev", ["--upload-pack=touch /tmp/x", "-n", "a..b", "main branch", ""])
def test_fetch_git_refuses_unsafe_revisions(source_repo: SourceRepo, tmp_path: Path, rev: str) -> None:
    with pytest.raises(SourceError, match="refusing git revision"):
        fetch_git(source_repo.path.as_uri(), rev, cache=tmp_path / "cache")


def test_url_forms_accepted(tmp_path: Path) -> None:
    for url in (
        "https://github.com/org/repo.git",
        "ssh://git@host:22/org/repo",
        "git@github.com:org/repo.git",
        "file:///srv/repo.git",
    ):
        assert normalise_git_url(url) == url
    assert normalise_git_url(str(tmp_path)) == tmp_path.resolve().as_uri()


def test_fetch_git_file_url_branch_tag_and_sha(source_repo: SourceRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    url = source_repo.path.as_uri()
    path, sha = fetch_git(url, "main", cache=cache)
    assert sha == source_repo.v2 and path.parent == cache / "git" and path.name.endswith(".git")
    assert (path / "HEAD").is_file() and not (path / ".git").exists()  # bare
    assert fetch_git(url, "v1", cache=cache) == (path, source_repo.v1)
    assert fetch_git(url, source_repo.v1[:8], cache=cache)[1] == source_repo.v1  # short sha: full fetch
    files, _, resolved = read_revision(path, sha)
    assert resolved == sha and [f.path for f in files] == ["a.py", "big.py", "link.py", "pkg/b.py"]
    shutil.rmtree(source_repo.path)  # an exact sha already cached needs no remote
    assert fetch_git(url, source_repo.v2, cache=cache) == (path, source_repo.v2)
    with pytest.raises(FetchError, match="git fetch failed"):
        fetch_git(url, "main", cache=cache)
    assert fetch_git(url, source_repo.v2, cache=cache) == (path, source_repo.v2)  # (a failure keeps what was fetched)
    # a first fetch that fails leaves no empty cache repository behind (a review found one per failed URL)
    before = set((cache / "git").iterdir())
    with pytest.raises(FetchError, match="git fetch failed"):
        fetch_git((source_repo.path.parent / "missing").as_uri(), "main", cache=cache)
    assert set((cache / "git").iterdir()) == before


def test_fetch_git_local_path_and_unknown_rev(source_repo: SourceRepo, tmp_path: Path) -> None:
    path, sha = fetch_git(str(source_repo.path), "v1", cache=tmp_path / "cache")
    assert sha == source_repo.v1
    with pytest.raises(SourceError, match="unknown git revision"):
        fetch_git(str(source_repo.path), "no-such-tag", cache=tmp_path / "cache")


# ---- PyPI ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,version",
    [
        ("-r", "1.0"),
        ("--index-url=http://evil", "1.0"),
        ("demo pkg", "1.0"),
        ("demo", "1.0; rm -rf /"),
        ("demo", "-1"),
        ("demo", ""),
        ("", "1.0"),
    ],
)
def test_fetch_pypi_refuses_bad_names(tmp_path: Path, name: str, version: str) -> None:
    with pytest.raises(FetchError, match="invalid"):
        fetch_pypi(name, version, sha256=None, cache=tmp_path)
    assert not (tmp_path / "pypi").exists()


def test_fetch_pypi_refuses_bad_hash_and_options(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="invalid sha256"):
        fetch_pypi("demo", "1.0", sha256="abc", cache=tmp_path)
    with pytest.raises(FetchError, match="invalid platform"):
        fetch_pypi("demo", "1.0", sha256=None, platform="--pre", cache=tmp_path)
    with pytest.raises(FetchError, match="invalid file name"):
        fetch_pypi("demo", "1.0", sha256=None, filename="../x.whl", cache=tmp_path)


def _index(wheel_dir: Path) -> list[str]:
    return ["--no-index", "--find-links", str(wheel_dir)]


def test_fetch_pypi_hash_mismatch_deletes_download(tmp_path: Path, wheel_dir: Path) -> None:
    wrong = "0" * 64
    with pytest.raises(FetchError, match=f"expected {wrong}, got [0-9a-f]{{64}}"):
        fetch_pypi("demo-pkg", "1.0", sha256=wrong, cache=tmp_path / "cache", index_args=_index(wheel_dir))
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_a_release_the_index_lacks_is_said_in_one_short_line(tmp_path: Path, wheel_dir: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_pypi("demo-pkg", "9.9", sha256=None, cache=tmp_path / "cache", index_args=_index(wheel_dir))
    said = str(caught.value)
    assert "No matching distribution found for demo-pkg==9.9" in said, said
    assert "\n" not in said and "WARNING" not in said and "from versions" not in said and len(said) < 200, said


def test_fetch_pypi_caches_and_reverifies(
    tmp_path: Path, wheel_dir: Path, sha256_of: Callable[[Path], str]
) -> None:
    cache = tmp_path / "cache"
    wheel = next(wheel_dir.glob("*.whl"))
    digest = sha256_of(wheel)
    got = fetch_pypi("Demo_Pkg", "1.0", sha256=digest, cache=cache, index_args=_index(wheel_dir))
    assert got.name == wheel.name and got.read_bytes() == wheel.read_bytes()
    assert got.is_relative_to(cache / "pypi" / "demo-pkg-1.0")
    assert not any((cache / "pypi" / ".tmp").iterdir())
    empty = tmp_path / "empty"
    empty.mkdir()
    # Reused from the cache: the index is now empty, so pip would fail.
    assert fetch_pypi("demo-pkg", "1.0", sha256=digest, cache=cache, index_args=_index(empty)) == got
    assert fetch_pypi("demo-pkg", "1.0", sha256=None, cache=cache, index_args=_index(empty)) == got
    got.write_bytes(got.read_bytes() + b"tampered")
    with pytest.raises(FetchError, match="pip download failed"):  # re-verified, discarded, refetch fails
        fetch_pypi("demo-pkg", "1.0", sha256=digest, cache=cache, index_args=_index(empty))
    assert not got.exists()


def test_an_unchanged_cached_artefact_is_hashed_once_per_process(
    tmp_path: Path, wheel_dir: Path, sha256_of: Callable[[Path], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index build opens each wheel twice; a file changed since (same size, new bytes) is hashed again."""
    cache, empty = tmp_path / "cache", tmp_path / "empty"
    empty.mkdir()
    wheel = next(wheel_dir.glob("*.whl"))
    digest = sha256_of(wheel)
    got = fetch_pypi("demo-pkg", "1.0", sha256=digest, cache=cache, index_args=_index(wheel_dir))
    hashed: list[Path] = []
    real = fetch_module.file_sha256

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(fetch_module, "file_sha256", counting)
    for _ in range(3):
        assert fetch_pypi("demo-pkg", "1.0", sha256=digest, cache=cache, index_args=_index(empty)) == got
    assert hashed == [got]
    data = bytearray(got.read_bytes())
    data[-1] ^= 1
    before = got.stat().st_mtime_ns
    got.write_bytes(bytes(data))
    os.utime(got, ns=(before + 1_000_000_000, before + 1_000_000_000))
    with pytest.raises(FetchError, match="pip download failed"):  # hashed again, discarded, refetch fails
        fetch_pypi("demo-pkg", "1.0", sha256=digest, cache=cache, index_args=_index(empty))
    assert not got.exists() and len(hashed) == 2


def test_fetch_git_short_sha_after_a_shallow_fetch(
    source_repo: SourceRepo, tmp_path: Path, run_git: Callable[..., str]
) -> None:
    (source_repo.path / "c.py").write_text("C = 3\n")
    run_git(source_repo.path, "add", "c.py")
    run_git(source_repo.path, "commit", "-q", "-m", "three")  # v2 is now an untagged inner commit
    url, cache = source_repo.path.as_uri(), tmp_path / "cache"
    path, _ = fetch_git(url, "main", cache=cache)
    assert (path / "shallow").is_file()  # depth 1: v2 is not in the cache yet
    assert fetch_git(url, source_repo.v2[:8], cache=cache) == (path, source_repo.v2)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/repo.git", "git://127.0.0.1:9/repo.git"])
def test_git_itself_refuses_other_transports(tmp_path: Path, url: str) -> None:
    """Defence in depth: even past our URL check, GIT_ALLOW_PROTOCOL stops http:// and git://."""
    repository = git.Repo.init(tmp_path / "bare.git", bare=True)
    repository.git.update_environment(**GIT_ENV)
    with pytest.raises(FetchError, match="transport '(http|git)' not allowed"):
        _fetch_rev(repository, url, "main", 30, source=url)
    repository.close()


def test_cache_dir_that_cannot_be_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "file" / "cache"))
    with pytest.raises(FetchError, match="cannot create the cache directory"):
        cache_dir()


def test_a_host_that_accepts_and_stalls_is_given_up_with_a_clear_reason(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that takes the TCP connection and never answers the TLS handshake held `git fetch`
    for as long as anyone waited (a stranger's review stopped it after 200 to 392 s): the fetch
    now has a deadline ($LINEAGE_GIT_TIMEOUT), is not tried a second time, and says why it failed."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])  # taken, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setenv("LINEAGE_GIT_TIMEOUT", "2")
    try:
        with pytest.raises(FetchError, match=r"no answer within 2 s \(the host took the connection and stalled"):
            fetch_git(f"https://127.0.0.1:{server.getsockname()[1]}/x/y.git", "main", cache=tmp_path)
        assert len(held) == 1  # one attempt only
        assert not any((tmp_path / "git").iterdir())  # and no empty cache repository left behind
    finally:
        server.close()
        for conn in held:
            conn.close()
