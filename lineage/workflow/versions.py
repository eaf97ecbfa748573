"""What an exhibit must record to be redone: every version that can change a score, and
whether its file calibration was measured on the index it ran against."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

# distributions whose behaviour reaches a score: parsing, notice detection, the arithmetic
SCORING_PACKAGES = ("tree-sitter", "tree-sitter-python", "scancode-toolkit", "numpy")


@functools.cache
def code_digest() -> str:
    """SHA-256 of lineage's own Python source as installed (each module's path within the package and its
    bytes, in path order): the one version string a package reports stands for many states of the code,
    and an exhibit names the code that made it (a stranger's review: 93 commits under one version)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def score_versions() -> dict[str, str | None]:
    """Python and the installed versions of the packages a score depends on (None if absent)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in SCORING_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def calibration_provenance(calib: dict[str, Any] | None, index_id: str | None,
                           scores_id: str | None = None) -> dict[str, Any]:
    """Whether the calibration was computed on the index of this run, said plainly.  An index
    whose code-score content (``scores_id``: index/header.scores_digest) is the calibrated
    one's counts as the same: what differs is not scored (its architecture section, or the tables
    the build digests: an organisation added to organisations.toml rebuilds the index)."""
    measured_on = calib.get("index") if calib else None
    if calib is None:
        return {"calibration_index": None, "computed_on_this_index": None,
                "statement": "no calibration: files are not placed against unrelated pairs"}
    if index_id is None:
        return {"calibration_index": measured_on, "computed_on_this_index": False,
                "statement": f"the calibration was computed on index {measured_on or '(unrecorded)'}; this "
                             "exhibit ran without an index, so the figures come from another corpus"}
    same = measured_on == index_id
    if not same and scores_id is not None and calib.get("scores") == scores_id:
        return {"calibration_index": measured_on, "computed_on_this_index": True,
                "statement": f"the calibration was computed on index {measured_on}, whose code fingerprints this "
                             f"run's index {index_id} shares (scores digest {scores_id}; what differs is not scored: "
                             "architecture data or the tables the build digests)"}
    return {"calibration_index": measured_on, "computed_on_this_index": same,
            "statement": (f"the calibration was computed on this run's index {index_id}" if same else
                          f"the calibration was computed on index {measured_on or '(unrecorded)'}, not on "
                          f"this run's index {index_id}: file placements are indicative only "
                          "(benchmarks/calibrate.py measures them on a given index)")}
