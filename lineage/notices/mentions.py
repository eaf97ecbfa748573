"""credits(): the vendors a repository NOTICE file credits in words, not in copyright lines.

A NOTICE line keeps an upstream notice when it attributes: Apache's "This product includes
software developed by X", "Portions of this code are adapted from X", "based on / derived from
X", "X's weights are licensed under ...".  Naming X is not enough: a disclaimer ("Solaris AI is
not affiliated with, endorsed by or derived from X"), a denial ("contains no code from X", "an
independent implementation of X's architecture") and a sentence with no attribution word in
it ("Qwen is a trademark of Alibaba Cloud", "thanks to X") credit no one.  A trademark notice
says who owns a name, not where code came from.

Sentences are read across wrapped lines.  Only the words before a sentence's first negation
count, so "includes code from X, not from Y" credits X alone; a negation that governs nothing
("... without modification, from X") therefore also drops X, which errs towards a finding.  A
heading that attributes ("This product includes the following software:") credits the list
under it.  Copyright lines are the holder detectors' and are skipped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lineage.notices.fallback import comment_text
from lineage.notices.holders import holder_orgs
from lineage.notices.records import Notice

_FROM = r"(?:copied|taken|borrowed|forked|modified|ported|obtained|reproduced|sourced|originat\w*)\s+from"
_BY = (r"(?:developed|written|created|authored|contributed|provided|produced|published|released|made|trained)"
       r"\s+(?:by|at)")
_WORK = r"(?:code|software|implementation|weights|work|files?)\s+(?:from|of|by)"
_ENGLISH = (
    r"includ\w*|contain\w*|bundl\w*|incorporat\w*|(?:based|built)\s+(?:on|upon|with)|deriv\w*"
    rf"|adapt\w*|{_FROM}|{_BY}|{_WORK}|portions?|licen[cs]\w*|courtesy\s+of|credit\w*|attribut\w*|copyright"
)
_CUE = re.compile(rf"\b(?:{_ENGLISH})\b|©|\(c\)|包含|包括|基于|源自|来自|衍生|派生|改编|移植|修改自|许可|授权|版权|开发",
                  re.IGNORECASE)
NEGATION = re.compile(
    r"\b(?:not|no|nor|neither|never|none|without|unaffiliated|non-affiliated|independent(?:ly)?)\b"
    r"|\w+n['’]t\b|cannot|不|非|无|未|没有|并非",
    re.IGNORECASE,
)
# what a sentence must speak of to credit anyone: code, not weights, data, templates or benchmarks
# ("Qwen weights are licensed by Alibaba Cloud", "trained on data produced by ... models")
_CODE = re.compile(
    r"\b(?:code|codes|software|source|sources|implementations?|modell?ing|library|libraries|components?|portions?"
    r"|files?|modules?|programs?|derivative|packages?|copyright)\b|©|\(c\)|代码|软件|源码|版权",
    re.IGNORECASE)
# a sentence ends at . ! ? before a word that is not lower case ("Apple Inc. and Google" goes on),
# at ; and : before a space, and at CJK stops; a ":" sentence is a heading over what follows
_END = re.compile(r"[.!?]+(?=\s+[^\sa-z])|[;:](?=\s)|[。；！？：]")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s")


@dataclass(frozen=True)
class _Sentence:
    pieces: tuple[tuple[int, str], ...]  # (line number, the sentence's text on that line)
    heading: bool  # ends with a colon: it speaks for the sentences under it
    opens_block: bool  # the first sentence of a paragraph or list item
    item: bool  # the first sentence of a list item

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.pieces)


def _blocks(numbered: Sequence[tuple[int, str]], taken: set[int]) -> Iterator[list[tuple[int, str, bool]]]:
    """Runs of consecutive prose lines, (number, text, is a list item): a blank line, a copyright
    line or a gap in the numbering ends one, a list item starts one."""
    block: list[tuple[int, str, bool]] = []
    last = -1
    for number, line in numbered:
        text = comment_text(line)
        item = _BULLET.match(line) is not None
        if number in taken or not text or number != last + 1 or item:
            if block:
                yield block
            block = []
        last = number
        if number not in taken and text:
            block.append((number, text, item))
    if block:
        yield block


def _sentences(block: list[tuple[int, str, bool]]) -> Iterator[_Sentence]:
    """The block's sentences, each with the lines it runs over."""
    joined, starts = "", []
    for number, text, _ in block:
        starts.append((len(joined), number))
        joined += text + " "
    cuts = [m.end() for m in _END.finditer(joined)]
    begin = 0
    for end in [*cuts, len(joined)]:
        pieces = []
        for i, (offset, number) in enumerate(starts):
            stop = starts[i + 1][0] if i + 1 < len(starts) else len(joined)
            text = joined[max(begin, offset):min(end, stop)].strip()
            if text:
                pieces.append((number, text))
        if pieces:
            heading = pieces[-1][1].endswith((":", "："))
            yield _Sentence(tuple(pieces), heading, begin == 0, begin == 0 and block[0][2])
        begin = end


def _affirmed(sentence: _Sentence) -> tuple[tuple[int, str], ...]:
    """The sentence's pieces cut at its first negation: what it says before denying anything."""
    out: list[tuple[int, str]] = []
    for number, text in sentence.pieces:
        negation = NEGATION.search(text)
        if negation is None:
            out.append((number, text))
            continue
        if text[: negation.start()].strip():
            out.append((number, text[: negation.start()]))
        break
    return tuple(out)


def _credited(sentence: _Sentence, heading: str) -> Iterator[tuple[int, str, str, str]]:
    """(line, org, country, kind) of each organisation the sentence credits, under a heading that
    credits, denies or is "" (none, or one that says neither)."""
    affirmed = _affirmed(sentence)
    words = " ".join(text for _, text in affirmed)
    if heading == "denies" or not (heading == "credits" or (_CUE.search(words) and _CODE.search(words))):
        return
    for org, country, kind in holder_orgs(words):
        line = next((n for n, text in affirmed if any(o == org for o, _, _ in holder_orgs(text))), affirmed[0][0])
        yield line, org, country, kind


def credits(numbered: Sequence[tuple[int, str]], taken: set[int]) -> list[Notice]:
    """Vendor organisations that the lines of a NOTICE file (other than the ``taken`` copyright
    lines) credit with code, one Notice per sentence and organisation, at the line naming it."""
    lines = {number: comment_text(line) for number, line in numbered}
    notices: list[Notice] = []
    heading = ""
    for block in _blocks(numbered, taken):
        for sentence in _sentences(block):
            if sentence.opens_block and not sentence.item:
                heading = ""  # a new paragraph, not a list item under the heading
            for line, org, country, kind in _credited(sentence, heading):
                if kind == "vendor":
                    notices.append(Notice(org, lines[line], line, org, country, kind))
            if sentence.heading and _CUE.search(sentence.text):
                # "... includes the following:" credits its list, "... does not include ...:" denies it
                heading = "denies" if NEGATION.search(sentence.text) else "credits"
            elif sentence.heading:
                heading = ""
    return notices
