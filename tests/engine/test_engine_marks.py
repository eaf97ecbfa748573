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
    """Three methods of our own attention forward (tests/engine/test_engine_flags.BODY), every
    ``every`` statements put under ``opener`` (indented one level), ``closer`` after each group; no
    opener: as written."""
    lines = ["class Mixer:"]
    statements = BODY + ["return out"]
    for method in ("forward", "forward_cached", "forward_chunked"):
        lines.append(f"    def {method}(self, hidden):")
        for at in range(0, len(statements), every):
            group = statements[at:at + every]
            if opener:
                lines.append("        " + opener.format(n=at))
                lines += ["            " + s for s in group]
                lines += [textwrap.indent(closer, "        ")] if closer else []
            else:
                lines += ["        " + s for s in group]
        lines.append("")
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
    ("with torch.profiler.record_function('acme::forward:{n}'):", 3),  # (twelve)
    ("with torch.profiler.record_function('acme::forward:{n}'):", 1),
    ("with torch.cuda.nvtx.range('step {n}'):", 4),  # (nine)
    ("with torch.no_grad():", 3),
])
def test_a_context_given_constants_repeated_reads_as_its_body(opener: str, every: int) -> None:
    assert class_prints(_grouped(opener, every=every)) == class_prints(PLAIN)


@pytest.mark.parametrize("opener, every", [
    ("with torch.no_grad():", 10),  # three in the module: the code's own (it changes what runs)
    ("with torch.profiler.record_function('acme::forward:{n}'):", 5),  # six
])
def test_a_context_used_a_few_times_stays(opener: str, every: int) -> None:
    assert class_prints(_grouped(opener, every=every)) != class_prints(PLAIN)


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
    "except Exception:\n    _report('forward')",  # swallows the exception: the call acts
    "finally:\n    _report('done')",  # runs every time
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


@pytest.mark.parametrize("pad", [
    "if {v} is None:\n    raise RuntimeError('acme: {v} unset')",
    "if not {v}:\n    raise ValueError",
    "if {v} is None or self.strict is False:\n    raise AssertionError('unset', 3)",
])
def test_guards_that_only_raise_repeated_read_as_absent(pad: str) -> None:
    """Nine in one method (eight or more in a module's function bodies, by what they raise)."""
    assert class_prints(_after(pad)) == class_prints(_after_plain())


def _after_plain() -> str:
    """`_after` with `pass` after every assignment (read as absent): the same lines, nothing in them."""
    return _after("pass")


@pytest.mark.parametrize("pad", [
    "if {v} is None:\n    raise RuntimeError(f'acme: {{{v}}} unset')",  # the message reads the code's value
    "if self.check({v}):\n    raise RuntimeError('bad')",  # the condition calls the code
    "if {v} is None:\n    raise RuntimeError('unset')\nelse:\n    {v} = {v} * 2",  # another branch acts
])
def test_guards_that_take_the_code_s_values_stay(pad: str) -> None:
    assert class_prints(_after(pad)) != class_prints(_after_plain())


def test_a_few_guards_stay() -> None:
    text = _after_plain()
    for name in ("query", "key", "scores"):
        text = text.replace(f"        {name} = ", f"        if hidden is None:\n            raise RuntimeError('x')\n"
                                                  f"        {name} = ", 1)
    assert text.count("raise RuntimeError") == 3
    assert class_prints(text) != class_prints(_after_plain())


def test_guards_of_what_the_function_was_given_stay() -> None:
    """Nine guards of the parameter, not of what was just computed: real code's validation."""
    pad = "if hidden is None:\n    raise ValueError('hidden is required')"
    assert class_prints(_after(pad)) != class_prints(_after_plain())


@pytest.mark.parametrize("pad", [
    "if __debug__:\n    _report({v}, '{v}')",  # (`lex-v47`: runs when asserts do, read as they are)
    "if __debug__:\n    assert {v} is not None\n    _report('{v}')",
])
def test_debug_mode_blocks_read_as_absent(pad: str) -> None:
    assert class_prints(_after(pad)) == class_prints(_after_plain())


def test_a_debug_mode_block_with_another_branch_stays() -> None:
    pad = "if __debug__:\n    _report({v})\nelse:\n    {v} = {v} * 2"
    assert class_prints(_after(pad)) != class_prints(_after_plain())


@pytest.mark.parametrize("pad", [
    "_TRACER.step(self, 'forward')",  # (`lex-v47`: handed the method's object besides constants)
    "acme_trace.mark(self, stage=3)",
    "_TRACER.step(self, {v})",  # an imported observer handed the name just bound
    "acme_trace.observe('{v}', {v})",
])
def test_calls_handed_the_object_and_constants_repeated_read_as_absent(pad: str) -> None:
    head = HEAD + "from acme.debug import TRACER as _TRACER\nimport acme_trace\n\n\n"
    assert class_prints(_after(pad, head)) == class_prints(_after("pass", head))


@pytest.mark.parametrize("pad", [
    "_TRACER.step(self.query, 'forward')",  # an attribute of the object: the code's value
    "setattr(self, 'stage', 3)",  # a builtin given the object changes it
    "_TRACER.step(self, hidden)",  # the code's value besides (not the one just bound)
    "self._seen.append({v})",  # the object's own collection of the code's values
    "_TRACER.step({v}.sum(), 'x')",  # computed from it
])
def test_calls_handed_the_object_and_the_code_s_values_stay(pad: str) -> None:
    head = HEAD + "from acme.debug import TRACER as _TRACER\nimport acme_trace\n\n\n"
    assert class_prints(_after(pad, head)) != class_prints(_after("pass", head))


def test_the_object_of_a_decorated_method_is_its_first_parameter() -> None:
    """`_TRACER.step(self, 'forward')` after every statement of a decorated method (a decorated
    method's first parameter was read as the function's own value before `lex-v47`)."""
    head = HEAD + "from acme.debug import TRACER as _TRACER\n\n\n"
    decorate = "    @torch.no_grad()\n    def forward"
    decorated = _after("_TRACER.step(self, 'forward')", head).replace("    def forward", decorate)
    plain = _after("pass", head).replace("    def forward", decorate)
    assert class_prints(decorated) == class_prints(plain)
