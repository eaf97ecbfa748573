"""The scanned code's own organisations: a match to their own model is not a copy.

Serving engines take in model makers' reference code without the makers' notices (an
engine's Pixtral holds Mistral AI's vision encoder, its Mllama Meta's patch embedding).
Scanned later, the maker's own file matches the engine's copy, and without more the verdict
would call the maker a copier of its own model.  Code is the owner's own model code when the
family it matches (or a family holding the same code as closely) belongs to one of the
scanned code's owners:

* the organisations given with ``--owner`` (``owner`` in settings), and
* the organisations of the scanned file's own copyright holders, only when the matched
  reference names no vendor holder (an engine's or framework's copy): a file that keeps
  another vendor's notice is "retained", not its own;
* for a file naming no holder, the maker the scanned package's own metadata names
  (source/maker.py), on the same terms: Mistral AI's wheel, whose files carry no notice; and
  where the only notice the file lacks is the maker's own, or a unit matches a model of the
  maker whose reference names no one else beside frameworks, whatever another maker is owed for
  the rest of the file (IBM's ibm-fms, holding IBM's Bamba mixer beside state-spaces' code).

A notice defect is not excused this way (the caller asks when the notices are in order, or
when the only notice missing is the owner's own), with one exception that is lowered, not
excused: when the file's reference is a model of a given owner (``--owner``), held by a
third party's implementation under that party's notice (a framework's port), the shared code
most likely came from the owner into the port.  Code cannot tell the direction, so the
missing notice stays as a low finding that says so.  Dates can, in part: with a notice owed to
another maker, a unit is still the given owner's own when it matches the owner's model itself,
or when a model of the owner first seen before the matched family holds the same code as
closely (the later family took it in: OpenAI's CLIP against modelscope's Chinese CLIP, which
holds CLIP's classes under Google's and NVIDIA's notices for its BERT parts); when that leaves
no copy of the reference, its missing notice is lowered the same way (``owned_earlier``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from lineage.classify.codematch import strength
from lineage.details import CodeMatchDetails
from lineage.errors import ConfigError
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import TIE, same_code
from lineage.models import Finding
from lineage.notices.records import Attribution as NoticeState, Notice, same_holder
from lineage.source.maker import Maker
from lineage.vocab import Attribution, company, model_line

OWN = Attribution.OWN.value


def canonical_owners(names: Iterable[str]) -> frozenset[str]:
    """Organisation names (or aliases, as in organisations.toml) -> the table's names."""
    from lineage.notices.holders import holder_orgs

    out: set[str] = set()
    for name in names:
        named = holder_orgs(name)
        found = [org for org, _country, kind in named if kind != "framework"]
        if not found and named:  # a framework publishes many makers' models: it owns none of them
            raise ConfigError(f"`owner` {name!r} names the framework project {named[0][0]!r}, which publishes "
                              "other makers' models; name the model maker that owns the code instead "
                              "(for a framework's own model team, e.g. 'Hugging Face (model team)')", source="owner")
        if not found:
            raise ConfigError(f"`owner` {name!r} names no organisation of corpora/organisations.toml "
                              "(give its name or an alias)", source="owner")
        out.add(found[0])
    return frozenset(out)


def owning(owners: frozenset[str], org: str) -> bool:
    """Whether the owners own ``org``'s models: one of them is that organisation, or its company
    as a whole (`--owner Alibaba` owns Alibaba Qwen's models; Alibaba DAMO Academy does not)."""
    return bool(org) and any(same_holder(org, o) for o in owners)


def family_orgs(index: EmbeddedIndex) -> dict[str, str]:
    """"source:name" -> the organisation that made the family's model."""
    return {f"{r['source']}:{r['name']}": str(r.get("org", "")) for r in index.meta["families"]}


def known_holders(notices: object) -> list[Notice]:
    """The counting holders a file's own notices name, or none when one of them names someone the
    organisation table does not know (most copiers are small companies it does not list)."""
    from lineage.notices.detect import names_others

    named = [n for n in getattr(notices, "notices", ()) if n.counts]
    return [] if any(not n.org or names_others(n.holder) for n in named) else named


