"""An exclusive lock on a chain data directory, held for as long as the chain is open."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import ChainLockedError

LOCK_FILE = "chain.lock"


class DirectoryLock:
    """``flock`` on ``<data_dir>/chain.lock``; released by ``release()`` or when the process dies.

    flock locks belong to an open file, so a second open in the same process is refused too.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip()
            os.close(fd)
            raise ChainLockedError(data_dir, f"process {holder}" if holder else None) from None
        # Record the holder for the error message above; the lock itself is the flock.
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
