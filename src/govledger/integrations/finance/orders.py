"""Payment orders for the treasury: one per release, signed by the agency's official, written to a folder
(JSON per order and one CSV) or POSTed to an endpoint, never twice.

The signature is an Ethereum personal-message signature (EIP-191) over the order's canonical JSON (keys
sorted, no blanks, UTF-8; every value a string, so the CSV row gives the same bytes back). The receiver
recovers the signer's address, checks that it is the order's `issuer`, and can ask the chain whether that
address is an official of the order's agency: no shared secret to distribute or leak, and an order no one
but the official could have made (an HMAC key would be held by both sides, so either could forge).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import GovLedgerError, GovLedgerValueError
from ...money import format_rupiah
from ..migration.store import atomic_write
from .releases import Release, indexed_head, releases
from .tables import delivered, finance_tables, record_delivery

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from sqlalchemy import Engine

    from ...app import App
    from ...readmodel import SyncResult

ORDER_FIELDS = ("version", "idempotency_key", "kind", "ocid", "contract_id", "agency", "milestone", "reference",
                "payee", "amount_sen", "amount", "retention_sen", "penalty_sen", "advance_recovered_sen", "tx_hash",
                "log_index", "block_number", "released_at", "issuer")
CSV_NAME = "payment-orders.csv"
_log = logging.getLogger(__name__)


class OrderSignatureError(GovLedgerValueError):
    """A payment order whose signature does not come from its issuer, or whose content changed."""


def order_payload(release: Release, issuer: str) -> dict[str, str]:
    return {"version": "1", "idempotency_key": release.key, "kind": release.kind, "ocid": release.ocid,
            "contract_id": release.contract_id, "agency": release.agency,
            "milestone": "" if release.milestone is None else str(release.milestone), "reference": release.reference,
            "payee": release.payee, "amount_sen": str(release.amount), "amount": format_rupiah(release.amount),
            "retention_sen": str(release.retention), "penalty_sen": str(release.penalty),
            "advance_recovered_sen": str(release.advance_recovered), "tx_hash": release.tx_hash,
            "log_index": str(release.log_index), "block_number": str(release.block_number),
            "released_at": release.released_at, "issuer": issuer}


def canonical(payload: dict[str, str]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_order(payload: dict[str, str], account: LocalAccount) -> dict[str, Any]:
    from eth_account.messages import encode_defunct

    signature = account.sign_message(encode_defunct(canonical(payload))).signature
    return {"order": payload, "signature": "0x" + bytes(signature).hex()}


def verify_order(signed: dict[str, Any]) -> str:
    """The issuer's address if `signed` (an order and its signature) is intact and signed by its issuer."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    try:
        payload, signature = signed["order"], signed["signature"]
        if set(payload) != set(ORDER_FIELDS) or not all(isinstance(v, str) for v in payload.values()):
            raise OrderSignatureError("the order's fields are not those of a version 1 payment order")
        signer = Account.recover_message(encode_defunct(canonical(payload)), signature=signature)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, OrderSignatureError):
            raise
        raise OrderSignatureError(f"not a signed payment order ({type(exc).__name__}: {exc})") from None
    if signer.lower() != payload["issuer"].lower():
        raise OrderSignatureError(f"order {payload.get('idempotency_key')} is signed by {signer}, not by its issuer "
                                  f"{payload['issuer']}: it was altered or forged")
    return signer


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)  # keys written or delivered now
    skipped: int = 0  # already written or delivered earlier

    def to_dict(self) -> dict[str, Any]:
        return {"written": len(self.written), "skipped": self.skipped, "keys": self.written}


class OrderExporter:
    """Writes the payment order of every release not yet written (folder) or delivered (HTTP endpoint)."""

    def __init__(self, account: LocalAccount, *, folder: Path | None = None, endpoint: str | None = None,
                 post: Callable[[str, dict[str, Any]], int] | None = None, timeout: float = 10.0,
                 confirmations: int = 0) -> None:
        if (folder is None) == (endpoint is None):
            raise GovLedgerValueError("payment orders go to a folder or to an HTTP endpoint: give one of them")
        self.account, self.folder, self.endpoint, self.timeout = account, folder, endpoint, timeout
        self.confirmations = confirmations  # a release waits until this many blocks are indexed after it
        self._post = post or self._http_post
        self.last: ExportResult | None = None  # what the latest export did (a subscriber's caller reads it)
        self.last_error: GovLedgerError | None = None  # why the latest export through a subscription stopped

    def export(self, engine: Engine) -> ExportResult:
        finance_tables(engine)
        result = ExportResult()
        items = releases(engine)
        if self.confirmations:
            indexed = indexed_head(engine)
            items = [r for r in items if indexed is not None and r.block_number + self.confirmations <= indexed]
        if self.folder is not None:
            self._to_folder(items, result)
        else:
            self._to_endpoint(engine, items, result)
        self.last = result
        return result

    def _to_folder(self, items: list[Release], result: ExportResult) -> None:
        folder = self.folder
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True)
        signed_all = []
        for release in items:
            path = folder / f"{release.key}.json"
            if path.exists():
                signed = json.loads(path.read_text(encoding="utf-8"))
                result.skipped += 1
            else:
                signed = sign_order(order_payload(release, self.account.address), self.account)
                atomic_write(path, json.dumps(signed, indent=1, sort_keys=True))
                result.written.append(release.key)
            signed_all.append(signed)
        out = io.StringIO()
        writer = csv.DictWriter(out, [*ORDER_FIELDS, "signature"], lineterminator="\n")
        writer.writeheader()
        for signed in signed_all:
            writer.writerow({**signed["order"], "signature": signed["signature"]})
        atomic_write(folder / CSV_NAME, out.getvalue())

    def _to_endpoint(self, engine: Engine, items: list[Release], result: ExportResult) -> None:
        assert self.endpoint is not None
        sent = delivered(engine, self.endpoint)
        for release in items:
            if release.key in sent:
                result.skipped += 1
                continue
            signed = sign_order(order_payload(release, self.account.address), self.account)
            status = self._post(self.endpoint, signed)
            if not 200 <= status < 300 and status != 409:  # 409: the receiver already has this key
                raise GovLedgerError(f"the endpoint {self.endpoint} answered {status} to payment order "
                                     f"{release.key}; {len(result.written)} sent before it, the rest will be "
                                     "sent by the next run")
            record_delivery(engine, self.endpoint, release.key)
            result.written.append(release.key)

    def _http_post(self, url: str, signed: dict[str, Any]) -> int:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, data=json.dumps(signed).encode(), method="POST", headers={
            "Content-Type": "application/json", "Idempotency-Key": signed["order"]["idempotency_key"]})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (urllib.error.URLError, OSError) as exc:
            raise GovLedgerError(f"the endpoint {url} cannot be reached: {exc}") from None


def subscribe_orders(app: App, exporter: OrderExporter) -> Callable[[], None]:
    """Export payment orders after every sync of `app` (the integration hears the syncs; it never reads the
    chain itself). Returns the function that unsubscribes.

    A treasury endpoint that is down must not stop the ledger's syncs: the failure is logged and kept in
    `exporter.last_error`, and the next sync sends what is still unsent."""

    def on_sync(_result: SyncResult) -> None:
        try:
            exporter.export(app.engine)
            exporter.last_error = None
        except GovLedgerError as exc:
            exporter.last_error = exc
            _log.warning("payment orders not all sent: %s", exc)

    return app.subscribe(on_sync)
