"""The application object: what every shell of govledger shares, opened once.

As datasette's ``Datasette`` is to its CLI and web app, :class:`App` is to the ``govledger`` command, the
server, the integrations and the tests: it holds the :class:`~govledger.ledger.Ledger` (embedded chain or
a node), the read model, and a :class:`~govledger.signers.Signer`; brings the read model up to date after
writes (:meth:`App.sync`) and tells subscribers what each sync brought; runs the audit's check and red
flags. None of the shells rebuilds this wiring::

    from govledger.app import App
    from govledger.signers import DemoSigner

    with App.open(".govledger", signer=DemoSigner()) as app:
        app.ledger.fund(app.signer.account("official"), "ocds-demo01-2026-PUPR-001", 1_000_00)
        result = app.sync()                      # SyncResult: events and blocks indexed
        for row in app.reads.contracts():        # from the read model, not the chain
            print(row.ocid, row.status)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .signers import NoSigner, Signer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .audit import CheckResult, Flag, FlagSettings
    from .ledger import Ledger
    from .reads import ReadModelReader
    from .readmodel import SyncResult

DEFAULT_DATA_DIR = Path(".govledger")
SyncListener = Callable[["SyncResult"], None]


class App:
    """The ledger, the read model and a signer, opened together. Use :meth:`open`; close with
    :meth:`close` or a ``with`` block.

    Attributes: ``ledger`` (the Ledger), ``signer`` (who signs), ``data_dir`` (None in memory),
    ``rpc_url`` (None on the embedded chain), ``db_url`` (None: SQLite in the data directory).
    """

    def __init__(self, ledger: Ledger, *, signer: Signer | None = None, data_dir: Path | None = None,
                 rpc_url: str | None = None, db_url: str | None = None, engine: Engine | None = None) -> None:
        self.ledger = ledger
        self.signer: Signer = signer if signer is not None else NoSigner()
        self.data_dir = data_dir
        self.rpc_url = rpc_url
        self.db_url = db_url
        self._engine = engine
        self._owns_engine = engine is None
        self._listeners: list[SyncListener] = []
        self._sync_lock = threading.Lock()  # one indexer at a time on this read model

    @classmethod
    def open(cls, data_dir: Path | str | None = DEFAULT_DATA_DIR, *, rpc_url: str | None = None,
             manifest: Path | str | None = None, db_url: str | None = None, signer: Signer | None = None,
             create: bool = False, gas_price: int | None = None, lock_timeout: float | None = None) -> App:
        """Open the ledger in `data_dir` (embedded chain; None: in memory) or at `rpc_url`, with its read
        model at `db_url` (default: SQLite in the data directory) and `signer` (default: signs nothing).

        Only `create=True` makes a new embedded chain (as `govledger init` does). A writer waits up to
        `lock_timeout` seconds for another process holding the chain.
        """
        from .ledger import Ledger

        ledger = Ledger.open(data_dir, rpc_url=rpc_url, manifest=manifest, gas_price=gas_price, create=create,
                             lock_timeout=lock_timeout)
        return cls(ledger, signer=signer, data_dir=Path(data_dir) if data_dir is not None else None,
                   rpc_url=rpc_url, db_url=db_url)

    # --- the read model ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The read model's SQLAlchemy engine, opened (and its tables created) on first use."""
        if self._engine is None:
            from .readmodel import open_read_model

            if self.db_url is None and self.data_dir is None:  # in memory, like the chain: one database
                from sqlalchemy import create_engine  # shared by every thread (a server's request threads)
                from sqlalchemy.pool import StaticPool

                from .readmodel.engine import create_read_model

                self._engine = create_engine("sqlite://", poolclass=StaticPool,
                                             connect_args={"check_same_thread": False})
                create_read_model(self._engine)
            elif self.read_only:
                from .readmodel.engine import open_read_only

                self._engine = open_read_only(self.data_dir)  # type: ignore[arg-type]
            else:
                self._engine = open_read_model(self.db_url, self.data_dir)
        return self._engine

    @property
    def read_only(self) -> bool:
        """Whether the read model is a file in a data directory this process cannot write (a read-only
        mount, an archive): it is read as it is, and :meth:`sync` refuses."""
        import os

        return self.db_url is None and self.data_dir is not None and not os.access(self.data_dir, os.W_OK)

    @property
    def reads(self) -> ReadModelReader:
        """Contracts, milestones, escrow and the summary, read from the read model (see `govledger.reads`)."""
        from .reads import ReadModelReader

        return ReadModelReader.over_engine(self.engine)

    def sync(self, progress: Callable[[int, int], None] | None = None) -> SyncResult | None:
        """Index every block the read model has not seen; tell each subscriber what it brought.

        Returns None (and tells no one) when nothing is deployed yet. Raises the read model's errors
        (`govledger.readmodel.ReadModelError`: another chain, a deep reorg, a chain cut short) unchanged.
        """
        if self.ledger.deployment is None:
            return None
        if self.read_only:
            from .errors import GovLedgerError

            raise GovLedgerError(f"{self.data_dir} is read-only: the read model there cannot be brought up to date")
        from .readmodel import Indexer

        with self._sync_lock:
            result = Indexer.for_ledger(self.ledger, self.engine).sync(progress)
        for listener in list(self._listeners):
            listener(result)
        return result

    def subscribe(self, listener: SyncListener) -> Callable[[], None]:
        """Call `listener(result)` after every :meth:`sync` (also one that found nothing new); returns a
        function that unsubscribes it. Integrations (OCDS export, finance) and notifications hook in here.
        A listener that raises stops the sync's caller: catch what you can handle."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # --- the audit --------------------------------------------------------------------------------

    def check(self, *, tamper: bool = True) -> CheckResult:
        """The invariants over the read model, and (with `tamper`) every table compared with the chain."""
        from .audit import check

        return check(self.engine, self.ledger, tamper=tamper)

    def flags(self, as_of: int | None = None, settings: FlagSettings | None = None) -> list[Flag]:
        """The ledger's red flags as of unix time `as_of` (default: the chain head's timestamp)."""
        from .audit import FlagSettings, ledger_flags, load_rows, replay
        from .audit.integrations import integration_flags

        now = as_of if as_of is not None else int(self.ledger.w3.eth.get_block("latest")["timestamp"])
        return ledger_flags(replay(load_rows(self.engine)), now, settings or FlagSettings()) + integration_flags(
            self.engine, now)

    # --- closing ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the read model (if this object opened it) and the ledger; safe to call twice."""
        try:
            if self._engine is not None and self._owns_engine:
                self._engine.dispose()
        finally:
            self._engine = None if self._owns_engine else self._engine
            self.ledger.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.rpc_url or (str(self.data_dir) if self.data_dir is not None else "in memory")
        return f"<App {where}>"


__all__ = ["App", "DEFAULT_DATA_DIR", "SyncListener"]
