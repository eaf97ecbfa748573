"""results (a dict) -> the Markdown table benchmarks/run.py prints and saves; missing steps show n/a."""

from __future__ import annotations

from typing import Any


def g(d: Any, *keys: Any) -> Any:
    for k in keys:
        if isinstance(d, dict):
            d = d.get(k)
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return None
    return d


def f(x: Any, spec: str = ".2f", unit: str = "") -> str:
    return "n/a" if not isinstance(x, int | float) else f"{x:{spec}}{unit}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def _summary(r: dict[str, Any]) -> list[str]:
    b, ld, sc, fl, hk = r.get("build", {}), r.get("load", {}), r.get("scan_large", {}), r.get("floor", {}), r.get("hook", {})
    return [
        "| measure | result | peak MB (PSS) | notes |", "|---|---|---:|---|",
        f"| build, download excluded | {f(b.get('build_s'), '.1f', ' s')}: {f(b.get('mb_per_s'), '.2f', ' MB/s')}, "
        f"{f(b.get('files_per_s'), '.1f', ' files/s')} | {f(b.get('peak_mb'), '.0f')} | {b.get('files', '?')} files, "
        f"{f(b.get('mb'), '.1f', ' MB')} from {b.get('sources', '?')} manifests, {b.get('workers', '?')} workers |",
        f"| index size on disk | {f(ld.get('size_mb'), '.1f', ' MB')} | | {ld.get('units', '?')} units |",
        f"| index load, fresh process | {f(ld.get('wall_s'), '.2f', ' s')} wall ({f(ld.get('in_process_s'), '.2f', ' s')} "
        f"import+load) | {f(ld.get('peak_mb'), '.0f')} | median of 5 |",
        f"| scan: transformers files not in the index | {f(sc.get('wall_s'), '.1f', ' s')}: "
        f"{f(sc.get('files_per_s'), '.1f', ' files/s')}, {f(sc.get('mb_per_s'), '.2f', ' MB/s')} | "
        f"{f(sc.get('peak_mb'), '.0f')} | {sc.get('files', '?')} files, {f(sc.get('mb'), '.1f', ' MB')}, "
        f"{sc.get('findings', '?')} findings |",
        f"| floor: tree-sitter parse of the same files | {f(g(fl, 'rest', 'parse_s'), '.1f', ' s')}: "
        f"{f(g(fl, 'rest', 'mb_per_s'), '.1f', ' MB/s')} | {f(g(fl, 'rest', 'peak_mb'), '.0f')} | read + parse, one process |",
        f"| pre-commit hook, 5 staged files | {f(hk.get('hook_median_s'), '.2f', ' s')} | | "
        f"benchmarks/hook_latency.py, interpreter start included |",
        f"| `lineage scan` of 5 files | {f(hk.get('scan5_wall_s'), '.2f', ' s')} | {f(hk.get('scan5_peak_mb'), '.0f')} | "
        "fresh process, median of 5 |",
    ]


def _peers(r: dict[str, Any]) -> list[str]:
    p = r.get("peers", {})
    t = p.get("tools", {})
    lines = [f"### All-against-all over the first 200 transformers modeling files ({f(p.get('mb'), '.1f', ' MB')})", "",
             "| tool | median wall | peak MB (PSS) | summed RSS MB | wall: tool / lineage | peak: tool / lineage | detail |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, label in (("lineage", "lineage scan (vs index)"), ("dolos", "Dolos 3.5.1 (node)"),
                        ("copydetect", "copydetect 0.5.0")):
        d = t.get(name, {})
        if "error" in d:
            lines.append(f"| {label} | failed | | | | | {d['error'][:120]} |")
            continue
        detail = f"runs {d.get('walls')}" + (f"; pairs >= 0.5: {d['pairs_at_least_0_5']}" if "pairs_at_least_0_5" in d else "")
        ratio = (1.0, 1.0) if name == "lineage" else (d.get("time_ratio"), d.get("peak_ratio"))
        lines.append(f"| {label} | {f(d.get('wall_s'), '.1f', ' s')} | {f(d.get('peak_mb'), '.0f')} | "
                     f"{f(d.get('peak_rss_mb'), '.0f')} | {f(ratio[0], '.2f', 'x')} | {f(ratio[1], '.2f', 'x')} | {detail} |")
    fl = g(r, "floor", "p200")
    lines.append(f"| floor: tree-sitter parse | {f(g(fl, 'parse_s'), '.2f', ' s')} | {f(g(fl, 'peak_mb'), '.0f')} | | | | |")
    return lines


