"""Terminal text for the verify exhibit and the history report (JSON is the artefact).

Both renderers read what the JSON is written from (the exhibit's records, the history's
dict), never the scan objects, so the text and the JSON cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest
from typing import Any

from lineage.report.escape import terminal_text
from lineage.report.labels import finding_tags
from lineage.workflow.background import dated
from lineage.workflow.exhibit import Exhibit, UnitScores

WIDTH = 64  # characters of source per column in side-by-side regions


def _cell(number: int | None, line: str | None) -> str:
    if line is None or number is None:
        return " " * (WIDTH + 6)
    text = line.expandtabs(4)
    text = text if len(text) <= WIDTH else text[: WIDTH - 1] + "~"
    return f"{number:4d} {text:<{WIDTH}} "


def _side(inputs: Mapping[str, Any]) -> str:
    label = inputs.get("name", "")
    if inputs.get("version"):
        label += f"=={inputs['version']}"
    if inputs.get("commit"):
        label += f"@{inputs['commit'][:12]}"
    n = len(inputs.get("files", {}))
    files = f"{n} file" + ("" if n == 1 else "s")
    return f"{inputs.get('kind', '?')} {label}  ({files}, tree sha256 {inputs['tree_sha256'][:16]})"


def _scores(s: UnitScores) -> str:
    text = (f"similarity {s.similarity:.2f}, containment {s.containment:.2f}/{s.ref_containment:.2f}, "
            f"lexical {s.lexical:.2f}, rarity {s.rarity:.2f}")
    if s.unrelated_percentile is not None:
        text += f"; above {s.unrelated_percentile:.1f}% of unrelated units"
    above = s.above_unrelated_p99
    return text + ("" if above is None else f"; {'above' if above else 'not above'} the unrelated p99")


def _notice_from(found: Mapping[str, str]) -> str:
    """Where the reference side's notice came from when none of its files holds one (verify.reference_notice)."""
    return (f"its notice:  none in its files; {found['reference_file']} is {found['family']}'s {found['indexed_file']} "
            f"of the index byte for byte, whose family's notice stands in {found['notice_file']} (judged against that)")


