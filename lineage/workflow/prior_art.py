"""Prior art: code of a pair that the corpus also shows in other companies' models first seen before the reference's.

An exhibit says the suspect copied the reference.  When the reference file is itself an indexed
file (a published model file of one line), the corpus dates it: its line's first-seen date and
organisation.  A matched unit whose code the corpus also holds, at copy strength, in a line of
another organisation first seen *before* the reference's line was not the reference's to give:
the suspect may hold it from that earlier line (or be that line), and the reference may owe it
to that line too.  Such a unit is rated low at most, and the reference's notice is not judged
from it.  Two serving-engine files that both carry an older model's helper (ALiBi slopes written
for BLOOM, then carried into Falcon) are the shape this rules out; a copy of what the reference
wrote itself (its own attention, its own router) keeps its rating.

A reference file the corpus does not hold as a whole has no date here, and no unit of it is
judged for prior art; the exhibit lists which reference files were dated and from which line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lineage.classify.codematch import MODERATE, WHOLE_FILE
from lineage.compact.files import CompactFile
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.index.query import query_files
from lineage.pipeline.match import file_sources, query_options
from lineage.vocab import UNLABELLED, Severity, at_or_above, company, model_line
from lineage.workflow.background import COMMON_FAMILIES, COMMON_MAKERS, Holders, Line, Template
from lineage.workflow.siblings import Closer


def whole_lines(corpus: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config) -> dict[str, tuple[Line, str]]:
    """File path -> (the indexed line whose file it is, as a whole, and that line's file): the corpus's
    source verdict for the file explains WHOLE_FILE of it.  (A file that merely holds an indexed file,
    with more code of its own, is not that file and has no date here.)  Files the corpus does not hold
    so are left out."""
    if not compacted:
        return {}
    evidence = query_files(corpus, compacted, query_options(config)).evidence
    out = {}
    public = dict(zip(corpus.family_keys, corpus.public))
    for path, scopes in file_sources(corpus, compacted, evidence).items():
        v = scopes.get("<file>")
        if v is not None and v.source is not None and v.source.score >= WHOLE_FILE:
            out[path] = (Line(v.source.family, v.source.org, v.source.first_seen,
                              public=public.get(v.source.family, "")), v.source.path)
    return out




def earlier_lines(holders: Sequence[Line], reference: Line, orgs: Mapping[str, str] | None = None) -> tuple[Line, ...]:
    """Holders of a unit's code public before the reference's code was, by another company (both
    labelled and dated: an unlabelled or undated line proves nothing either way), that do not
    declare they took code from the reference's line or another line of its maker (``orgs``:
    model line -> organisation): first-seen dates are the models', and a line dated earlier that
    says "Copied from" the reference's took its code later (MiniCPM3, 2024-09, declares
    DeepSeek-V2's attention: it is no prior art against DeepSeek-V3's, which DeepSeek-V2 had
    first).  Both are dated by when their code was public where the corpus holds it
    (``Line.since``: the model's first-seen date, or its source's later one): an engine's port of
    a 2023 model first shipped in 2025 was no one's source in 2024, and an engine's port is the
    reference only from its own release (vLLM shipped BLOOM's ALiBi helper on 2023-07-05 and
    Falcon's copy of it on 2023-08-02, Falcon being of 2023-05-25)."""
    if not reference.first_seen or reference.org.casefold() in UNLABELLED:
        return ()
    own, org = model_line(reference.family), company(reference.org)
    orgs = orgs or {}
    return tuple(h for h in holders if h.first_seen and h.org.casefold() not in UNLABELLED
                 and h.since < reference.since and company(h.org) != org and model_line(h.family) != own
                 and own not in h.declared and not any(company(orgs.get(d, "")) == org for d in h.declared))


def framework_code(held: Holders, reference: Line | None, suspect: Line | None) -> str:
    """The source (an engine's or framework's release) whose own files alone hold a unit's code,
    when the suspect file and the reference file are both that source's published files, of
    different families: code the source carries between its ports (PaddleNLP's tensor-parallel
    MLP in its gemma and mixtral files) is the source's, which the pair cannot show is the
    reference model maker's; "" otherwise.  A suspect that is the reference family's own code
    (a copy of that very file) is judged as any copy is."""
    if reference is None or suspect is None or suspect.family == reference.family or not held.rows:
        return ""
    source = reference.family.split(":", 1)[0]
    mine = (suspect.family, *(x.family for x in held.rows))
    return source if all(f.split(":", 1)[0] == source for f in mine) else ""


def framework_note(source: str, held: Holders, reference: Line) -> str:
    return (f"Both files are {source}'s own published files, and the corpus holds this code only in {source}'s "
            f"files ({', '.join(held.families)}): code {source} carries between its ports, which the pair cannot "
            f"show is {reference.org or 'the reference maker'}'s, so it is rated low at most here.")


FRAMEWORK_CODE = "code of the source's own ports"  # the verdict of a unit framework_code names


def capped(severity: str, held: Holders | None, line: Line | None, earlier: Sequence[Line],
           framework: str = "", side: Sequence[str] = (), closer: Closer | None = None,
           template: Template | None = None) -> tuple[str, str]:
    """(severity, note) of a matched unit rated ``severity`` in the pair: code the corpus holds in
    many model lines, or in lines of other companies' models public before the reference's line
    (``earlier``), or only in the files of the source both files are published in (``framework``),
    or in many files of the reference side and beside it (``side``: workflow/siblings.py, with or
    without a corpus), or more closely in a file beside the reference than in it (``closer``), is
    rated low at most."""
    if not at_or_above(severity, Severity.MEDIUM):
        return severity, ""
    if len(side) >= COMMON_FAMILIES:
        return "low", (f"The reference side holds this code in {len(side)} files ({', '.join(side[:4])}"
                       f"{f' and {len(side) - 4} more' if len(side) > 4 else ''}): its source writes it alike in its "
                       "files, so the pair cannot show it came from this one, and it is rated low at most here.")
    if closer is not None:
        return "low", (f"{closer.file}, beside the reference, holds this code more closely ({closer.strength:.2f}) "
                       f"than the reference does ({closer.pair:.2f}): the pair cannot show it came from the reference, "
                       "and it is rated low at most here.")
    if held is None:
        return severity, ""
    if framework and line is not None:
        return "low", framework_note(framework, held, line)
    if held.lines >= COMMON_FAMILIES:
        return "low", (f"The corpus holds this code in {held.lines} model lines (earliest {held.families[0]}): "
                       f"common code, so it is rated low at most here, whatever the pair's similarity.")
    if len(held.makers) >= COMMON_MAKERS:
        return "low", (f"The corpus holds this code in {held.lines} model lines of {len(held.makers)} companies "
                       f"({', '.join(held.makers)}: {', '.join(held.families)}): code several makers' models share, "
                       "so the pair cannot show it came from the reference, and it is rated low at most here.")
    if template is not None:
        return "low", template_note(template)
    return ("low", prior_art_note(earlier, line)) if earlier and line is not None else (severity, "")


def template_note(t: Template) -> str:
    return (f"The corpus holds most of this code ({MODERATE:g} or more of it) in {t.lines} model lines of "
            f"{t.makers} other companies than the reference's maker, their code public before the reference's "
            "model; the fifth of them shares "
            f"{t.fifth} of its fingerprints, the pair {t.pair}: a template many models' code follows, and the "
            f"{t.pair - t.fifth} fingerprints more are too few to show it came from the reference, so it is rated "
            "low at most here.")


TEMPLATE_CODE = "a template many models' code follows"  # the verdict of a unit template_of names


def corpus_entry(held: Holders | None, line: Line | None, earlier: Sequence[Line], framework: str = "",
                 side: Sequence[str] = (), closer: Closer | None = None,
                 template: Template | None = None) -> dict[str, Any]:
    """What the corpus says of one matched unit: the lines holding its code, and, when the reference
    file is an indexed line's file, that line and the holders first seen before it elsewhere, and
    the source whose own ports alone hold it (``framework``, framework_code)."""
    entry: dict[str, Any] = held.to_dict() if held is not None else {
        "model_lines": 0, "families": [], "makers": []}
    entry["reference_line"] = line.to_dict() if line is not None else None
    entry["before_reference"] = [x.to_dict() for x in earlier]
    entry["framework"] = framework or None
    entry["reference_side"] = list(side)  # the reference side's files holding it, and those beside it
    entry["closer_beside"] = None if closer is None else {  # a file beside the reference holding it more closely
        "file": closer.file, "strength": round(closer.strength, 4), "reference": round(closer.pair, 4)}
    entry["template"] = None if template is None else template.to_dict()  # other makers' lines holding most of it
    return entry


def prior_art_note(earlier: Sequence[Line], reference: Line) -> str:
    first = earlier[0]
    more = f" and {len(earlier) - 1} more" if len(earlier) > 1 else ""
    return (f"The same code also stands in {first.label()}{more}, lines of models of other companies public "
            f"before the reference's line {reference.label()}: the reference's model was not the first to hold it, "
            "so the pair cannot show it came from the reference, and it is rated low at most here.")


PRIOR_ART = "code that earlier models' lines also hold"  # the verdict of a unit with prior art


def named(text: str, line: Line | None) -> str:
    """A pair finding's wording with the dated reference file's line and organisation, where the
    pair alone could only call the reference side "reference" of no known organisation."""
    if line is None or not text:
        return text
    who = f"{line.family}, {line.org or 'organisation not labelled'}"
    return (text.replace("reference (organisation not labelled)", f"reference ({who})")
            .replace("reference, unknown organisation)", f"reference, {who})"))

