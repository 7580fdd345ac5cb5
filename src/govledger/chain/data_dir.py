"""What a data directory must hold before its chain is opened; only an explicit create makes a chain.

A chain file that was deleted or truncated to zero must never be replaced by a new, empty chain: the
read model would then follow the empty chain and lose the only other copy of the history.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ChainError, ChainMissingError, NoLedgerError
from .head import CHAIN_FILE

# Files that only exist once a chain did: finding one without the chain means the chain was lost.
LEDGER_FILES = ("deployment.json", "readmodel.sqlite", f"{CHAIN_FILE}-wal")


def prepare_directory(data_dir: Path, create: bool) -> Path:
    """The directory, made if `create` asks for it; a missing one is refused without creating anything."""
    if data_dir.is_dir():
        return data_dir
    if data_dir.exists():
        raise ChainError(f"data directory {data_dir} is a file, not a directory")
    if not create:
        raise NoLedgerError(data_dir, "the directory does not exist")
    data_dir.mkdir(parents=True, exist_ok=True)  # two inits racing: the lock then decides
    return data_dir


def check_chain_file(data_dir: Path, create: bool) -> None:
    """Refuse a directory whose chain file is missing or empty, unless `create` and nothing shows that
    a chain was ever there."""
    path = data_dir / CHAIN_FILE
    if path.is_file() and path.stat().st_size > 0:
        return
    state = "is empty (0 bytes)" if path.exists() else "is missing"
    present = [name for name in LEDGER_FILES if (data_dir / name).exists()]
    if present:
        raise ChainMissingError(data_dir, present, state)
    if not create:
        raise NoLedgerError(data_dir, f"{CHAIN_FILE} {state}")
