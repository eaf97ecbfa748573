"""Shared fixtures for lineage.source tests: real git repositories and wheels in tmp_path."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}
LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
)


def git(cwd: Path, *args: str) -> str:
    """Run git with an isolated configuration; return stdout."""
    done = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


@dataclass
class SourceRepo:
    path: Path
    v1: str  # sha of the first commit (tag v1)
    v2: str  # sha of HEAD on main


@pytest.fixture
def source_repo(tmp_path: Path) -> SourceRepo:
    """A repository with two commits, a symlink blob, a gitlink, an LFS pointer, an excluded dir."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    write(repo, {"a.py": "A = 1\n", "pkg/b.py": "B = 2\n", "README.md": "hi\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    git(repo, "tag", "v1")
    v1 = git(repo, "rev-parse", "HEAD")
    write(
        repo, {"a.py": "A = 2\n", "lfs.py": LFS_POINTER, "node_modules/x.py": "X = 0\n", "big.py": "#" * 5000}
    )
    os.symlink("a.py", repo / "link.py")
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{v1},sub.py")
    git(repo, "commit", "-q", "-m", "two")
    return SourceRepo(repo, v1, git(repo, "rev-parse", "HEAD"))


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(directory: Path, name: str = "demo_pkg", version: str = "1.0", body: str = "X = 1\n") -> Path:
    """A minimal, valid pure-Python wheel, so pip can 'download' it from a local directory."""
    directory.mkdir(parents=True, exist_ok=True)
    dist = f"{name}-{version}.dist-info"
    members = {
        f"{name}/__init__.py": body.encode(),
        f"{name}/core.py": b"def f():\n    return 1\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{p},{_record_hash(d)},{len(d)}\n" for p, d in members.items()) + f"{dist}/RECORD,,\n"
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        zf.writestr(f"{dist}/RECORD", record)
    return path


@pytest.fixture
def wheel_dir(tmp_path: Path) -> Path:
    """A local 'index' directory holding one wheel, demo_pkg 1.0."""
    index = tmp_path / "index"
    build_wheel(index)
    return index


@pytest.fixture
def sha256_of() -> Callable[[Path], str]:
    return lambda p: hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def run_git() -> Callable[..., str]:
    """``run_git(cwd, *args)``: git with an isolated configuration."""
    return git


@pytest.fixture
def make_wheel() -> Callable[..., Path]:
    """``make_wheel(directory, name=..., version=..., body=...)`` -> wheel path."""
    return build_wheel