def sole_holder(notices: object) -> frozenset[str]:
    """The organisation a file's own notices name, when they name one company and nobody else
    (no holder the table does not know, no second company): the file presents itself as that
    maker's code.  A copier adding its own name beside the maker's ("Acme Robotics Corp. and the
    Qwen team", "Tencent" above "DeepSeek-AI") presents nothing of the kind: it made its copy
    the maker's own model code, not a copy.  Empty otherwise."""
    named = known_holders(notices)
    return frozenset(n.org for n in named) if len({company(n.org) for n in named}) == 1 else frozenset()


def names_holder(notices: object) -> bool:
    """Whether a file's own notices name any holder (known to organisations.toml or not)."""
    return any(n.counts for n in getattr(notices, "notices", ()))


def holders_of(notices: object) -> frozenset[str]:
    """Organisations of the vendor holders named in a file's own notices."""
    return frozenset(n.org for n in getattr(notices, "notices", ()) if n.counts and n.org)


def _close_holders(f: Finding, tight: bool = False) -> list[str]:
    """The families holding `f`'s code exactly (equivalent families) or about as closely as its
    reference does (within ``same_code`` of its strength; ``tight``: within TIE), the reference aside."""
    same = f.details.equivalent_families if isinstance(f.details, CodeMatchDetails) else ()
    close = strength(f.matches[0]) - TIE if tight else same_code(strength(f.matches[0]))
    return [*same, *(m.ref.family for m in f.matches[1:] if strength(m) >= close)]


