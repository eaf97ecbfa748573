"""A code finding with its attribution state set: the notice state its file was judged to have
(removed, replaced, retained, declared, own) in its verdict and explanation, and the severity
that state gives it (classify/attribution.py decides the state)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from lineage.classify.codematch import shared_code, verdict as codematch_verdict
from lineage.classify.judged import copied, matches_family, notice_of
from lineage.classify.origins import origin_verdict
from lineage.classify.owner import OWN
from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.vocab import model_line


def with_attribution(f: Finding, state: str, explanation: str, family: str = "",
                      owner: tuple[str, str] = ("", ""), elder: str = "", origin: str = "",
                      beside: Sequence[str] = ()) -> Finding:
    """``family``: the reference family whose notices the file was judged against; ``owner``: the
    organisation and its family holding the code (state "own"); ``elder``: the earlier line a
    declared unit names as its origin (classify/elder.py); ``origin``: the organisation the
    reference credits with its code, which the file's own notice names (state "own",
    classify/origins.py); ``beside``: the holders the file names beside that origin, whom the
    reference neither names nor credits (rated low, not info: the file may be the reference's copy
    keeping the origin's line)."""
    sev = f.severity
    code = f.details if isinstance(f.details, CodeMatchDetails) else None
    verdict = code.verdict if code is not None else ""
    if state in ("removed", "replaced"):
        # copied code without its upstream notice is a licence defect: never below medium (the
        # notice finding says so too), except code many lines share: it cannot say whose it is,
        # a weak match to another family: that reference's notice says nothing of it, and a
        # partial resemblance: it does not show that the file holds the reference's code
        shared = code is not None and shared_code(code)
        judged = not family or matches_family(f, family)
        sev = "medium" if sev == "low" and not shared and judged and copied(f) else sev
        if sev != f.severity and code is not None:  # lifted: said as the copy it is
            lifted = codematch_verdict(f.role, f.matches[0], lifted=True)
            f = dataclasses.replace(f, explanation=f.explanation.replace(f"Verdict: {verdict}.", f"Verdict: {lifted}."))
            code = dataclasses.replace(code, verdict=lifted)
            verdict = lifted
        verdict = f"{verdict}, {notice_of(f, family)} {state}"
    elif state == "declared":
        sev = "info"  # declared reuse is compliant reuse, not concealment
        verdict = f"{verdict}, reuse declared" + (f" (from {elder}, an earlier line)" if elder else "")
    elif state == "retained":
        verdict = f"{verdict}, {notice_of(f, family)} retained"
    elif state == OWN:
        sev = "low" if origin and beside and sev != "info" else "info"  # the owner's own code: not a copy
        ref = f.matches[0].ref
        org, mine = owner[0] or ref.org, owner[1] or ref.family
        verdict = (origin_verdict(origin, beside) if origin else
                   f"own model code of {org} ({model_line(mine)}), also held by the reference: not a copy"
                   if model_line(mine) == model_line(ref.family) else
                   f"own model code of {org} ({model_line(mine)} holds it as closely as {model_line(ref.family)} "
                   "does): not a copy")
    details = (dataclasses.replace(code, verdict=verdict, attribution_explanation=explanation, declared_line=elder)
               if code is not None else f.details)
    text = f.explanation
    if state == OWN and code is not None:  # the finding's own sentence says it too, not "copy of"
        text = text.replace(f"Verdict: {code.verdict}.", f"Verdict: {verdict}.")
    return dataclasses.replace(f, attribution=state, severity=sev, details=details, explanation=text)
