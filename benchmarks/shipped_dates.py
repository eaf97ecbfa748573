"""When each family of a PyPI-pinned source was first shipped: the first release of the package
whose files hold a file the pinned release has of the family, and that release's upload date; and,
where later, the first holding all of them (`whole`).

usage: python benchmarks/shipped_dates.py corpora/sglang.toml [corpora/vllm.toml ...] > table.toml

A serving engine's or framework's port of a model is dated by the model (its first-seen date),
but the engine's file did not exist before the engine shipped it: SGLang's Pixtral port is dated
2024-09-11 with the model, though SGLang shipped `pixtral.py` months later.  Time travel
(index/restrict.public_dates) takes the later of the two, so a scan dated before the port
shipped is not matched against it.  The table this writes (corpora/shipped.toml) holds facts
read from the package index: every release of the package up to the pinned one, oldest first,
each as its smallest sdist or wheel, listed (never unpacked, never run).  A pinned file of a
family stands in a release at its path, or, for a file that has moved since, as a member of the
same name holding most of its code lines under a folder or name of its own (not another model's
generic `modeling.py`), or in the same folder under the name it had before dropping a version
suffix (SGLang's llama2.py, now llama.py; mlx-lm's phi2.py, now phi.py) that no pinned file has
now.  A port rewritten under another new name is dated by its first release under that name:
later, never earlier, than the truth (time travel then keeps it out a little longer,
and a scan dated in between sees the match as an anachronism).  A family whose files came in
over several releases (SGLang's mixtral.py, then mixtral_quant.py) is dated by its first file;
`whole` says when the last came, for dating each file apart (not done yet: time travel keeps
families, not files).
"""

from __future__ import annotations

import io
import re
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lineage.index.build import fetch_sources  # noqa: E402
from lineage.index.manifest import family_of, load_manifest  # noqa: E402
from lineage.source.released import (PYPI_SIMPLE, UPLOAD_TIME, open_https, page_files,  # noqa: E402
                                     project_page, version_of)

# bytes: an sdist or wheel to list (LMDeploy 0.2.6 shipped only 95 MB wheels); larger ones are skipped
MAX_ARTEFACT = 250_000_000


def _artefacts(package: str, pinned_upload: str) -> list[tuple[str, str, str, str]]:
    """(upload time, version, filename, url) per release up to the pinned one, oldest first: the
    release's smallest sdist or wheel (a wheel of any platform lists the same Python files)."""
    best: dict[str, tuple[int, str, str, str]] = {}
    for f in page_files(project_page(PYPI_SIMPLE, package)):
        name, size, when = str(f.get("filename", "")), int(f.get("size") or 0), str(f.get("upload-time") or "")
        if not name.endswith((".tar.gz", ".zip", ".whl")) or not when:
            continue
        if f.get("yanked") or when > pinned_upload or size > MAX_ARTEFACT:
            continue
        version = version_of(name)
        if version and (version not in best or size < best[version][0]):
            best[version] = (size, when, name, str(f["url"]))
    return sorted((when, version, name, url) for version, (_, when, name, url) in best.items())


class _Release:
    """One release's artefact in memory: member paths (an sdist's top folder, "pkg-1.0/", taken
    off) and, on demand, a member's text."""

    def __init__(self, name: str, data: bytes) -> None:
        self.zip = name.endswith((".whl", ".zip"))
        archive: Any = zipfile.ZipFile(io.BytesIO(data)) if self.zip else \
            tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
        self.archive = archive
        raw: list[str] = archive.namelist() if self.zip else archive.getnames()
        strip = not name.endswith(".whl")
        self.paths = {(n.split("/", 1)[1] if strip else n): n for n in raw if not strip or "/" in n}
        self.by_name: dict[str, list[str]] = {}
        for path in self.paths:
            self.by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)

    def text(self, path: str) -> str:
        member = self.paths[path]
        handle = self.archive.open(member) if self.zip else self.archive.extractfile(member)
        return "" if handle is None else handle.read(MAX_FILE).decode("utf-8", "replace")


MAX_FILE = 2_000_000
SAME_FILE = 0.6  # share of distinct code lines two versions of a moved file have in common


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) > 8 and not line.strip().startswith("#")}


def _has(release: _Release, path: str, lines: set[str], own: frozenset[str]) -> bool:
    """The release holds this pinned file: at its path, or moved under another folder as a member
    of the same name holding SAME_FILE of its distinct code lines (torchtitan moved
    models/llama3/model/model.py to models/llama3/model.py; its code was shipped before it stood
    where it stands now), whose path has a component of the file's own (``own``: a folder or name
    no other family's files have: a generic `modeling.py` of another model is no earlier copy)."""
    if path in release.paths:
        return True
    name = path.rsplit("/", 1)[-1]
    for other in release.by_name.get(name, ()):
        if own & set(other.split("/")) and lines and len(lines & _lines(release.text(other))) >= SAME_FILE * len(lines):
            return True
    return False


_VERSION_SUFFIX = re.compile(r"(?:_?v?\d+)+$")


