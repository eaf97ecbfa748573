"""Download pinned references into a local cache: PyPI artefacts (via pip) and git repos.

Every input that reaches a subprocess is validated first (no option injection, no
remote-helper transports), pip runs with an argument list and binary-only downloads
(an sdist would run its build backend), a downloaded artefact's sha256 is checked before
it enters the cache, and a cached artefact is re-hashed every time it is reused.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lineage.errors import FetchError, SourceError

if TYPE_CHECKING:
    import git

_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_VERSION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.!+_-]*[A-Za-z0-9])?$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_PYVER = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_PLATFORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+!-]*$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_SCP = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:(?!//)[^\x00-\x20\x7f]+$")
_URL = re.compile(
    r"^(https|ssh|file)://(?:[A-Za-z0-9_][A-Za-z0-9._%-]*@)?([^/@:]*)(?::[0-9]+)?(/[^\x00-\x20\x7f]*)?$"
)
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PROTOCOL_FROM_USER": "0",
    # Only these transports may run at all; http://, git:// and remote helpers are refused.
    "GIT_ALLOW_PROTOCOL": "file:https:ssh",
}


GIT_TIMEOUT = 600.0  # seconds a fetch may take in all ($LINEAGE_GIT_TIMEOUT): a host that accepts and stalls
# (a TLS handshake never answered) is given up, as is a transfer slower than 1 kB/s for a minute
SSH_OPTIONS = "ssh -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4"


def _stall_env(repository: git.Repo) -> dict[str, str]:
    """Environment that keeps a stalled server from holding a fetch: curl's low-speed limit, and
    ssh options unless the user chose an ssh command of their own (GIT_SSH_COMMAND, GIT_SSH or
    core.sshCommand stay theirs)."""
    env = {"GIT_HTTP_LOW_SPEED_LIMIT": os.environ.get("GIT_HTTP_LOW_SPEED_LIMIT", "1000"),
           "GIT_HTTP_LOW_SPEED_TIME": os.environ.get("GIT_HTTP_LOW_SPEED_TIME", "60")}
    if not (os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH")):
        from git.exc import GitCommandError

        try:
            own = repository.git.config("--get", "core.sshCommand")
        except GitCommandError:  # (unset: git config exits 1)
            own = ""
        if not own:
            env["GIT_SSH_COMMAND"] = SSH_OPTIONS
    return env


def git_timeout() -> float:
    """``$LINEAGE_GIT_TIMEOUT`` seconds (a positive number), else GIT_TIMEOUT."""
    try:
        value = float(os.environ.get("LINEAGE_GIT_TIMEOUT", "") or GIT_TIMEOUT)
    except ValueError:
        return GIT_TIMEOUT
    return value if value > 0 else GIT_TIMEOUT


def cache_dir() -> Path:
    """``$LINEAGE_CACHE``, else ``$XDG_CACHE_HOME/lineage``, else ``~/.cache/lineage``; created."""
    explicit = os.environ.get("LINEAGE_CACHE")
    if explicit:
        path = Path(explicit).expanduser()
    elif os.environ.get("XDG_CACHE_HOME"):
        path = Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "lineage"
    else:
        path = Path.home() / ".cache" / "lineage"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise FetchError(f"cannot create the cache directory: {reason}", source=str(path)) from None
    return path


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# cached artefacts this process has hashed, as (path, inode, size, mtime, sha256): an index build
# opens each wheel twice (model files, then the configuration modules beside them), and the
# second hash check of the same unchanged file would find what the first found
_VERIFIED: set[tuple[str, int, int, int, str]] = set()


def _hash_matches(path: Path, expected: str) -> bool:
    """Whether the file's sha256 is ``expected`` (lower-case hex); unchanged files are hashed once."""
    info = path.stat()
    key = (str(path), info.st_ino, info.st_size, info.st_mtime_ns, expected)
    if key in _VERIFIED:
        return True
    if file_sha256(path) != expected:
        return False
    _VERIFIED.add(key)
    return True


def _check(pattern: re.Pattern[str], value: str | None, what: str, source: str) -> None:
    if value is not None and not pattern.match(value):
        raise FetchError(f"invalid {what}: {value!r}", source=source)


def _cached(target_dir: Path, filename: str | None, sha256: str | None) -> Path | None:
    """A cached artefact whose hash still matches (the pin, or the hash recorded at download)."""
    if not target_dir.is_dir():
        return None
    names = (  # (beside an artefact: its hash and upload-date records, and a download under way)
        [filename] if filename else [p.name for p in target_dir.iterdir()
                                     if not p.name.endswith((".sha256", ".released")) and not p.name.startswith(".")]
    )
    if len(names) != 1 or not (target_dir / names[0]).is_file():
        return None
    path = target_dir / names[0]
    record = target_dir / f"{names[0]}.sha256"
    expected = sha256 or (record.read_text().strip() if record.is_file() else None)
    if expected and _hash_matches(path, expected.lower()):
        return path
    path.unlink(missing_ok=True)  # corrupt or tampered: fetch again
    record.unlink(missing_ok=True)
    return None


