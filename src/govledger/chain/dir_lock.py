"""The writer's exclusive lock on a chain data directory, held for as long as the chain is open."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from ..errors import GovLedgerValueError
from .errors import ChainLockedError
from .holder import describe_holder, lock_holder, remove_writer_info, write_writer_info

LOCK_TIMEOUT_ENV = "GOVLEDGER_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0
_POLL = 0.05


def lock_timeout(seconds: float | None) -> float:
    """`seconds`, or $GOVLEDGER_LOCK_TIMEOUT, or the default: how long a writer waits for the lock."""
    if seconds is None:
        raw = os.environ.get(LOCK_TIMEOUT_ENV)
        if raw is None or not raw.strip():
            return DEFAULT_LOCK_TIMEOUT
        try:
            seconds = float(raw)
        except ValueError:
            raise GovLedgerValueError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, got {raw!r}") from None
    if not seconds >= 0:
        raise GovLedgerValueError(f"the lock timeout must be 0 or more seconds, got {seconds}")
    return seconds


class DirectoryLock:
    """``flock`` on the data directory itself; released by ``release()`` or when the process dies.

    The lock lives on the directory's inode, so no file inside it can be deleted from under the holder
    (deleting the old ``chain.lock`` file let a second writer in). flock locks belong to an open file,
    so a second open in the same process waits and is refused too.
    """

    def __init__(self, data_dir: Path, timeout: float) -> None:
        self.data_dir = data_dir
        fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = describe_holder(lock_holder(data_dir))
                    os.close(fd)
                    raise ChainLockedError(data_dir, holder, timeout) from None
                time.sleep(_POLL)
        self._fd: int | None = fd
        self.info = write_writer_info(data_dir)

    def update_info(self, **fields: object) -> None:
        """Add to what others are told about this writer (a server records its address here)."""
        self.info = write_writer_info(self.data_dir, **{**self.info, **fields})

    def release(self) -> None:
        if self._fd is not None:
            remove_writer_info(self.data_dir)  # before unlocking: never another writer's file
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
