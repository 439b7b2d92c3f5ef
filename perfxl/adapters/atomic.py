"""Atomic output: write to a temporary file beside the target, then rename into place.

An interrupted run never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".perfxl-tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes the file readable by its owner only; the output should have the
        # permissions of the file it replaces, or of any new file, so that a summary saved
        # to a shared folder stays readable by colleagues. After the fsync: the mode may
        # be read-only.
        os.chmod(tmp_path, _mode_for(target))
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp_path, stat.S_IWRITE | stat.S_IREAD)  # Windows won't unlink read-only files
            tmp_path.unlink()


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:  # no file there yet
        return 0o666 & ~_UMASK


def _umask() -> int:
    # The only portable way to read the umask is to set it; done once, at import, before
    # any thread of ours could create a file meanwhile.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()