def fetch_pypi(
    name: str,
    version: str,
    *,
    sha256: str | None,
    filename: str | None = None,
    python_version: str | None = None,
    platform: str | None = None,
    cache: Path | None = None,
    index_args: Sequence[str] = (),
    timeout: float = 900.0,
) -> Path:
    """Download one binary artefact of ``name==version`` into the cache and return its path."""
    spec = f"{name}=={version}"
    _check(_NAME, name, "package name", spec)
    _check(_VERSION, version, "version", spec)
    _check(_SHA256, sha256, "sha256", spec)
    _check(_FILENAME, filename, "file name", spec)
    _check(_PYVER, python_version, "python version", spec)
    _check(_PLATFORM, platform, "platform", spec)
    normalised = normalised_name(name)
    selector = (
        f"py{python_version or 'any'}-{platform or 'any'}"
        if python_version or platform
        else f"native-py{sys.version_info[0]}{sys.version_info[1]}-{sysconfig.get_platform()}"
    )
    target_dir = (cache or cache_dir()) / "pypi" / f"{normalised}-{version}" / _safe(selector)
    hit = _cached(target_dir, filename, sha256)
    if hit is not None:
        return hit
    staging = (cache or cache_dir()) / "pypi" / ".tmp"
    staging.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=staging))
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "--quiet", "-d", str(tmp)]  # fmt: skip
        if python_version:
            cmd += ["--python-version", python_version]
        if platform:
            cmd += ["--platform", platform]
        cmd += [*index_args, "--", spec]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FetchError(f"pip download failed: {exc}", source=spec) from None
        if done.returncode != 0:
            raise FetchError(f"pip download failed: {_pip_reason(done.stderr, done.returncode)}", source=spec)
        found = sorted(p for p in tmp.iterdir() if p.is_file() and (filename is None or p.name == filename))
        if len(found) != 1:
            listed = ", ".join(p.name for p in tmp.iterdir()) or "nothing"
            raise FetchError(f"expected one artefact{f' named {filename}' if filename else ''}, got {listed}",
                             source=spec)  # fmt: skip
        actual = file_sha256(found[0])
        if sha256 is not None and actual != sha256.lower():
            raise FetchError(f"sha256 mismatch for {found[0].name}: expected {sha256.lower()}, got {actual}",
                             source=spec)  # fmt: skip
        target_dir.mkdir(parents=True, exist_ok=True)
        record = tmp / f"{found[0].name}.sha256"
        record.write_text(actual + "\n")
        final = target_dir / found[0].name
        os.replace(found[0], final)
        os.replace(record, target_dir / record.name)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def normalised_name(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503): gpt_oss, GPT-OSS and gpt.oss are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "x"


def normalise_git_url(url: str) -> str:
    """Validate a git URL (https, ssh, scp-like, file, existing local path); return it.

    ``http://`` and ``git://`` are refused: neither authenticates the server, so the
    content could be swapped in transit.  Local paths become ``file://`` URLs.
    """
    if not url or url.startswith("-") or _CONTROL.search(url):
        raise SourceError(f"refusing git URL: {url!r}")
    if "::" in url or url.lower().startswith(("ext:", "fd:")):
        raise SourceError(f"refusing git remote-helper URL: {url!r}")
    match = _URL.match(url)
    if match:
        if match.group(2).startswith("-"):
            raise SourceError(f"refusing git URL with a host starting with '-': {url!r}")
        return url
    if _SCP.match(url):
        return url
    if "://" not in url and os.path.isdir(url):
        return Path(url).resolve().as_uri()
    raise SourceError(
        f"unsupported git URL (use https://, ssh://, git@host:path, file:// or a local path): {url!r}"
    )


def is_git_url(text: str) -> bool:
    """True for text ``normalise_git_url`` would accept as a remote (not a local path)."""
    return bool(_URL.match(text) or _SCP.match(text)) and "::" not in text


