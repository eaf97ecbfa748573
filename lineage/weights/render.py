"""Plain-text rendering of a :class:`WeightReport` (JSON is ``report.to_dict()``)."""

from __future__ import annotations

from lineage.weights.models import ComponentVerdict, WeightReport


SHOWN_MATCHES = 20  # content matches listed in text; JSON lists all


def p_value(log10_p: float | None) -> str:
    """A p-value a reader can use: ``0.42``, ``3.1e-12``, or ``< 1e-300`` past float range."""
    if log10_p is None:
        return "-"
    if log10_p <= -300:
        return "< 1e-300"
    value = 10.0 ** log10_p
    return f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}"


def _row(c: ComponentVerdict) -> str:
    z = "-" if c.median_z is None else f"{c.median_z:.1f}"
    paired = f"{c.paired}/{max(c.tensors_suspect, c.tensors_reference)}"
    return (
        f"  {c.component:<13} {c.verdict:<27} {paired:>9} {c.share_identical:>6.0%} "
        f"{z:>9} {p_value(c.log10_p_fisher):>9}  {c.reading}"
    )


def _matches(report: WeightReport) -> list[str]:
    """Content matches whose keys were renamed or re-laid out: the name-proof evidence."""
    shown = [m for m in report.content_matches if m.renamed or m.relation != "identical"]
    if not shown:
        return []
    lines = [f"found by content, whatever the names ({len(shown)} renamed or re-laid out):"]
    for m in shown[:SHOWN_MATCHES]:
        lines.append(
            f"  {m.suspect} -> {' + '.join(m.reference)} [{m.relation}] "
            f"({m.suspect_component} -> {m.reference_component})"
        )
    if len(shown) > SHOWN_MATCHES:
        lines.append(f"  ... and {len(shown) - SHOWN_MATCHES} more (see --format json)")
    return lines


def render_text(report: WeightReport) -> str:
    """A compact table of component verdicts, then red flags and vocabulary overlap."""
    lines = [
        f"lineage weights: {report.suspect} against {report.reference}",
        f"  {'component':<13} {'verdict':<27} {'paired':>9} {'ident':>6} "
        f"{'median z':>9} {'fisher p':>9}  reading",
    ]
    lines += [_row(c) for c in report.components]
    lines += [f"    {c.component}: {c.reason}" for c in report.components]
    lines += _matches(report)
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
