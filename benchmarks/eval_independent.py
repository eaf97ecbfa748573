"""Independent implementations for `make eval`: each vendor's own reference code (Meta's
llama-models, OpenAI's gpt-oss, Google's JAX gemma, AI2's olmo-core, mistral-inference),
scanned against the transformers, vLLM and SGLang code of the same architectures, and against
every other indexed source (training frameworks, the Chinese platforms' code: not the other
vendors' own code).  Written apart from those, so no medium or high copy finding should appear.

Engines took some of that reference code in (an engine's Pixtral holds Mistral AI's vision
encoder, its Mllama Meta's patch embedding), so each source is scanned twice: as a third party
would scan its published package, knowing of its maker only what the package's own metadata says
(source/maker.py: its wheel's METADATA), and as its maker would before publishing, with
`--owner` naming the organisations of its manifest (matches to their own models are their own
code).  Time travel as the tool does it: a file is scanned against the engines' families whose
code was public on or before its own family's first-seen date (first seen, in a source public by
then, and shipped by that source by then: an engine's port is no older than the engine release
that first held its file, corpora/shipped.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lineage.api import open_index, scan_files
from lineage.config import Config
from lineage.index.restrict import public_dates, restrict

# each source's maker (the owner of its code; its families may model other makers' models)
INDEPENDENT = {"llama-models": "Meta", "gpt-oss": "OpenAI", "gemma": "Google", "ai2-olmo-core": "AI2",
               "mistral-inference": "Mistral AI"}
ENGINES = ("transformers", "vllm", "sglang")


def independent(index_path: str, progress: Callable[[str], None]) -> dict[str, Any]:
    """Per independent source: files, units, medium/high code findings and copy verdicts."""
    from lineage.api import default_manifests
    from lineage.index.build import fetch_sources
    from lineage.index.manifest import family_of, load_manifest

    full = open_index(index_path)
    public = public_dates(full)
    rows: list[dict[str, Any]] = []
    for path in default_manifests():
        manifest = load_manifest(path)
        if manifest.name not in INDEPENDENT:
            continue
        files, _, _ = fetch_sources(manifest)
        by_date: dict[str, list[Any]] = {}
        for sf in files:
            fam = family_of(sf.path, manifest)
            by_date.setdefault(fam.first_seen if fam is not None else "", []).append(sf)
        owners = (INDEPENDENT[manifest.name],)
        makers = _package_makers(manifest)
        for against, sources in AGAINST:
            row: dict[str, Any] = {"source": manifest.name, "against": against, "files": len(files),
                                   "owners": list(owners), "units": 0,
                                   "makers": [f"{m.org} ({m.said.split(': ', 1)[0]})" for m in makers]}
            for key, config in (("", Config(workers=2)), ("owner_", Config(workers=2, owner=owners))):
                severe: list[Any] = []
                copies: list[str] = []
                units = 0
                for date, group in sorted(by_date.items()):
                    index = restrict(full, _before(date, sources or _others(full, manifest.name), public),
                                     f"as of {date or 'any date'}")
                    result, _ = scan_files(group, index, config, makers=makers)
                    units += result.units_scanned
                    severe += [f for f in result.findings
                               if f.kind == "code-match" and f.severity in ("medium", "high")]
                    worst = {f.path for f in severe if f.path in result.summary.files}
                    copies += [p for p, r in result.summary.files.items()
                               if " copy of " in f" {r.verdict}" and p in worst]  # copy verdicts of medium or high
                row |= {"units": units, f"{key}medium_high_code_findings": len(severe),
                        f"{key}copy_verdicts": len(copies),
                        f"{key}examples": [f"{f.path}:{f.unit} ~ {f.matches[0].ref.family} ({f.severity})"
                                           for f in severe[:5]]}
            rows.append(row)
            progress(f"independent {manifest.name} against {against}: {row['medium_high_code_findings']} "
                     f"medium/high, {row['copy_verdicts']} copy verdicts; with --owner "
                     f"{row['owner_medium_high_code_findings']}, {row['owner_copy_verdicts']}")
    return {"rows": rows}


# what each source is scanned against: the serving engines, and every other indexed source
# (training frameworks too: they hold ports of the vendors' models under their own notices)
AGAINST: tuple[tuple[str, tuple[str, ...]], ...] = (("engines", ENGINES), ("all other sources", ()))


def _package_makers(manifest: Any) -> Any:
    """The makers the source's published wheel names in its METADATA (source/maker.py), as a scan
    of the wheel reads them; () for a source that is no wheel."""
    import zipfile

    from lineage.source.fetch import fetch_pypi
    from lineage.source.maker import declared_makers, is_metadata

    if manifest.kind != "pypi":
        return ()
    wheel = fetch_pypi(manifest.package, manifest.version, sha256=manifest.sha256, filename=manifest.filename or None,
                       python_version=manifest.python_version or None, platform=manifest.platform or None)
    if not str(wheel).endswith(".whl"):
        return ()
    with zipfile.ZipFile(wheel) as z:
        return declared_makers([(n, z.read(n)) for n in z.namelist() if is_metadata(n)])


def _others(index: Any, own: str) -> tuple[str, ...]:
    """Every indexed source but the scanned one and the other independent vendors' own code."""
    return tuple(sorted({str(f["source"]) for f in index.meta["families"]} - set(INDEPENDENT) - {own}))


def _before(date: str, sources: tuple[str, ...], public: dict[str, str]) -> Callable[[dict[str, Any]], bool]:
    """The given sources' families whose code was public on or before `date`, as the tool's time
    travel has it (index/restrict.public_dates: first seen, in a source public by then, shipped
    by it by then); undated families stay."""
    def keep(f: dict[str, Any]) -> bool:
        seen = public.get(f"{f['source']}:{f['name']}", "")
        return f["source"] in sources and (not date or not seen or seen <= date)
    return keep
