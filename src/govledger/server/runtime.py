"""What the server holds while it runs: the application object, one write lock, the background syncer,
the stores, limits and metrics. Every write goes through :meth:`ServerState.perform`."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from ..errors import GovLedgerValueError
from .auth import Authenticator, Principal, client_address
from .errors import ApiError, api_error_of, jsonable
from .metrics import Metrics
from .ratelimit import Limits
from .settings import ServerSettings
from .store import ActivityLog, IdempotencyStore, create_tables, request_hash

log = logging.getLogger("govledger.server")

Action = Callable[[LocalAccount], Any]


class ServerState:
    """Shared by every request of one server process (`request.app.state.server`)."""

    def __init__(self, app: Any, settings: ServerSettings, authenticator: Authenticator) -> None:
        self.app = app
        self.settings = settings
        self.authenticator = authenticator
        self.engine: Engine = read_model_engine(app)
        create_tables(self.engine)
        self.metrics = Metrics()
        self.limits = Limits(settings.sign_ins_per_minute, settings.writes_per_minute)
        self.idempotency = IdempotencyStore(self.engine)
        self.activity = ActivityLog(self.engine)
        # One writer at a time: a ledger action is several chain requests (nonce, estimate, send, receipt),
        # and the indexer must not run twice at once on the same checkpoint.
        self.write_lock = threading.RLock()
        self.synced_block: int | None = None
        self.last_sync_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def ledger(self) -> Any:
        return self.app.ledger

    # --- the read model -----------------------------------------------------------------------------

    def head(self) -> int:
        return int(self.ledger.w3.eth.block_number)

    def sync(self) -> None:
        """Bring the read model up to the chain head (under the write lock), recording duration and lag."""
        with self.write_lock:
            started = time.perf_counter()
            try:
                result = self.app.sync()
            except Exception as exc:
                self.last_sync_error = f"{type(exc).__name__}: {exc}"
                raise
            self.metrics.sync_seconds.observe(time.perf_counter() - started)
            self.last_sync_error = None
            if result is not None:
                self.synced_block = int(result.to_block)
        self.lag()

    def indexed_block(self) -> int | None:
        """The read model's checkpoint: the last block indexed by whichever process indexes."""
        checkpoint = self.app.reads.checkpoint()
        return None if checkpoint is None else checkpoint.block_number

    def lag(self) -> int | None:
        """Blocks between the chain head and the read model (None before anything was indexed)."""
        indexed = self.indexed_block()
        if indexed is None:
            return None
        lag = max(0, self.head() - indexed)
        self.metrics.lag.set(lag)
        return lag

    def catch_up(self, block: int | None) -> bool:
        """After a write mined in `block`: index it (or, if another process indexes, wait for it) so the
        next read sees the write. False when the read model is not there yet."""
        if self.settings.index:
            self.sync()
            return True
        deadline = time.monotonic() + self.settings.read_your_writes_s
        while True:
            indexed = self.indexed_block()
            if block is None or (indexed is not None and indexed >= block):
                return indexed is not None
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def wake_syncer(self) -> None:
        self._wake.set()

    def start_syncer(self) -> None:
        """Follow the chain in the background: blocks written by /rpc clients or other servers."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, name="govledger-syncer", daemon=True)
        self._thread.start()

    def stop_syncer(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.settings.sync_interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if not self.settings.index:
                    self.lag()  # keeps the gauge current; the indexer is elsewhere
                elif self.synced_block is None or self.head() > self.synced_block:
                    self.sync()
            except Exception as exc:  # keep following; /readyz reports it
                self.last_sync_error = f"{type(exc).__name__}: {exc}"
                log.warning("read model sync failed: %s", self.last_sync_error)

    # --- writes -------------------------------------------------------------------------------------

    def account(self, principal: Principal) -> LocalAccount:
        try:
            return self.app.signer.account(principal.signer_key)
        except Exception as exc:
            self.metrics.signer_failures.inc()
            raise ApiError(403, "no_signing_key", f"no signing key is held for {principal.subject}: {exc}") from exc

    async def perform(self, request: Request, principal: Principal, action: str, target: str | None,
                      act: Action, shape: Callable[[Any], dict[str, Any]] | None = None) -> JSONResponse:
        """Sign and send one action for `principal`: rate limit, idempotency key, activity log, metrics,
        then the read model brought up to date so the next read sees the write."""
        self.limits.check_write(principal.subject)
        key = request.headers.get("idempotency-key")
        if key is not None:
            digest = request_hash(request.method, request.url.path, await request.body())
            stored = await run_in_threadpool(self.idempotency.claim, principal.subject, key, digest)
            if stored is not None:
                return JSONResponse(stored.body, status_code=stored.status, headers={"Idempotent-Replayed": "true"})
        status, body = await run_in_threadpool(self.perform_action, principal, action, target, act, shape,
                                               client_address(request))
        # A 5xx leaves the key pending: whether the transaction went out is unknown, so it is never resent.
        if key is not None and status < 500:
            await run_in_threadpool(self.idempotency.finish, principal.subject, key, status, body)
        return JSONResponse(body, status_code=status)

    def perform_action(self, principal: Principal, action: str, target: str | None, act: Action,
                       shape: Callable[[Any], dict[str, Any]] | None = None,
                       client: str = "") -> tuple[int, dict[str, Any]]:
        """Sign `act(account)` with `principal`'s key and send it (blocking: call it off the event loop), then
        bring the read model up to date. Returns the HTTP status and the JSON body the API would answer:
        200 with the action, its transaction and `synced`, or the refusal's status and `{code, message, ...}`.
        Logs the attempt in the activity log and the metrics. The caller checks the write rate; `perform`
        also handles idempotency keys. The web pages call this directly."""
        account: LocalAccount | None = None
        with self.write_lock:
            try:
                account = self.account(principal)
                result = act(account)
            except Exception as exc:
                error = api_error_of(exc, account.address if account is not None else None)
                outcome = "refused" if error.status < 500 else "failed"
                self.metrics.transactions.labels(action, outcome).inc()
                self._record(principal, account, action, target, client, outcome, None, error.message)
                if error.status >= 500 and error.code == "internal_error":
                    log.exception("action %s failed", action)
                return error.status, error.body()
            self.metrics.transactions.labels(action, "ok").inc()
            body = {"action": action, **(shape(result) if shape else as_body(result))}
            self._record(principal, account, action, target, client, "ok", body.get("tx_hash"), None)
            try:
                body["synced"] = self.catch_up(body.get("block_number"))
            except Exception as exc:  # the transaction is mined; the syncer catches up
                log.warning("read model not updated after %s: %s", action, exc)
                body["synced"] = False
                self.wake_syncer()
        return 200, body

    def _record(self, principal: Principal, account: LocalAccount | None, action: str, target: str | None,
                client: str, outcome: str, tx_hash: str | None, detail: str | None) -> None:
        try:
            self.activity.record(subject=principal.subject, account=account.address if account else None,
                                 action=action, target=target, client=client, outcome=outcome, tx_hash=tx_hash,
                                 detail=detail)
        except Exception:  # the log must never turn a mined transaction into an error
            log.exception("activity log write failed")
        log.info(json.dumps({"event": "action", "subject": principal.subject, "action": action, "target": target,
                             "outcome": outcome, "tx_hash": tx_hash, "client": client}))


def as_body(result: Any) -> dict[str, Any]:
    """A ledger result (a Receipt, a contract id, ...) as the JSON body of a write."""
    if is_dataclass(result) and not isinstance(result, type):
        return jsonable(asdict(result))
    if isinstance(result, (bytes, bytearray)):
        return {"id": "0x" + bytes(result).hex()}
    if result is None:
        return {}
    return {"result": jsonable(result)}


def read_model_engine(app: Any) -> Engine:
    """The application object's read model engine."""
    for name in ("engine", "read_model", "readmodel"):
        engine = getattr(app, name, None)
        if isinstance(engine, Engine):
            return engine
    raise GovLedgerValueError(f"{type(app).__name__} has no read model engine")
