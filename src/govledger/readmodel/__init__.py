"""The read model: chain events as SQL rows (SQLite by default, PostgreSQL by URL), and projections for
dashboards and the auditor. Filled by :class:`Indexer`; read with the functions in :mod:`.queries`."""

from .engine import drop_read_model, open_read_model
from .indexer import Indexer, IndexerConflictError, SyncResult, normalize
from .queries import contract_events, contract_milestones, list_contracts

__all__ = ["Indexer", "IndexerConflictError", "SyncResult", "contract_events", "contract_milestones",
           "drop_read_model", "list_contracts", "normalize", "open_read_model"]