def _growth(r: dict[str, Any]) -> list[str]:
    gr = r.get("growth", {})
    lines = ["| corpus share | files | source MB | build s | index MB | query s (200 files) |",
             "|---:|---:|---:|---:|---:|---:|"]
    for row in gr.get("rows", []):
        lines.append(f"| {row['fraction']:.0%} | {row['files']} | {row['mb']:.1f} | {row['build_s']:.1f} | "
                     f"{row['index_mb']:.1f} | {f(row.get('query_s'), '.2f')} |")
    fit, rows = gr.get("fit", {}), gr.get("rows", [])
    if fit and rows:
        lines.append(f"| **100x** (fit y = c * MB^b) | | {rows[-1]['mb'] * 100:.0f} | "
                     f"{f(g(fit, 'build_s', 'at_100x'), '.0f')} (b={f(g(fit, 'build_s', 'exponent'))}) | "
                     f"{f(g(fit, 'index_mb', 'at_100x'), '.0f')} (b={f(g(fit, 'index_mb', 'exponent'))}) | "
                     f"{f(g(fit, 'query_s', 'at_100x'), '.1f')} (b={f(g(fit, 'query_s', 'exponent'))}) |")
    lines.append(f"\nFingerprinting the 200 files (once, not in the query column): {f(gr.get('fingerprint_200_s'), '.1f', ' s')}.")
    return lines


def _targets(r: dict[str, Any]) -> list[str]:
    tr = g(r, "peers", "tools", "dolos", "time_ratio")
    pr = g(r, "peers", "tools", "dolos", "peak_ratio")
    mbs, size, hook = g(r, "build", "mb_per_s"), g(r, "load", "size_mb"), g(r, "hook", "hook_median_s")
    hook = hook if hook is not None else g(r, "hook", "scan5_wall_s")
    return [
        f"- scan of the 200 files >= 10x faster than Dolos: {f(tr, '.2f', 'x')} -> {verdict(None if tr is None else tr >= 10)}",
        f"- peak memory <= 1/4 of Dolos: Dolos / lineage = {f(pr, '.2f', 'x')} -> {verdict(None if pr is None else pr >= 4)}",
        f"- build >= 5 MB/s: {f(mbs, '.2f', ' MB/s')} -> {verdict(None if mbs is None else mbs >= 5)}",
        f"- index <= 100 MB: {f(size, '.1f', ' MB')} -> {verdict(None if size is None else size <= 100)}",
        f"- pre-commit about 1 s: {f(hook, '.2f', ' s')} -> {verdict(None if hook is None else hook <= 1.5)}",
    ]


def _profile(r: dict[str, Any]) -> list[str]:
    p = r.get("profile", {})
    if "error" in p or not p:
        return [f"profile: {p.get('error', 'not run')}"]
    lines = [f"`lineage scan --workers 1` of {p['files']} of the 200 files ({p['mb']:.1f} MB) under cProfile: "
             f"{p['wall_s']:.1f} s.", "", "Largest cumulative times in lineage: "
             + ", ".join(f"`{c['function']}` {c['cum_s']} s" for c in p["cumulative"]), "",
             "| own time s | cum s | calls | function |", "|---:|---:|---:|---|"]
    lines += [f"| {t['own_s']} | {t['cum_s']} | {t['calls']} | `{t['function']}` |" for t in p["top_own_time"][:10]]
    return lines


def render(r: dict[str, Any]) -> str:
    m = r.get("meta", {})
    idx = r.get("index", {})
    out = [f"# lineage benchmark ({m.get('date')})", "",
           f"{m.get('cpus')} CPUs, {m.get('machine')}, Python {m.get('python')}, node {m.get('node') or 'n/a'}; "
           f"medians of {m.get('runs')} run(s){' (--quick)' if m.get('quick') else ''}; whole run {m.get('seconds')} s.",
           f"Index: `{m.get('index_arg')}`, {g(r, 'prepare', 'indexed_files')} reference files"
           + (f" (unusable: {idx.get('reason', '')[-160:]!r}; the steps after the build used the index built in this "
              "run from the same manifests)" if idx.get("fallback") else "") + ".", "",
           "## Summary", "", *_summary(r), "", "## Peers, same run, same files", "", *_peers(r), "",
           "## Cost growth", "", *_growth(r), "", "## Targets", "", *_targets(r), "", "## Profile", "", *_profile(r)]
    errors = [f"- {k}: {v['error']}" for k, v in r.items() if isinstance(v, dict) and "error" in v]
    if errors:
        out += ["", "## Steps that failed", "", *errors]
    return "\n".join(out) + "\n"
