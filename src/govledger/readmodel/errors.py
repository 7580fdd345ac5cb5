"""What the read model and the indexer refuse. Every class is a `GovLedgerError`; the message names
the failing values and says what to do."""

from __future__ import annotations

from ..errors import GovLedgerError


class ReadModelError(GovLedgerError):
    """The read model cannot follow the chain as asked; its rows are kept as they were."""


class IndexerConflictError(ReadModelError, RuntimeError):
    """Another indexer moved the same checkpoint while this one was working."""


class ChainMismatchError(ReadModelError):
    """The chain behind the node is not the one the read model indexed (another genesis block)."""


class ChainBehindError(ReadModelError):
    """The chain's head is below the read model's checkpoint and the blocks it has agree with the read
    model: a node still syncing or an older copy of the chain, not a reorg."""


class DeepReorgError(ReadModelError):
    """A reorg deeper than the configured limit: rolling back that far needs the operator's word."""


class ChainUnreachableError(GovLedgerError):
    """The chain could not be read (node down, refused or timed out): an outage, not a finding."""