def exhibit_text(data: Exhibit, *, show_info: bool = False) -> str:
    inputs, base = data.inputs, data.scores_baseline
    null, calib = base["units"]["unrelated"], base["files"]["calibration"]
    lines = [f"lineage {data.tool['version']} verify exhibit",
             f"suspect:   {_side(inputs['suspect'])}",
             f"reference: {_side(inputs['reference'])}",
             *([f"beside it:  {len(inputs['reference']['beside'])} files of its folder read as background for shared "
                f"code ({', '.join(b['path'] for b in inputs['reference']['beside'][:5])}"
                f"{' and more' if len(inputs['reference']['beside']) > 5 else ''}; names and sha256 in the JSON)"]
               if inputs["reference"].get("beside") else []),
             *([_notice_from(inputs["reference"]["notice_from_index"])] if inputs["reference"].get("notice_from_index")
               else []),
             "units vs unrelated units of this pair: " + (
                 f"n={null['n']}, median {null['median']}, p99 {null['p99']}" if null["p99"] is not None
                 else f"too few (n={null['n']}) to place unit scores; files are placed against the calibration"),
             "files vs calibration: " + (f"unrelated p99 {calib['unrelated_p99']}, derived median "
                                         f"{calib['derived_median']} ({calib['source']}; "
                                         f"{base['files'].get('statement', 'index not recorded')})"
                                         if calib else "none"),
             "versions: " + ", ".join(f"{k} {v or 'not installed'}"
                                      for k, v in data.tool.get("versions", {}).items()),
             "background: " + (f"index {data.background['id']} ({data.background['families']} families, "
                               f"{data.background['model_lines']} model lines)" if data.background
                               else "none"),
             *([f"dates: {data.chronology['statement']}"] if data.chronology else []),
             *(f"WARNING: {w}" for w in data.warnings),
             "", data.summary.statement, ""]
    for f in data.files:
        above = f.above_unrelated_p99
        where = "" if above is None else f", {'above' if above else 'not above'} the calibrated unrelated p99"
        # (the score placed is the one beyond shared code, when there is one: say so beside it)
        beyond = "" if f.beyond_shared is None or f.severity else \
            f"; {f.beyond_shared:.2f} beyond code the corpus shows as shared"
        lines.append(f"file {f.path}: score {f.score:.2f}{beyond}{where}"
                     + (f"; [{f.severity.upper()}] {f.verdict}" if f.severity else ""))
    if data.files:
        lines.append("")
    shown = [m for m in data.matches if show_info or m.severity != "info"]
    for m in shown:
        ref = m.reference
        lines.append(f"[{m.severity.upper()}] {m.path}:{m.start_line}-{m.end_line} {m.unit}  <->  "
                     f"{ref.path}:{ref.start_line}-{ref.end_line} {ref.unit}  "
                     f"({finding_tags('code-match', m.role, m.attribution)})")
        lines.append(f"    {_scores(m.scores)}")
        if m.corpus is not None:
            held = m.corpus
            names = ", ".join(held["families"][:5])
            more = f" and {len(held['families']) - 5} more" if len(held["families"]) > 5 else ""
            n = len(held["families"])
            k = held["model_lines"]
            makers = held.get("makers") or []
            lines.append(f"    corpus: the same code stands in {k} indexed model line{'' if k == 1 else 's'}"
                         + (f" of {len(makers)} companies ({', '.join(makers)})" if len(makers) > 1 else "")
                         + (f", {n} famil{'y' if n == 1 else 'ies'} ({names}{more})" if names else ""))
            earlier, line = held.get("before_reference") or [], held.get("reference_line")
            side = held.get("reference_side") or []
            if side:
                lines.append(f"    reference side: the same code stands in {len(side)} of its files "
                             f"({', '.join(side[:4])}{' and more' if len(side) > 4 else ''})")
            if earlier and line:
                named_lines = ", ".join(f"{x['family']} {x.get('public') or x['first_seen']}" for x in earlier[:3])
                lines.append(f"    prior art: also in {named_lines}"
                             f"{' and more' if len(earlier) > 3 else ''}, lines of models public before the "
                             f"reference's line {line['family']} ({line['org']}, {dated(line)})")
            template = held.get("template")
            if template:
                crowd = list(template.get("lines") or [])
                listed = ", ".join(crowd[:4]) + (f" and {len(crowd) - 4} more" if len(crowd) > 4 else "")
                lines.append(f"    template: most of this code stands in {template['model_lines']} model lines of other "
                             f"companies ({listed}), public before the reference's model; the fifth of them shares "
                             f"{template['fifth_shares']} of its fingerprints, the pair {template['pair_shares']}")
            if held.get("dates"):
                lines.append(f"    dates: {held['dates']}")
        if m.role_features:
            lines.append(f"    role from: {', '.join(m.role_features[:6])}")
        if m.verdict:
            lines.append(f"    verdict: {m.verdict}")
        for g in m.regions:
            s, r = g.suspect, g.reference
            lines.append(f"    suspect {s.start_line}-{s.end_line}  |  "
                         f"reference {r.start_line}-{r.end_line}")
            for (i, a), (j, b) in zip_longest(enumerate(s.lines, s.start_line),
                                              enumerate(r.lines, r.start_line), fillvalue=(None, None)):
                lines.append(f"    {_cell(i, a)}| {_cell(j, b)}".rstrip())
        lines.append("")
    if len(shown) < len(data.matches):
        lines.append(f"{len(data.matches) - len(shown)} info matches (module bodies, common idioms) hidden")
    for d in data.declared:
        via = d.get("via")
        lines.append(f"declared: {d['path']}:{d['line']} {d['kind']} {d['target']}"
                     + (f" (through {via['path']}:{via['line']}, {via['kind']})" if via else ""))
    for v in data.vestiges:
        lines.append(f"[{str(v['severity']).upper()}] vestige {v['path']}:{v['start_line']}-{v['end_line']}: "
                     f"{v['explanation']}")
    notices = data.notices
    if notices.get("available"):
        for a in notices["attribution"]:
            lines.append(f"notice {a['state']}: {a['explanation']}")
    else:
        lines.append(f"notices not compared: {notices.get('reason', 'unavailable')}")
    return terminal_text(lines)


def history_text(data: dict[str, Any]) -> str:
    lines = [f"lineage {data['tool']['version']} history of {data['repository']} at {data['revision'][:12]}", ""]
    for path, first in data["files"].items():
        lines.append(f"{path}: first committed {first['date'][:10]} in {first['commit'][:12]} by {first['author']}")
        for u in (u for u in data["units"] if u["path"] == path):
            at = u["first"]
            when = f"{at['date'][:10]} {at['commit'][:12]} {at['author']}" if at else "not found in history"
            seen = f"; reference first seen {u['reference_first_seen']}" if u["reference_first_seen"] else ""
            flag = "  PREDATES REFERENCE" if u["predates_reference"] else ""
            lines.append(f"    {u['unit']} ~ {u['reference']}: {when}{seen}{flag}")
    if data["findings"]:
        lines.append("")
    for f in data["findings"]:
        lines.append(f"[{f['severity'].upper()}] {f['kind']} {f['path']}: {f['explanation']}")
    if not data["files"]:
        lines.append("no matched files at this revision")
    if data["errors"]:
        lines += ["", f"NOT READ: {len(data['errors'])} file(s) or past version(s), left out of the trace:"]
        lines += [f"  {e['path']}: {e['stage']}: {e['reason']}" for e in data["errors"]]
    return terminal_text(lines)
