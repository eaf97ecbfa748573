"""Independent implementations for `make eval`: each vendor's own reference code (Meta's
llama-models, OpenAI's gpt-oss, Google's JAX gemma, AI2's olmo-core, mistral-inference),
scanned against the transformers, vLLM and SGLang code of the same architectures.  Written
apart from those, so no medium or high copy finding should appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lineage.api import open_index, scan_files
from lineage.config import Config
from lineage.index.restrict import restrict

INDEPENDENT = ("llama-models", "gpt-oss", "gemma", "ai2-olmo-core", "mistral-inference")
ENGINES = ("transformers", "vllm", "sglang")


def independent(index_path: str, progress: Callable[[str], None]) -> dict[str, Any]:
    """Per independent source: files, units, medium/high code findings and copy verdicts."""
    from lineage.api import default_manifests
    from lineage.index.build import fetch_sources
    from lineage.index.manifest import load_manifest

    full = open_index(index_path)
    others = restrict(full, lambda f: f["source"] in ENGINES, "model zoo and serving engines only")
    rows: list[dict[str, Any]] = []
    for path in default_manifests():
        manifest = load_manifest(path)
        if manifest.name not in INDEPENDENT:
            continue
        files, _, _ = fetch_sources(manifest)
        result, _ = scan_files(files, others, Config(workers=2))
        severe = [f for f in result.findings if f.kind == "code-match" and f.severity in ("medium", "high")]
        copies = [p for p, r in result.summary["files"].items() if " copy of " in f" {r['verdict']}"]
        rows.append({"source": manifest.name, "files": len(files), "units": result.units_scanned,
                     "medium_high_code_findings": len(severe), "copy_verdicts": len(copies),
                     "examples": [f"{f.path}:{f.unit} ~ {f.matches[0].ref.family} ({f.severity})" for f in severe[:5]]})
        progress(f"independent {manifest.name}: {len(severe)} medium/high, {len(copies)} copy verdicts")
    return {"rows": rows}
