"""The read model: chain events as SQL rows (SQLite by default, PostgreSQL by URL), and projections for
dashboards and the auditor. Filled by :class:`Indexer`; read with the functions in :mod:`.queries`."""

from .engine import drop_read_model, open_read_model
from .decode import normalize
from .errors import (
    ChainBehindError, ChainMismatchError, ChainUnreachableError, DeepReorgError, IndexerConflictError, ReadModelError,
)
from .indexer import DEFAULT_MAX_REORG_DEPTH, Indexer, SyncResult
from .queries import contract_events, contract_milestones, list_contracts

__all__ = ["DEFAULT_MAX_REORG_DEPTH", "ChainBehindError", "ChainMismatchError", "ChainUnreachableError",
           "DeepReorgError", "Indexer", "IndexerConflictError", "ReadModelError", "SyncResult", "contract_events",
           "contract_milestones", "drop_read_model", "list_contracts", "normalize", "open_read_model"]
