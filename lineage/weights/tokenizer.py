"""Vocabulary, special-token and chat-template overlap between two model directories.

A shared tokenizer is common and often legitimate (teams adopt open tokenizers), so these
are measured and reported as red flags of graded severity, not verdicts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lineage.weights.files import read_json, read_text
from lineage.weights.models import RedFlag, VocabOverlap

JACCARD_HIGH = 0.9
JACCARD_LOW = 0.5


def vocabulary(root: Path) -> dict[str, int] | None:
    """Token string -> id, from tokenizer.json, vocab.json or vocab.txt (first found)."""
    data = read_json(root, "tokenizer.json")
    if isinstance(data, dict):
        vocab: dict[str, int] = {}
        model = data.get("model")
        raw = model.get("vocab") if isinstance(model, dict) else None
        if isinstance(raw, dict):
            vocab = {str(k): v for k, v in raw.items() if isinstance(v, int)}
        elif isinstance(raw, list):  # Unigram: [[piece, score], ...], id = position
            vocab = {str(e[0]): i for i, e in enumerate(raw) if isinstance(e, list) and e}
        for token in data.get("added_tokens") or []:
            if isinstance(token, dict) and isinstance(token.get("id"), int):
                vocab[str(token.get("content"))] = token["id"]
        if vocab:
            return vocab
    data = read_json(root, "vocab.json")
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items() if isinstance(v, int)}
    text = read_text(root, "vocab.txt")
    if text is not None:
        return {line: i for i, line in enumerate(text.splitlines())}
    return None


def special_tokens(root: Path) -> set[str]:
    """Special tokens declared by tokenizer.json, tokenizer_config.json and the tokens map."""
    found: set[str] = set()
    data = read_json(root, "tokenizer.json")
    if isinstance(data, dict):
        for token in data.get("added_tokens") or []:
            if isinstance(token, dict) and token.get("special") is True:
                found.add(str(token.get("content")))
    config = read_json(root, "tokenizer_config.json")
    if isinstance(config, dict) and isinstance(config.get("added_tokens_decoder"), dict):
        for token in config["added_tokens_decoder"].values():
            if isinstance(token, dict) and token.get("special") is True:
                found.add(str(token.get("content")))
    mapping = read_json(root, "special_tokens_map.json")
    if isinstance(mapping, dict):
        for value in mapping.values():
            for item in value if isinstance(value, list) else [value]:
                content = item.get("content") if isinstance(item, dict) else item
                if isinstance(content, str):
                    found.add(content)
    return found


def chat_template_digest(root: Path) -> str | None:
    """sha256 of the chat template(s), whitespace-trimmed; None when there is none."""
    parts: list[str] = []
    config = read_json(root, "tokenizer_config.json")
    template: Any = config.get("chat_template") if isinstance(config, dict) else None
    if isinstance(template, str):
        parts.append(template.strip())
    elif isinstance(template, list):
        parts += [str(t.get("template", "")).strip() for t in template if isinstance(t, dict)]
    jinja = read_text(root, "chat_template.jinja")
    if jinja is not None:
        parts.append(jinja.strip())
    side = read_json(root, "chat_template.json")
    if isinstance(side, dict) and isinstance(side.get("chat_template"), str):
        parts.append(side["chat_template"].strip())
    parts = [p for p in parts if p]
    return hashlib.sha256("\n\x00\n".join(sorted(parts)).encode()).hexdigest() if parts else None


def overlap(suspect: Path, reference: Path) -> tuple[VocabOverlap | None, tuple[RedFlag, ...]]:
    """Measure vocabulary and special-token overlap; flag large overlaps and equal templates."""
    flags: list[RedFlag] = []
    template = chat_template_digest(suspect)
    if template is not None and template == chat_template_digest(reference):
        detail = "chat template identical to the reference's"
        flags.append(RedFlag("chat-template", "medium", detail))
    ours, theirs = vocabulary(suspect), vocabulary(reference)
    if ours is None or theirs is None:
        return None, tuple(flags)
    shared = ours.keys() & theirs.keys()
    union = len(ours.keys() | theirs.keys())
    jaccard = len(shared) / union if union else 0.0
    same_id = sum(ours[t] == theirs[t] for t in shared) / len(shared) if shared else 0.0
    specials_ours, specials_theirs = special_tokens(suspect), special_tokens(reference)
    special_share = (
        len(specials_ours & specials_theirs) / len(specials_ours) if specials_ours else 0.0
    )
    result = VocabOverlap(
        suspect_tokens=len(ours),
        reference_tokens=len(theirs),
        jaccard=jaccard,
        same_id_share=same_id,
        special_suspect=tuple(sorted(specials_ours)),
        special_shared_share=special_share,
    )
    if jaccard >= JACCARD_LOW:
        severity = "medium" if jaccard >= JACCARD_HIGH else "low"
        flags.append(RedFlag(
            "shared-vocabulary", severity,
            f"vocabulary Jaccard {jaccard:.3f} with the reference; {same_id:.1%} of shared tokens "
            f"keep the same id; {special_share:.0%} of special tokens shared",
        ))
    return result, tuple(flags)
