"""Errors of the embedded chain."""

from __future__ import annotations

from pathlib import Path

from ..errors import GovLedgerError


class ChainError(GovLedgerError):
    """Root of every error raised by ``govledger.chain``."""


class ChainLockedError(ChainError):
    """Another process (or another open instance) holds the chain's data directory."""

    def __init__(self, data_dir: Path, holder: str | None = None) -> None:
        self.data_dir = data_dir
        self.holder = holder
        by = f" by {holder}" if holder else ""
        super().__init__(
            f"chain data directory {data_dir} is already open{by}; "
            "close the other instance or use another directory"
        )
