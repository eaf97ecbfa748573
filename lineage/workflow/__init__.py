"""lineage.workflow: the three ways people use lineage beyond a one-off scan.

- ``baseline`` and ``pragma``: what a team has already reviewed and accepted;
- ``hook``: the pre-commit check of staged content against the baseline;
- ``verify``: a reproducible exhibit for (or against) an accusation;
- ``history``: when matched code first appeared in a git repository and how its
  copyright notices changed since.

Library code only: nothing here prints or exits; ``lineage.cli`` does that.
"""

from __future__ import annotations
