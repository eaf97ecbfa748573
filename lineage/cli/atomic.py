"""Replace an output file whole or not at all.

A report is written to a temporary file beside its target and renamed over it, so a run
that fails half-way (a crash, a full disk, Ctrl-C) leaves the previous file as it was,
never truncated.  Targets that are not regular files (``/dev/null``, ``/dev/stdout``, a
FIFO) are written in place: renaming over them would replace a device with a file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; a new file gets the usual umask mode, an existing
    one keeps its mode.  A symlink is followed: its target is the file replaced."""
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "wb") as out:
            out.write(data)
        return
    if not target.parent.is_dir():  # else the error would name the temporary file, not `path`
        raise FileNotFoundError(errno.ENOENT, f"cannot write: directory {target.parent} does not exist", str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot write: {exc.strerror or exc}", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
