"""A per-file work budget, so no single file can hold a scan for minutes.

Measured in CPU seconds of the process doing the work (a fork worker or the scan itself),
not wall time: a loaded machine slows every file alike, and the same file must not pass
on one run and fail on the next because the neighbours were busy.  The budget is checked
between stages, in long loops and, through tree-sitter's progress callback, inside the
parser (not inside the query: tree-sitter 0.26.1 crashes on a query progress callback, and
the query only ever sees error-free subtrees, where it is linear).  A file that runs out
becomes a per-file error, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

FILE_BUDGET_SECONDS = 5.0


class OverBudget(Exception):
    """Raised inside the parse/fingerprint stages; turned into a FileError by their caller."""

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(f"too costly to analyse: over the {seconds:g}-second per-file budget ({stage})")


@dataclass
class Budget:
    """CPU seconds allowed from creation; ``check`` raises OverBudget once they are spent."""

    seconds: float = field(default_factory=lambda: FILE_BUDGET_SECONDS)  # read when created
    start: float = field(default_factory=time.process_time)
    _ticks: int = 0

    def _sampled(self) -> bool:
        """Whether this call of a frequent callback reads the clock (a system call)."""
        self._ticks += 1
        return self._ticks % 64 == 0

    def spent(self) -> bool:
        return time.process_time() - self.start > self.seconds

    def check(self, stage: str) -> None:
        if self.spent():
            raise OverBudget(stage, self.seconds)

    def cancel_parse(self, _offset: int, _has_error: bool) -> bool:
        """tree-sitter parser progress callback: True cancels the parse."""
        return self._sampled() and self.spent()

    def tick(self, stage: str) -> None:
        """``check`` for a loop: reads the clock one call in 64."""
        if self._sampled():
            self.check(stage)
