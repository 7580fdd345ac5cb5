"""Errors of the embedded chain."""

from __future__ import annotations

from pathlib import Path

from ..errors import GovLedgerError, NotFoundError


class ChainError(GovLedgerError):
    """Root of every error raised by ``govledger.chain``."""


class ChainLockedError(ChainError):
    """Another writer (another process, or another open instance) holds the chain's data directory."""

    def __init__(self, data_dir: Path, holder: str, waited: float) -> None:
        self.data_dir = data_dir
        self.holder = holder
        self.waited = waited
        super().__init__(
            f"chain data directory {data_dir} is held by {holder}; waited {waited:g} s "
            "(GOVLEDGER_LOCK_TIMEOUT): try again when it has finished, or use another directory"
        )


class NoLedgerError(ChainError, NotFoundError):
    """The directory holds no ledger at all (nothing was created to find that out)."""

    def __init__(self, data_dir: Path, why: str) -> None:
        self.data_dir = data_dir
        super().__init__(
            f"no ledger in {data_dir} ({why}): check --data-dir, or create one with "
            f"`govledger --data-dir {data_dir} init`"
        )


class ChainMissingError(ChainError):
    """The directory holds a ledger's other files (manifest, read model) but its chain is gone."""

    def __init__(self, data_dir: Path, present: list[str], chain_state: str) -> None:
        self.data_dir = data_dir
        self.present = present
        super().__init__(
            f"{data_dir} has {', '.join(present)} but its chain file {chain_state}: restore chain.sqlite "
            "from a backup (with no govledger process running), or move the directory aside and run "
            "`govledger init` for a new ledger"
        )


class ChainReadOnlyError(ChainError):
    """A write was attempted on a chain opened for reading only."""
