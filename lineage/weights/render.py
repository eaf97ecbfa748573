"""Plain-text rendering of a :class:`WeightReport` (JSON is ``report.to_dict()``)."""

from __future__ import annotations

from lineage.weights.models import ComponentVerdict, WeightReport


def _row(c: ComponentVerdict) -> str:
    z = "-" if c.median_z is None else f"{c.median_z:.1f}"
    p = "-" if c.log10_p_fisher is None else f"1e{c.log10_p_fisher:.0f}"
    paired = f"{c.paired}/{max(c.tensors_suspect, c.tensors_reference)}"
    return (
        f"  {c.component:<13} {c.verdict:<21} {paired:>9} {c.share_identical:>6.0%} "
        f"{z:>9} {p:>9}  {c.reading}"
    )


def render_text(report: WeightReport) -> str:
    """A compact table of component verdicts, then red flags and vocabulary overlap."""
    lines = [
        f"lineage weights: {report.suspect} against {report.reference}",
        f"  {'component':<13} {'verdict':<21} {'paired':>9} {'ident':>6} "
        f"{'median z':>9} {'fisher p':>9}  reading",
    ]
    lines += [_row(c) for c in report.components]
    lines += [f"    {c.component}: {c.reason}" for c in report.components]
    if report.red_flags:
        lines.append("red flags:")
        lines += [f"  [{f.severity}] {f.kind}: {f.detail}" for f in report.red_flags]
    if report.vocab is not None:
        v = report.vocab
        lines.append(
            f"vocabulary: {v.suspect_tokens} vs {v.reference_tokens} tokens, Jaccard "
            f"{v.jaccard:.3f}, same id {v.same_id_share:.1%}, special tokens shared "
            f"{v.special_shared_share:.0%}"
        )
    reused = report.reused
    lines.append(
        f"result: {len(reused)} component(s) reused or derived"
        + (f" ({', '.join(c.component for c in reused)})" if reused else "")
        + f"; {report.bytes_read / 1e6:.1f} MB read"
    )
    return "\n".join(lines) + "\n"
