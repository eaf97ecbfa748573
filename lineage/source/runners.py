"""The ways a file runs Python source it holds as text, for lineage/source/packed.py: the builtins
(`exec`, `eval`, `compile`) and the standard library's other runners of source (`timeit`, `code`'s
interpreters, the debuggers and profilers), and a new interpreter given the text after `-c`
(`subprocess.run([sys.executable, "-c", text])`, `os.system("python -c '...'")`).  Which argument
holds the source is said here; what it holds is read by lineage/source/unpack.py."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Callable

BUILTINS = frozenset({"exec", "eval", "builtins.exec", "builtins.eval", "compile", "builtins.compile"})
# objects whose methods run source: what `_dotted` names `code.InteractiveConsole()` after the call
CONSTRUCTORS = frozenset({"code.InteractiveInterpreter", "code.InteractiveConsole", "timeit.Timer", "pdb.Pdb",
                          "bdb.Bdb", "cProfile.Profile", "profile.Profile", "trace.Trace"})
_METHODS = {"code.InteractiveInterpreter()": ("runsource", "runcode"),
            "code.InteractiveConsole()": ("runsource", "runcode", "push"),
            "pdb.Pdb()": ("run", "runeval", "runctx"), "bdb.Bdb()": ("run", "runeval", "runctx"),
            "cProfile.Profile()": ("run", "runctx"), "profile.Profile()": ("run", "runctx"),
            "trace.Trace()": ("run", "runctx")}
# runner -> the keywords its source may be given as, in the order of its positional arguments
SOURCE_ARGUMENTS: dict[str, tuple[str, ...]] = {
    **{name: ("source",) for name in BUILTINS},
    **{f"timeit.{f}": ("stmt", "setup") for f in ("timeit", "repeat", "Timer")},
    **{f"{m}.compile_command": ("source",) for m in ("code", "codeop")},
    **{f"{m}.{f}": ("statement",) for m in ("pdb", "cProfile", "profile") for f in ("run", "runctx")},
    "pdb.runeval": ("expression",),
    **{f"{obj}.{f}": ("cmd",) for obj, methods in _METHODS.items() for f in methods},
}
RUNNERS = frozenset(SOURCE_ARGUMENTS)
# a new process started with arguments; `-c` among them hands the next to an interpreter
SHELLS = frozenset({
    "os.system", "os.popen", "pty.spawn", "os.posix_spawn", "os.posix_spawnp",
    *(f"subprocess.{f}" for f in ("run", "call", "check_call", "check_output", "Popen", "getoutput",
                                  "getstatusoutput")),
    *(f"os.{f}" for f in ("execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp", "execvpe",
                          "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnvp", "spawnvpe")),
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"})
# how a file spells the runners besides the builtins (the hints of lineage/source/packed.py)
HINT = (r"\btimeit\b|Interactive(?:Interpreter|Console)|compile_command|\brun(?:ctx|eval)\b|\bpdb\b|\bbdb\b"
        r"|\bcProfile\b|(?:import|from)\s[^\n]*\b(?:profile|trace)\b|(?<![\w-])-c\b")


def source_arguments(call: ast.Call, called: str) -> list[ast.expr]:
    """The arguments of a runner's call that hold the source it runs (positional or keyword)."""
    names = SOURCE_ARGUMENTS.get(called, ())
    out = list(call.args[: len(names)])
    out += [k.value for k in call.keywords if k.arg in names[len(out):]]
    return out


def after_dash_c(call: ast.Call, value: Callable[[ast.expr], object],
                 elements: Callable[[ast.expr], list[ast.expr] | None]) -> str | None:
    """What a new process is handed after `-c`: the program it runs (``value`` reads an
    argument's text, ``elements`` the items of a list of arguments), or None."""
    words: list[object] = []
    for arg in [*call.args, *(k.value for k in call.keywords if k.arg in ("args", "argv"))]:
        items = elements(arg)
        for item in items if items is not None else [arg]:
            text = value(item)
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            if items is None and isinstance(text, str) and " -c" in text:
                try:
                    words.extend(shlex.split(text))  # (a command line: `python -c '...'`)
                except ValueError:
                    words.append(text)
            else:
                words.append(text)
    hits = [i for i, w in enumerate(words[:-1]) if w == "-c"]
    return next((w for i in hits if isinstance(w := words[i + 1], str)), None)
