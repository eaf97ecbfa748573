"""Vestiges: traces in a copied unit that only make sense for the reference model.

Three general mechanisms, with the per-model facts as data (corpora/vestiges.toml):
name stems of the reference surviving in renamed code, feature names specific to the
reference model line, and the reference models' sizes appearing as magic numbers.  Only
units already matched to that reference (beyond common idioms) are examined, so a vestige
is always tied to a code match a reviewer can check.
"""

from __future__ import annotations

import io
import re
import textwrap
import tokenize
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lineage.data import load_table, table_error
from lineage.classify.codematch import shared_code
from lineage.details import CodeMatchDetails, Vestige, VestigeDetails
from lineage.compact.files import CompactFile
from lineage.models import Finding
from lineage.parse.lines import numbered_lines
from lineage.vocab import NOT_EVIDENCE, finding_id, model_line

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


@dataclass(frozen=True)
class LineFacts:
    stems: tuple[str, ...]
    features: tuple[str, ...]
    constants: tuple[int, ...]


@lru_cache(maxsize=2)
def load_facts(path: str = "") -> dict[str, LineFacts]:
    data = load_table("vestiges.toml", path)
    try:
        return {
            name: LineFacts(tuple(e.get("stems", [])), tuple(e.get("features", [])),
                            tuple(int(c) for c in e.get("constants", [])))
            for name, e in data.get("line", {}).items()
        }
    except (AttributeError, TypeError, ValueError) as exc:
        raise table_error("vestiges.toml", str(exc), path) from None


def _hits(lines: Sequence[str], start: int, facts: LineFacts, own: str) -> list[tuple[int, str, str]]:
    """(line, kind, token) for every vestige token in the unit's lines, comments and docstrings
    aside: prose that cites a model ("an idea we took from the DeepSeek-V2 paper") is no trace of
    its code (a stranger's review: a textbook rotary function read "traces of deepseek_v2", medium)."""
    found = []
    stems = [s for s in facts.stems if s not in own]
    features = {f.lower() for f in facts.features}
    constants = {str(c) for c in facts.constants}
    prose, comments = _prose(lines)
    for offset, text in enumerate(lines):
        if offset in prose:
            continue
        # (a comment as the tokenizer finds it: a "#" inside a string starts none, `_tag = "#"; x = v_lora_rank`)
        code = text[:comments.get(offset, len(text))] if comments is not None else text.split("#", 1)[0]
        for token in _WORD.findall(code):
            low = token.lower()
            if any(s in low for s in stems):
                found.append((start + offset, "name", token))
            elif low in features or any(low.endswith("_" + f) or low.startswith(f + "_") for f in features
                                          if len(f) > 3):
                found.append((start + offset, "feature", token))
            elif token in constants:
                found.append((start + offset, "constant", token))
    return list(dict.fromkeys(found))  # `self.x = config.x` names its trace once per line