def _fetch_rev(repository: git.Repo, remote_url: str, rev: str, timeout: float | None, *, source: str) -> str:
    """Fetch ``rev`` (depth 1 if the server allows), falling back to all branches and tags."""
    from git.exc import GitCommandError

    from lineage.source.gitrev import resolve_commit

    if "origin" in repository.remotes:
        remote = repository.remotes.origin
        if remote.url != remote_url:
            remote.set_url(remote_url)
    else:
        remote = repository.create_remote("origin", remote_url)
    try:
        remote.fetch(
            rev, kill_after_timeout=timeout, allow_unsafe_protocols=False, allow_unsafe_options=False,
            depth=1, no_tags=True,
        )  # fmt: skip
        return resolve_commit(repository, "FETCH_HEAD", source=source).hexsha
    except GitCommandError as exc:
        if _stalled(exc, timeout):  # (no second try: the host stalls whatever is asked)
            raise FetchError(f"git fetch failed: {_stall_reason(timeout)}", source=source) from None
    except SourceError:
        pass  # a short sha, or a server refusing to serve a sha directly
    # Earlier depth-1 fetches left a shallow repository: get the full history this time.
    shallow = (Path(repository.git_dir) / "shallow").exists()
    refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
    try:
        remote.fetch(
            refspecs, kill_after_timeout=timeout, allow_unsafe_protocols=False, allow_unsafe_options=False,
            unshallow=shallow,  # gitpython drops a False option
        )  # fmt: skip
    except GitCommandError as exc:
        said = _stall_reason(timeout) if _stalled(exc, timeout) else (exc.stderr or "").strip()
        raise FetchError(f"git fetch failed: {said}", source=source) from None
    return resolve_commit(repository, rev, source=source).hexsha


def _stalled(exc: git.GitCommandError, timeout: float | None) -> bool:
    """The fetch was killed at its deadline (gitpython's kill_after_timeout)."""
    return timeout is not None and (exc.status in (-9, 9, -15, 15) or "Timeout" in str(exc.stderr or ""))


def _stall_reason(timeout: float | None) -> str:
    return f"no answer within {timeout or 0:.0f} s (the host took the connection and stalled; $LINEAGE_GIT_TIMEOUT)"


def fetch_git(
    url: str, rev: str, *, cache: Path | None = None, timeout: float | None = None
) -> tuple[Path, str]:
    """Fetch ``rev`` of ``url`` into a bare cached repository; return (repo path, commit sha)."""
    import git  # imported here: PyPI, hashing and URL checks must work without git installed
    from git.exc import GitCommandError, UnsafeOptionError, UnsafeProtocolError

    from lineage.source.gitrev import resolve_commit

    remote_url = normalise_git_url(url)
    if not rev or not _REF.match(rev) or ".." in rev:
        raise SourceError(f"refusing git revision {rev!r} (expected a branch, tag or commit sha)", source=url)
    key = hashlib.sha256(remote_url.encode()).hexdigest()[:16]
    stem = _safe(remote_url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git"))
    path = (cache or cache_dir()) / "git" / f"{stem}-{key}.git"
    fresh = not path.is_dir()  # (a cache repository made for a fetch that fails is removed again)
    try:
        repository = git.Repo(path) if not fresh else git.Repo.init(path, bare=True)
    except (GitCommandError, git.InvalidGitRepositoryError, OSError) as exc:
        raise FetchError(f"cannot open cache repository {path}: {exc}", source=url) from None
    try:
        try:
            repository.git.update_environment(**GIT_ENV, **_stall_env(repository))
            if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", rev):
                try:  # an exact commit already cached needs no network
                    return path, resolve_commit(repository, rev, source=url).hexsha
                except SourceError:
                    pass
            sha = _fetch_rev(repository, remote_url, rev, git_timeout() if timeout is None else timeout, source=url)
            repository.git.update_ref(f"refs/lineage/{sha}", sha)  # keep the commit from being gc'd
            return path, sha
        except (UnsafeOptionError, UnsafeProtocolError) as exc:
            raise SourceError(f"refusing unsafe git input: {exc}", source=url) from None
        finally:
            repository.close()
    except (FetchError, SourceError):
        if fresh:  # (each failed URL had left an empty bare repository in the cache)
            shutil.rmtree(path, ignore_errors=True)
        raise


_PIP_NOISE = ("WARNING:", "DEPRECATION:", "[notice]")


def _pip_reason(stderr: str, code: int) -> str:
    """pip's reason for a failed download in one short line: "No matching distribution found for
    x==9" as it says it, without its warnings about the environment or its list of every version."""
    lines = [line.strip() for line in stderr.splitlines()
             if line.strip() and not line.strip().startswith(_PIP_NOISE)]
    said = next((line for line in lines if "No matching distribution found" in line), None) or \
        " ".join(re.sub(r"\(from versions: [^)]*\)", "", line) for line in lines[-2:]).strip()
    said = re.sub(r"^ERROR:\s*", "", said)
    return (said[:300] + "...") if len(said) > 300 else (said or f"exit code {code}")

