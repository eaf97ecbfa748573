"""One worker task per reference file: its fingerprints and its architecture features together.

An index build used to fingerprint each source in a pool of its own and then parse every model
file a second time for the architecture section, in a second pool at the end.  Here each file is
decoded and parsed for fingerprints once, in one pool that lasts the whole build (no core idles
while a pool drains at a source boundary), and the architecture reader parses only what is left
of the file once the bodies it never reads are blanked out, using the spans that parse found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lineage.arch.section import file_features
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import CompactFile, compact_all
from lineage.models import SourceFile


@dataclass(frozen=True)
class FileJob:
    """A reference file, and what the build wants from it."""

    source: SourceFile
    source_index: int  # position of its manifest in the build
    fingerprint: bool  # indexed for code lineage (a configuration module is read for its interface only)
    family: str = ""  # "source:family" whose architecture print it adds to; "" for none


@dataclass(frozen=True)
class FileDone:
    """A worker's answer: the compact record (None when not asked) and the architecture features."""

    source_index: int
    compact: CompactFile | None
    family: str
    features: frozenset[str]


def run_job(args: tuple[FileJob, FingerprintParams]) -> FileDone:
    """Fingerprint and/or read the interface of one file (in a worker process)."""
    job, params = args
    cf = None
    if job.fingerprint:  # the text is kept only to be read again just below, never sent back
        cf = next(compact_all([job.source], params, keep_text=bool(job.family)))
    features = file_features(job.source, cf) if job.family else frozenset()
    if cf is not None and cf.text:
        cf = replace(cf, text="", sha1="")
    return FileDone(job.source_index, cf, job.family, features)
