"""Run a command in a fresh parent and read back the child's peak resident memory."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_PROBE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@dataclass(frozen=True)
class Peak:
    code: int
    stderr: str
    kilobytes: int


def peak_run(cmd: list[str], env: dict[str, str], cwd: Path) -> Peak:
    """The parent runs only `cmd`, so RUSAGE_CHILDREN is that command's peak alone."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *cmd], env=env, cwd=cwd, capture_output=True,
                          text=True, check=True)
    code, kilobytes = done.stdout.split()
    return Peak(int(code), done.stderr, int(kilobytes))