def owned_by(f: Finding, owners: frozenset[str], orgs: Mapping[str, str],
             ancestors: Callable[[str], Sequence[str]] = lambda _family: (),
             dates: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(owner, family) when `f` matches an owner's model: its reference, or a family holding the
    same code about as closely (code cannot tell which of the two came first) that does not
    declare the reference's model line among its ancestors (then it took the code in too), nor,
    given ``dates`` (model line -> first seen), was first seen after the reference's model or any
    other holder's (dates tell what code cannot: a stranger's review, 2026-12-07, cleared SGLang's
    Meta llama code as "own model code of Alibaba Qwen" in a package whose metadata names Alibaba,
    because SGLang's qwen2, of 2024, holds the same code as its llama, of 2023; and its glm4 port's,
    which qwen2 holds too, llama had first); else ("", "")."""
    if not owners:
        return "", ""
    ref = f.matches[0].ref.family
    close = _close_holders(f, tight=dates is not None)  # (what the code says of itself: as closely, not about)
    seen = {fam: (dates or {}).get(model_line(fam), "") for fam in close}
    first = min(filter(None, [str(f.matches[0].ref.first_seen or ""), *seen.values()]), default="")

    def later(fam: str) -> bool:  # (another holder's model, of whoever's, had the code before this one)
        return dates is not None and bool(first and seen[fam] and seen[fam] > first)

    # a holder that declares the reference's model line among its ancestors took the code in,
    # whether it holds it exactly (an equivalent family) or about as closely
    families: Sequence[str] = [ref, *(fam for fam in close if model_line(ref) not in ancestors(fam) and not later(fam))]
    for fam in families:
        org = orgs.get(fam, "") or (f.matches[0].ref.org if fam == f.matches[0].ref.family else "")
        if owning(owners, org):
            return org, fam
    return "", ""


def owned_as_said(f: Finding, given: frozenset[str], owners: frozenset[str], orgs: Mapping[str, str],
                  ancestors: Callable[[str], Sequence[str]], dates: Mapping[str, str]) -> tuple[str, str]:
    """``owned_by`` for the ``given`` owners (``--owner``: the word of whoever runs the scan, taken as
    given), else for the rest of ``owners``, what the scanned code says of itself (its notices'
    holders, its package's maker), only as far as dates bear it out."""
    found = owned_by(f, given, orgs, ancestors)
    return found if found[0] else owned_by(f, owners - given, orgs, ancestors, dates)


def owned_earlier(f: Finding, owners: frozenset[str], orgs: Mapping[str, str], dates: Mapping[str, str],
                  ancestors: Callable[[str], Sequence[str]] = lambda _family: ()) -> tuple[str, str]:
    """``owned_by`` for a file that owes another maker a notice, where a given owner's word
    (``--owner``) counts only as far as dates bear it out: (owner, family) when `f` matches a
    given owner's model itself, or a model of a given owner, first seen before the family it
    matches, holds the same code as closely (the reference took the owner's code in: OpenAI's
    CLIP against modelscope's later Chinese CLIP); else ("", "").  ``dates``: model line -> first
    seen (classify/elder.py)."""
    if not owners or not f.matches:
        return "", ""
    top = f.matches[0].ref
    org = orgs.get(top.family, "") or top.org
    if owning(owners, org):
        return org, top.family
    when = str(top.first_seen or "")
    for fam in dict.fromkeys(_close_holders(f)):
        first = dates.get(model_line(fam), "")
        if when and first and first < when and owning(owners, orgs.get(fam, "")) \
                and model_line(top.family) not in ancestors(fam):
            return orgs[fam], fam
    return "", ""


def owner_why(org: str, given: frozenset[str], makers: Sequence[Maker] = ()) -> str:
    """Why the scan takes ``org`` as an owner of the scanned code: given (``--owner``), named as
    its maker by the scanned package's metadata (source/maker.py), or named in the file's notice."""
    if owning(given, org):
        return "given as an owner of the scanned code (--owner)"
    said = next((m.said for m in makers if same_holder(m.org, org)), "")
    if said:
        return (f"named as the scanned package's maker by its metadata ({said}), while the reference names no "
                "other vendor")
    return "named as a copyright holder of the scanned file, while the reference names no vendor"


def own_explanation(f: Finding, org: str, family: str, why: str, dates: Mapping[str, str] | None = None) -> str:
    """Why ``f`` is ``org``'s own model code (``why``: `owner_why`'s reason for taking ``org`` as an owner)."""
    ref = f.matches[0].ref
    if family == ref.family or model_line(family) == model_line(ref.family):
        return (f"{org} made {model_line(ref.family)}, and {org} is {why}: {f.unit} is {org}'s own model "
                f"code, which {ref.path} also holds; not a copy.")
    first, then = (dates or {}).get(model_line(family), ""), str(ref.first_seen or "")
    if first and then and first < then:
        return (f"{org} made {model_line(family)} ({family}, first seen {first}), which holds {f.unit}'s code "
                f"about as closely as {ref.path} ({ref.family}, first seen {then}) does, and {org} is {why}: "
                f"the code is taken as {org}'s own model code, which {model_line(ref.family)} took in later; "
                "not a copy.")
    return (f"{org} made {model_line(family)} ({family}), which holds {f.unit}'s code about as closely as "
            f"{ref.path} ({ref.family}) does, and {org} is {why}: code cannot tell which came first, "
            f"so it is taken as {org}'s own model code; not a copy.")


def only_owners_missing(given: frozenset[str], attribution: NoticeState) -> bool:
    """The notices the file lacks are all the given owners' own (none is owed)."""
    owners = {company(g) for g in given}  # "Hugging Face (model team)" owns the Hugging Face notice
    return bool(given) and all(company(n.org) in owners for n in attribution.missing)


def owner_port(given: frozenset[str], attribution: NoticeState, orgs: Mapping[str, str], family: str) -> str:
    """The owner's model ("gpt_oss (OpenAI)") when a notice owed to someone else is missing but
    the file's reference is a model of a given owner: the reference is a third party's
    implementation of the owner's own model (a framework's port under the framework's notice),
    and the code both hold most likely came from the owner.  "" otherwise."""
    if attribution.state not in ("removed", "replaced") or not given or only_owners_missing(given, attribution):
        return ""  # (only the owner's own notice missing: not owed at all)
    maker = orgs.get(family, "")
    return f"{model_line(family)} ({maker})" if owning(given, maker) else ""


def owners_of(given: frozenset[str], attribution: NoticeState, scanned: object,
              makers: frozenset[str] = frozenset()) -> frozenset[str]:
    """Whose own model code the file may hold (classify/owner.py): none while a notice is owed
    to anyone but the owners themselves; the file's own vendor holders count when the reference
    names no vendor, or when the reference is a framework's port that the file keeps the
    notices of, but for the framework's, and adds no holder of its own: the file reads as the
    original the framework ported (Meta's encodec, under Meta's notice only, against transformers'
    port under "Meta Platforms ... and the HuggingFace Inc. team" read as a HIGH copy, notice
    retained).  A copy keeping the framework's notice too, or adding its own, stays "retained".
    ``makers``, the scanned package's makers by its metadata (source/maker.py), count where no
    vendor's notice is owed, as the file's own holder does when the file names none of its own,
    and where the only notices missing are theirs (their own notice is owed to no one)."""
    state = attribution.state
    if state == "none-needed":
        return given | (sole_holder(scanned) if names_holder(scanned) else makers)
    if state == "retained":
        # every holder the file names (known to organisations.toml or not) is one the port names
        named = [n for n in getattr(scanned, "notices", ()) if n.counts]
        if named and attribution.frameworks_dropped \
                and all(any(n.keeps(r) for r in attribution.reference_holders) for n in named):
            return given | sole_holder(scanned)
        # the package's maker is the only holder the file and its reference name: the maker's own
        # model code in the maker's own package (a stranger's review: Google's gemma2 attention, under
        # Google's notice in a package whose metadata names Google, read as a high copy of gemma2)
        held = [r for r in attribution.reference_holders if r.counts]
        if named and held and all(n.org and owning(makers, n.org) for n in [*named, *held]):
            return given | makers
        return given
    if state in ("removed", "replaced"):
        # the only notice missing is the owner's own, or the package maker's where the file names no holder
        mine = given | (frozenset() if names_holder(scanned) else makers)
        if only_owners_missing(mine, attribution):
            return mine
    return frozenset()


def makers_own(makers: frozenset[str], org: str, notices: object) -> bool:
    """Whether a model of ``org`` is one of the makers' whose reference file's ``notices`` name no
    holder that counts (a vendor, or one the table does not know) but the makers: a copy of it
    owes no one else's notice."""
    return owning(makers, org) and all(
        n.org and owning(makers, n.org) for n in getattr(notices, "notices", ()) if n.counts)


def makers_model(f: Finding, family: str, makers: frozenset[str], orgs: Mapping[str, str],
                 notices_of: Callable[[str, str], object], dates: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(maker, family) when `f` matches, outside the file's judged reference ``family``, a model
    the scanned package's maker made whose reference names no one else (``makers_own``): the
    maker's own code, whatever another maker is owed for the rest of the file.  A stranger's
    review: IBM's ibm-fms, its `ssm.py` naming no holder, holds Hugging Face's Mamba2 gated norm
    (state-spaces' notice owed, rightly) and IBM's own Bamba mixer, which read as a high copy of
    bamba (IBM), "IBM's notice removed", in IBM's own package.  Given ``dates`` (model line -> first
    seen), another maker's model holding the code as closely and first seen earlier had it first:
    not the maker's own then (what the scanned code says of itself goes only as far as dates bear
    it out, as in ``owned_as_said``)."""
    ref = f.matches[0].ref
    org = orgs.get(ref.family, "") or ref.org
    if ref.family == family or not makers_own(makers, org, notices_of(ref.family, ref.path)):
        return "", ""
    if dates is not None:
        when = dates.get(model_line(ref.family), "") or str(ref.first_seen or "")
        seen = {fam: dates.get(model_line(fam), "") for fam in _close_holders(f, tight=True)}
        if when and any(first and first < when and not owning(makers, orgs.get(fam, ""))
                        for fam, first in seen.items()):
            return "", ""
    return org, ref.family
