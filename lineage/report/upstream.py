"""Package URLs and upstream links for reference matches (what SCANOSS and ScanCode users expect).

Every match gets a purl built from its source label: ``pkg:pypi/NAME@VERSION#path`` for a
pinned wheel, ``pkg:github/OWNER/REPO@COMMIT#path`` (or GitLab, Bitbucket) for a git source
on a public forge, ``pkg:generic/...`` otherwise.  An upstream URL is given only where one is
known to be public and stable: the file and lines at the pinned commit on a public forge, or,
for any other source, the project's repository when its manifest names one (a file inside a
pinned wheel has no stable public address).  Nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from packageurl import PackageURL

from lineage.models import IndexInfo, IndexSource, RefUnit

# forge host -> (purl type, blob URL pattern)
FORGES = {
    "github.com": ("github", "https://github.com/{owner}/{repo}/blob/{rev}/{path}#L{start}-L{end}"),
    "gitlab.com": ("gitlab", "https://gitlab.com/{owner}/{repo}/-/blob/{rev}/{path}#L{start}-{end}"),
    "bitbucket.org": ("bitbucket", "https://bitbucket.org/{owner}/{repo}/src/{rev}/{path}#lines-{start}:{end}"),
}
_FORGE_URL = re.compile(
    r"^(?:https://|git@|ssh://git@)(?P<host>[^/:@]+)[/:](?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")
_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True)
class Upstream:
    """Where a reference unit comes from: its package URL and, when public, a web link."""

    purl: str
    url: str | None
    of_file: bool = False  # ``url`` shows the reference file and lines (not only the project)


@lru_cache(maxsize=4096)  # (a scan names the same reference files thousands of times)
def _pypi(label: str, path: str) -> str | None:
    name, sep, version = label.partition("==")
    if not sep or not name or not version:
        return None
    return PackageURL(type="pypi", name=name, version=version, subpath=path or None).to_string()


def _git(label: str, ref: RefUnit) -> Upstream | None:
    url, sep, rev = label.rpartition("@")
    if not sep or not url or not _COMMIT.match(rev):
        return None
    found = _FORGE_URL.match(url)
    if found and found["host"] in FORGES:
        kind, pattern = FORGES[found["host"]]
        purl = PackageURL(type=kind, namespace=found["owner"], name=found["repo"], version=rev,
                          subpath=ref.path or None).to_string()
        link = pattern.format(owner=found["owner"], repo=found["repo"], rev=rev, path=quote(ref.path),
                              start=max(1, ref.start_line), end=max(1, ref.start_line, ref.end_line))
        return Upstream(purl, link, of_file=True)
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or "source"
    vcs = f"git+{url}@{rev}" if "://" in url else None  # a local path is nobody else's address
    purl = PackageURL(type="generic", name=name, version=rev, qualifiers={"vcs_url": vcs} if vcs else None,
                      subpath=ref.path or None).to_string()
    return Upstream(purl, None)


def upstream(ref: RefUnit, repositories: dict[str, str] | None = None) -> Upstream:
    """The package URL of a reference unit, and its public web link when there is one.

    ``repositories`` maps a source label (``transformers==5.23.0``) to the project's public
    repository as its manifest names it."""
    label = ref.source
    if "==" in label:
        purl = _pypi(label, ref.path)
        if purl is not None:
            return Upstream(purl, (repositories or {}).get(label) or None)
    if "@" in label:
        found = _git(label, ref)
        if found is not None:
            return found if found.url else Upstream(found.purl, (repositories or {}).get(label) or None)
    name = label.removeprefix("dir:") or "source"
    return Upstream(PackageURL(type="generic", name=name, subpath=ref.path or None).to_string(),
                    (repositories or {}).get(label) or None)


def repositories(index: IndexInfo) -> dict[str, str]:
    """Source label -> public repository, for the sources whose manifest names one."""
    return {s.label: s.repository for s in index.sources if s.label and s.repository}


def source_purl(label: str) -> str:
    """The purl of a whole reference source (no subpath): the package an SBOM lists."""
    return upstream(RefUnit("", "", "", "", label, "", "", 0, 0)).purl


def source_label(s: IndexSource) -> str:
    """How matches name an index source (``RefUnit.source``), rebuilt when the index does not
    record it (the manifest's name stands in for a PyPI package's)."""
    if s.label:
        return s.label
    if s.kind == "pypi":
        return f"{s.name}=={s.version}"
    if s.kind == "git":
        return f"{s.url}@{s.version}"
    return f"dir:{s.name}"