def _prose(lines: Sequence[str]) -> tuple[set[int], dict[int, int] | None]:
    """(offsets of the lines a string standing as a statement of its own, a docstring, takes up;
    per line offset, the column its comment starts at), as the tokenizer reads the lines; (none,
    None) when they do not tokenize (a unit cut out of a file with a syntax error)."""
    out: set[int] = set()
    if not any("#" in line or '"""' in line or "\'\'\'" in line or line.lstrip().startswith(("'", '"'))
               for line in lines):
        return out, {}
    text = "\n".join(lines)
    dedented = textwrap.dedent(text)
    # (the columns of the lines as they stand: the common indent dedent took off is put back)
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0) \
        if dedented != text else 0
    try:
        every = list(tokenize.generate_tokens(io.StringIO(dedented + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out, None
    comments = {t.start[0] - 1: t.start[1] + indent for t in every if t.type == tokenize.COMMENT}
    tokens = [t for t in every if t.type not in (tokenize.COMMENT, tokenize.NL)]
    for before, tok, after in zip([None, *tokens], tokens, [*tokens[1:], None]):
        if tok.type == tokenize.STRING and after is not None and after.type in (tokenize.NEWLINE, tokenize.ENDMARKER) \
                and (before is None or before.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)):
            out.update(range(tok.start[0] - 1, tok.end[0]))
    return out, comments


_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _name_words(path: str, unit: str) -> set[str]:
    """The words of a file's own name and of a unit's names (`modeling_llama.py`, `LlamaMLP.forward`:
    modeling, llama, mlp, forward), digits dropped: whole words, not folders (`compat_qwen_style/`),
    but for the first word of the file's own folder (`models/qwen3/language.py`, `deepseek_v3/`:
    mlx-vlm keeps each model's files in a folder named after it, and 25 of its files read medium
    "traces" of the very model they implement: a stranger's review)."""
    folder = path.rsplit("/", 2)[-2] if "/" in path else ""
    names = [path.rsplit("/", 1)[-1].rsplit(".", 1)[0], *unit.split(".")]
    return {w for name in names for w in _words(name)} | set(_words(folder)[:1])


def _words(name: str) -> list[str]:
    """A name's words in order, lower case, digits dropped (`Glm4MoeRMSNorm`: glm, moe, rms, norm)."""
    return [w.lower() for part in re.split(r"[\W_\d]+", name) for w in _CAMEL.findall(part) or [part] if w]


def vestige_findings(compacted: Sequence[CompactFile], findings: Sequence[Finding]) -> list[Finding]:
    facts = load_facts()
    texts = {cf.path: numbered_lines(cf.text) for cf in compacted}
    out = []
    for f in findings:
        if f.kind != "code-match" or f.role in NOT_EVIDENCE or f.severity == "info":
            continue
        ref = f.matches[0].ref
        line = model_line(ref.family)
        if line not in facts:
            continue
        own = (f.path + " " + f.unit).lower()
        # the file or class names the model it implements (`modeling_llama.py`, `LlamaMLP`): its
        # features and sizes are that model's by design (a stranger's review: ktransformers' llama read
        # "traces of llama: pretraining_tp", medium); said, but low (a name is cheap to give)
        named = bool(set(facts[line].stems) & _name_words(f.path, f.unit))
        lines = texts.get(f.path, [])[f.start_line - 1: f.end_line]
        hits = _hits(lines, f.start_line, facts[line], own)
        if not hits:
            continue
        kinds = sorted({k for _, k, _ in hits})
        listed = ", ".join(f"line {n}: {tok} ({k})" for n, k, tok in hits[:8])
        holders = f.details.holders if isinstance(f.details, CodeMatchDetails) else 0
        shared = isinstance(f.details, CodeMatchDetails) and shared_code(f.details)
        # code that many model lines hold carries their names too: a trait of one of them says little
        # (lines of one maker: that maker's traits, whichever of its models had them)
        strong = ("name" in kinds or "feature" in kinds) and not shared and not named
        explanation = (
            f"{f.unit} was matched to {ref.unit} ({ref.family}, {ref.org}) and still carries traces of that "
            f"model: {listed}{' ...' if len(hits) > 8 else ''}. Check whether your model has these features "
            "or sizes; if not, the code was carried over from the reference."
        )
        if named:
            explanation += (f" The file names {line} as the model it implements ({f.path.rsplit('/', 1)[-1]}, "
                            f"{f.unit}): its features are that model's by design, so these traces are rated low.")
        elif shared:
            explanation += (f" {holders} model lines hold this code about as closely, and theirs may carry the same "
                            "names, so these traces are rated low: they say little about which of them it came from.")
        details = VestigeDetails(tuple(Vestige(n, k, tok) for n, k, tok in hits), line)
        out.append(Finding(
            finding_id(f.path, f.unit, ref.family, "vestige", ",".join(sorted({t for _, _, t in hits}))),
            "vestige", f.path, hits[0][0], hits[-1][0], f.unit, f.role, f.attribution,
            "medium" if strong else "low", f.matches[:1], explanation, details,
        ))
    return out


def traces_clause(vestiges: Sequence[Finding]) -> str:
    """The file verdict's clause for its medium vestige findings: the model lines whose names or
    features the code still carries, with a few of the tokens."""
    tokens: dict[str, list[str]] = defaultdict(list)
    for f in vestiges:
        if f.severity == "medium" and isinstance(f.details, VestigeDetails):
            tokens[f.details.reference_line].extend(v.token for v in f.details.vestiges if v.kind in ("name", "feature"))
    parts = []
    for line, toks in sorted(tokens.items()):
        shown = list(dict.fromkeys(toks))
        parts.append(f"{line} ({', '.join(shown[:4])}{' ...' if len(shown) > 4 else ''})")
    return f"; carries traces of {', '.join(parts)} (medium: check whether your model has these features)" if parts else ""
