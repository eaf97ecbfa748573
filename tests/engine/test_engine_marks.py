"""Wrappers a review put around copied statements, read as the statements (`lex-v46`):

- a `with` of a call given constants alone, no `as` (`with torch.profiler.record_function('x'):`,
  `with torch.cuda.nvtx.range('x'):`) around every few statements;
- `try: ... except Exception: _report('f'); raise`, telemetry before re-raising;
- `if TYPE_CHECKING: reveal_type(x)` after statements, the name imported from `typing`.

What takes the code's values, binds a name or may be another's stays.  Fixture code is our own."""

from __future__ import annotations

import textwrap

import pytest

from tests.engine.test_engine_flags import BODY
from tests.engine.test_engine_wrapped import class_prints

HEAD = "import torch\nfrom typing import TYPE_CHECKING\nfrom acme.telemetry import report as _report\n\n\n"


def _grouped(opener: str, closer: str = "", every: int = 3, head: str = HEAD) -> str:
    """Our own attention forward (tests/engine/test_engine_flags.BODY), every ``every`` statements
    put under ``opener`` (indented one level), ``closer`` after each group; no opener: as written."""
    lines = ["class Mixer:", "    def forward(self, hidden):"]
    statements = BODY + ["return out"]
    for at in range(0, len(statements), every):
        group = statements[at:at + every]
        if opener:
            lines.append("        " + opener.format(n=at))
            lines += ["            " + s for s in group]
            lines += [textwrap.indent(closer, "        ")] if closer else []
        else:
            lines += ["        " + s for s in group]
    return head + "\n".join(lines) + "\n"


def _after(pad: str, head: str = HEAD) -> str:
    """Our own attention forward, ``pad`` (``{v}``: the name just bound) after every assignment."""
    lines = ["class Mixer:", "    def forward(self, hidden):"]
    for statement in BODY:
        lines.append("        " + statement)
        lines += [textwrap.indent(pad.format(v=statement.split(" = ")[0]), "        ")]
    lines.append("        return out")
    return head + "\n".join(lines) + "\n"


PLAIN = _grouped("")


@pytest.mark.parametrize("opener, every", [
    ("with torch.profiler.record_function('acme::forward:{n}'):", 3),
    ("with torch.profiler.record_function('acme::forward:{n}'):", 1),
    ("with torch.cuda.nvtx.range('step {n}'):", 4),
    ("with torch.no_grad():", 10),
])
def test_a_context_given_constants_reads_as_its_body(opener: str, every: int) -> None:
    assert class_prints(_grouped(opener, every=every)) == class_prints(PLAIN)


@pytest.mark.parametrize("opener", [
    "with torch.profiler.record_function(self.name):",  # the object's value
    "with torch.autocast('cuda', dtype=hidden.dtype):",  # the code's value
    "with torch.profiler.record_function('x') as _rf{n}:",  # binds a name
    "with self.lock:",  # no call
    "with self.profile('x'):",  # a method of the object: the code's own
])
def test_a_context_that_takes_the_code_s_values_stays(opener: str) -> None:
    assert class_prints(_grouped(opener)) != class_prints(PLAIN)


@pytest.mark.parametrize("closer", [
    "except Exception:\n    _report('forward')\n    raise",
    "except Exception as exc:\n    _report('forward', exc, code=3)\n    raise exc",
    "except (ValueError, KeyError):\n    _report()\n    raise",
])
def test_a_handler_that_reports_and_re_raises_reads_as_the_try_body(closer: str) -> None:
    assert class_prints(_grouped("try:", closer)) == class_prints(PLAIN)


@pytest.mark.parametrize("closer", [
    "except Exception:\n    _report(hidden)\n    raise",  # hands on the code's value
    "except Exception:\n    _report('forward')\n    return hidden",  # returns another value
    "except Exception:\n    _report('forward')\n    raise\nelse:\n    _report('ok')",  # an `else` of its own
])
def test_a_handler_that_does_more_stays(closer: str) -> None:
    assert class_prints(_grouped("try:", closer)) != class_prints(PLAIN)


@pytest.mark.parametrize("pad, head", [
    ("if TYPE_CHECKING:\n    reveal_type({v})", HEAD),
    ("if typing.TYPE_CHECKING:\n    reveal_type({v})", "import typing\n\n\n"),
    ("if TYPE_CHECKING:\n    reveal_type({v})\nelse:\n    pass", HEAD),
    ("if TYPE_CHECKING:\n    reveal_type({v})", "from typing_extensions import Any, TYPE_CHECKING\n\n\n"),
])
def test_type_checking_blocks_read_as_absent(pad: str, head: str) -> None:
    assert class_prints(_after(pad, head)) == class_prints(_grouped("", head=head))


@pytest.mark.parametrize("head", [
    "TYPE_CHECKING = True\n\n\n",  # the module's own flag
    "from typing import TYPE_CHECKING\nTYPE_CHECKING = True\n\n\n",  # bound again
    "from acme.flags import TYPE_CHECKING\n\n\n",  # another module's
    "from typing import TYPE_CHECKING as TC, Any as TYPE_CHECKING\n\n\n",  # another name under it
])
def test_a_type_checking_flag_that_may_be_true_stays(head: str) -> None:
    pad = "if TYPE_CHECKING:\n    reveal_type({v})"
    assert class_prints(_after(pad, head)) != class_prints(_grouped("", head=head))