def _renamed(release: _Release, path: str, stems: frozenset[str]) -> bool:
    """The release holds this pinned file under an earlier name in the same folder: its stem with a
    version suffix the current name dropped (SGLang's models/llama2.py became models/llama.py in
    0.1.18; the port had shipped since 0.1.0), a name no pinned file of the source has now
    (``stems``: qwen2.py is the qwen2 family's file, never an earlier qwen.py)."""
    folder, _, name = path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    for other in release.paths:
        where, _, other_name = other.rpartition("/")
        other_stem, _, other_suffix = other_name.rpartition(".")
        if where == folder and other_suffix == suffix and other_stem not in stems and other_stem != stem \
                and _VERSION_SUFFIX.sub("", other_stem) == stem:
            return True
    return False


def _own_components(files: dict[str, dict[str, set[str]]]) -> dict[str, frozenset[str]]:
    """Per pinned file, the components of its path (folders and name) no other family's files have."""
    users: dict[str, set[str]] = {}
    for fam, paths in files.items():
        for path in paths:
            for part in path.split("/"):
                users.setdefault(part, set()).add(fam)
    return {path: frozenset(p for p in path.split("/") if users[p] == {fam})
            for fam, paths in files.items() for path in paths}


def shipped(manifest_path: str) -> tuple[str, dict[str, tuple[str, str, str, str]]]:
    """(package, {family: (version, upload date) of the first release holding a file the pinned
    release has of the family, then of the first holding every such file, or ("", ""))} for a pypi
    manifest.  Time travel reads the first: the port is no older than it.  Files a family gained
    later (SGLang's mixtral_quant.py, releases after mixtral.py) are no older than the second."""
    manifest = load_manifest(manifest_path)
    raw = tomllib.loads(Path(manifest_path).read_text(encoding="utf-8"))["source"]
    package, pinned, filename = str(raw["package"]), str(raw["version"]), str(raw["filename"])
    page = page_files(project_page(PYPI_SIMPLE, package))
    pinned_upload = next(str(f["upload-time"]) for f in page if f.get("filename") == filename)
    families = {f.name for f in manifest.families}
    pinned_files: dict[str, dict[str, set[str]]] = {}
    for sf in fetch_sources(manifest)[0]:
        fam = family_of(sf.path, manifest)
        if fam is not None:
            pinned_files.setdefault(fam.name, {})[sf.path] = _lines(sf.data.decode("utf-8", "replace"))
    own = _own_components(pinned_files)
    stems = frozenset(p.rsplit("/", 1)[-1].rpartition(".")[0] for paths in pinned_files.values() for p in paths)
    held: dict[str, set[str]] = {}  # family -> its pinned files some release read so far held
    found: dict[str, tuple[str, str]] = {}  # family -> (version, day) of the first release holding a file of it
    complete: dict[str, tuple[str, str]] = {}  # ... holding every file of it
    for when, version, name, url in _artefacts(package, pinned_upload):
        if len(complete) == len(families):
            break
        with open_https(url, timeout=120) as response:
            release = _Release(name, response.read(MAX_ARTEFACT + 1))
        date = UPLOAD_TIME.match(when)
        day = date.group(1) if date else when[:10]
        for fam_name in sorted(families - set(complete)):
            files = pinned_files.get(fam_name, {})
            seen = held.setdefault(fam_name, set())
            seen |= {p for p in files if p not in seen and (_has(release, p, files[p], own[p])
                                                            or _renamed(release, p, stems))}
            if seen and fam_name not in found:
                found[fam_name] = (version, day)
            if files and len(seen) == len(files):
                complete[fam_name] = (version, day)
        print(f"{package} {version} ({when[:10]}): {len(found)} of {len(families)} families shipped, "
              f"{len(complete)} whole", file=sys.stderr)
    for missing in sorted(families - set(found)):  # (the pinned release's own listing was too large to read)
        print(f"{package}: {missing} not found in any release read (pinned {pinned})", file=sys.stderr)
    return package, {f: (*found[f], *complete.get(f, ("", ""))) for f in found}


def main(paths: list[str]) -> None:
    print("# Written by benchmarks/shipped_dates.py from the package index: per source, the first release")
    print("# of the package holding a file of each family, and its upload date (facts, not code).")
    print("# A section applies to the index's source of that name whose pinned artefact has that sha256.")
    print("# `whole`: where later, the first release holding every file of the family (files it gained later).")
    for path in paths:
        package, found = shipped(path)
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))["source"]
        print(f'\n[{load_manifest(path).name}]\npackage = "{package}"\nversion = "{raw["version"]}"\n'
              f'sha256 = "{raw["sha256"]}"\n')
        for fam in sorted(found):
            version, date, whole_version, whole = found[fam]
            last = f', whole = "{whole}", whole_version = "{whole_version}"' if whole and whole != date else ""
            print(f'family.{fam} = {{ shipped = "{date}", version = "{version}"{last} }}')


if __name__ == "__main__":
    main(sys.argv[1:])
