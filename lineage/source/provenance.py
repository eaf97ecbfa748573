"""Where a scanned directory sits in its git repository: what SARIF needs for GitHub.

GitHub maps a result to a repository file by its path from the repository root, so a scan of
a subdirectory must name the subdirectory too; ``versionControlProvenance`` names the remote,
commit and branch.  Everything is read from the repository's files by gitpython (no command
that runs hooks or filters), and a remote URL is reported without any credentials in it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>[^/\\][^\\]*)$")  # git@github.com:o/r.git


@dataclass(frozen=True)
class Provenance:
    """A scan root inside a git repository."""

    top: str  # absolute path of the git work tree's top level
    prefix: str  # the scan root relative to ``top``, posix, "" at the top
    uri: str  # public remote URL (https, no credentials), "" when none is known
    revision: str  # commit id, "" when the repository has none
    branch: str  # "" when detached or unknown

    def repo_path(self, path: str) -> str:
        """A scanned path (relative to the scan root) as a path from the repository root."""
        return f"{self.prefix}/{path}" if self.prefix else path


def public_uri(remote: str) -> str:
    """An https URL for a remote, with any user name or token taken out; "" for local paths."""
    scp = _SCP.match(remote)
    if scp and "://" not in remote:
        return f"https://{scp['host']}/{scp['path']}"
    parts = urlsplit(remote)
    if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
        return ""
    host = parts.hostname + (f":{parts.port}" if parts.port and parts.scheme in ("https", "http") else "")
    scheme = "https" if parts.scheme in ("ssh", "git") else parts.scheme
    return urlunsplit((scheme, host, parts.path, "", ""))


def find_provenance(root: str, revision: str | None = None) -> Provenance | None:
    """The git context of a scan root (a directory or file on disk), or None outside git."""
    if not root or not os.path.exists(root):
        return None
    try:
        import git

        base = Path(root).resolve()
        start = base if base.is_dir() else base.parent
        repo = git.Repo(start, search_parent_directories=True)
        if repo.working_tree_dir is None:
            return None
        top = Path(repo.working_tree_dir).resolve()
        prefix = start.relative_to(top).as_posix()
        reader = repo.config_reader()
        remote = str(reader.get_value('remote "origin"', "url", default="")) if reader.has_section(
            'remote "origin"') else ""
        commit = revision or (repo.head.commit.hexsha if repo.head.is_valid() else "")
        branch = "" if repo.head.is_detached or revision else repo.active_branch.name
    except Exception:  # noqa: BLE001 - no git, a broken repository, an unborn branch: no provenance
        return None
    return Provenance(str(top), "" if prefix == "." else prefix, public_uri(remote), commit, branch)
