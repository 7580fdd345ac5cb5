"""Publication: what changed since a block (ledger events and anchored oversight records), and bulk downloads of
everything public (OCDS release package, contracts CSV, oversight CSV) with SHA-256 checksums. What is public
and what is withheld is written in docs/publication-policy.md; `public_view` is where that policy is applied."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from ..readmodel import schema as rm
from . import schema
from .records import Record
from .service import Oversight

#: the fields of each kind of record the public sees; kinds not named here show only that they exist
PUBLIC_FIELDS = {
    "feedback": ("delivered", "timeliness", "quality", "milestone", "comment"),
    "feedback-answer": ("text",),
    "feedback-rating": ("score", "answer"),
    "complaint": ("against", "party", "objections", "remedy", "payment", "action_ref"),
    "complaint-accepted": (),
    "complaint-decision": ("outcome", "reasoning", "payment"),
    "complaint-carried-out": ("credited", "transactions", "note"),
    "monitoring-open": ("reason", "reason_ref"),
    "monitoring-conclusion": ("findings", "violations"),
    "monitoring-closed": (),
    "monitoring-appealed": (),
}


def public_view(record: Record) -> dict[str, Any]:
    """The record as the public sees it: id, kind, contract, pseudonym, time, anchoring and the public fields.
    A dialogue message or correction report shows only that it exists (its hash is still provable)."""
    fields = PUBLIC_FIELDS.get(record.kind)
    view = {"id": record.id, "kind": record.kind, "ocid": record.ocid, "ref": record.ref, "author": record.author,
            "at": record.at, "anchored_root": record.batch_root, "public": fields is not None}
    if fields:
        view.update({f: record.get(f) for f in fields})
    if record.kind == "feedback" and record.get("attachment"):
        view["attachment_hash"] = record.get("attachment")["hash"]
    return view


def changes_since(ov: Oversight, block: int, limit: int = 1000) -> dict[str, Any]:
    """Ledger events after `block` and the oversight records anchored after it (at most `limit` of each)."""
    if block < 0:
        from .errors import OversightValueError

        raise OversightValueError(f"a block number is 0 or more, not {block}")
    e = rm.events.c
    with ov.app.engine.connect() as conn:
        events = [{"block": r.block_number, "tx_hash": r.tx_hash, "log_index": r.log_index, "event": r.event,
                   "contract_id": r.contract_id, "args": json.loads(r.args)}
                  for r in conn.execute(select(rm.events).where(e.block_number > block)
                                        .order_by(e.block_number, e.log_index).limit(limit))]
        b = schema.batches.c
        batches = list(conn.execute(select(schema.batches).where(b.block_number > block).order_by(b.number)))
    records = []
    for batch in batches:
        for rid in json.loads(batch.leaves):
            try:
                records.append({**public_view(ov.store.get(rid)), "block": batch.block_number})
            except Exception:  # noqa: BLE001 - a missing row is audit check's finding, not the feed's failure
                records.append({"id": rid, "missing": True, "block": batch.block_number})
    head = ov.head_block()
    return {"since_block": block, "to_block": head, "events": events, "oversight": records[:limit],
            "more": len(events) >= limit or len(records) > limit}


@dataclass(frozen=True)
class BulkFile:
    name: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def bulk(ov: Oversight, uri: str = "urn:govledger:bulk") -> list[BulkFile]:
    """Everything public, and SHA256SUMS over it; remembers what it published (`dq-published-disappeared`)."""
    from ..integrations.ocds.export import release_package
    from ..integrations.ocds.journal import Journal

    contracts = [c for c in ov.app.reads.contracts() if c.ocid_problem is None]
    journal = Journal.existing(ov.app.data_dir)
    try:
        ocds = json.dumps(release_package(ov.app, journal, uri=uri), ensure_ascii=False, indent=1).encode("utf-8")
    finally:
        journal.close()
    fields = ["ocid", "agency", "category", "status", "disputed", "contractor", "value", "original_value",
              "amendment_count", "milestone_count", "start", "end", "funded", "paid", "retained", "refunded"]
    contract_csv = _csv(fields, [[getattr(c, f) for f in fields] for c in contracts])
    views = [public_view(r) for r in ov.store.find()]
    record_fields = ["id", "kind", "ocid", "ref", "author", "at", "anchored_root", "public"]
    oversight_csv = _csv(record_fields + ["fields"], [[v[f] for f in record_fields] + [json.dumps(
        {k: x for k, x in v.items() if k not in record_fields}, ensure_ascii=False, sort_keys=True)] for v in views])
    files = [BulkFile("ocds-release-package.json", "application/json", ocds),
             BulkFile("contracts.csv", "text/csv", contract_csv), BulkFile("oversight.csv", "text/csv", oversight_csv)]
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in files).encode()
    with ov.app.engine.begin() as conn:
        number = (conn.execute(select(func.max(schema.exports.c.number))).scalar() or 0) + 1
        conn.execute(insert(schema.exports).values(number=number, at=ov.now(),
                                                   ocids=json.dumps(sorted(c.ocid for c in contracts)),
                                                   records=json.dumps([v["id"] for v in views])))
    return [*files, BulkFile("SHA256SUMS", "text/plain", sums)]
