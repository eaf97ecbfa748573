"""A unit of shared code that is part of a file copied whole: which file, and how to say so.

Code many lines hold cannot convict on its own (classify/codematch.shared_by), but when the
scanned file is one source's file as a whole (classify/wholecopy.whole_file), or holds a file
whole beside other code (classify/alsowhole.py), each of its units holding that file's code is
part of that copy, rated medium.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


WHOLE_FILE = 0.9  # a source explaining this share of a file, or its file held at this share: classify/fileverdict.py


@dataclass(frozen=True)
class WholeFile:
    """The scanned file as a whole is a copy of this source family's file (family key, path),
    which explains `score` of it, `margin` more than any other organisation's family."""

    family: str
    path: str
    score: float
    margin: float
    contains: float = 0.0  # share of that file the scanned file holds as a copy
    # the files of one directory that hold it together, read as one (classify/together.py), or () for the file alone
    across: tuple[str, ...] = ()
    # held beside other code (classify/alsowhole.py): "joined", a second maker's whole file beside the
    # file's source's; "other", the source's own whole file beside another source's code; "" otherwise
    beside: str = ""


def listed(paths: Sequence[str], shown: int = 4) -> str:
    """Paths, the first few named and "and N more"."""
    return ", ".join(paths[:shown]) + (f" and {len(paths) - shown} more" if len(paths) > shown else "")


def part_sentence(whole: WholeFile) -> str:
    """Why a unit of shared code is rated medium: the whole file it is part of ("... so it is rated
    medium as part of that copy.")."""
    what = f"a copy of {whole.family}'s file" if whole.contains >= WHOLE_FILE else f"{whole.family}'s code"
    if whole.beside:
        beside = ("its source's, two models' files joined into one" if whole.beside == "joined"
                  else "code of another source")
        return (f"the file holds {whole.family}'s whole file ({whole.path}: {whole.contains:.0%} of it, as closely "
                f"as any family holds that code and more than any other maker's file) beside {beside}, so it is "
                "rated medium as part of that copy.")
    if whole.across:
        return (f"this file and {len(whole.across) - 1} more of its package, read together ({listed(whole.across)}), "
                f"are {what} ({whole.path}: it explains {whole.score:.0%} of their code, another organisation's best "
                f"family {whole.margin:.0%} less; they hold {whole.contains:.0%} of it), so it is rated medium as "
                "part of that copy, split across files.")
    return (f"the file as a whole is {what} ({whole.path}: it explains {whole.score:.0%} of the file, another "
            f"organisation's best family {whole.margin:.0%} less; the file holds {whole.contains:.0%} of it), so it "
            "is rated medium as part of that copy.")
