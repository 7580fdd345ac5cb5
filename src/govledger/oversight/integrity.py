"""What `audit check` finds in the oversight records: a row deleted or edited after its batch was anchored
(the chain's root no longer matches), a record whose id is not the hash of its content, a batch row that
disagrees with the chain, and an anchor on chain whose batch is missing here."""

from __future__ import annotations

import json
from typing import Any

from eth_utils import keccak
from sqlalchemy import Engine, inspect, select

from ..audit.model import Violation
from ..integrations.migration.anchor import Anchors
from ..integrations.migration.merkle import MerkleTree
from ..roles import agency_id
from . import schema
from .anchoring import OVERSIGHT_AGENCY


def _violation(rule: str, ocid: str | None, detail: str, tx: str | None = None, block: int | None = None) -> Violation:
    return Violation(rule, ocid, None, detail, tx, block)


def oversight_violations(engine: Engine, ledger: Any | None = None) -> list[Violation]:
    """Every integrity violation of the oversight records; [] when this read model has no oversight tables."""
    if not inspect(engine).has_table("oversight_records"):
        return []
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(schema.records))}
        batches = list(conn.execute(select(schema.batches).order_by(schema.batches.c.number)))
    out: list[Violation] = []
    for r in rows.values():
        if "0x" + keccak(r.body.encode("utf-8")).hex() != r.id:
            out.append(_violation("oversight-record-edited", r.ocid, f"{r.kind} {r.id}: its content no longer "
                                  "hashes to its id (edited after it was written)"))
            continue
        body = json.loads(r.body)
        if (body.get("kind"), body.get("ocid"), body.get("ref"), body.get("author"), body.get("at")) != (
                r.kind, r.ocid, r.ref, r.author, r.at):
            out.append(_violation("oversight-record-edited", r.ocid, f"{r.kind} {r.id}: its columns differ from "
                                  "its hashed content"))
    listed = {rid: b.root for b in batches for rid in json.loads(b.leaves)}
    for r in rows.values():
        if r.batch_root is not None and listed.get(r.id) != r.batch_root:
            out.append(_violation("oversight-record-edited", r.ocid, f"{r.kind} {r.id} claims batch {r.batch_root} "
                                  "but no anchored batch lists it (written or rewritten after anchoring)"))
    seen_roots = set()
    for b in batches:
        seen_roots.add(b.root)
        leaves = json.loads(b.leaves)
        for rid in leaves:
            if rid not in rows:
                out.append(_violation("oversight-record-deleted", None, f"record {rid} of batch {b.number} "
                                      f"(root {b.root}) is missing", b.tx_hash, b.block_number))
        if leaves and "0x" + MerkleTree([keccak(bytes.fromhex(i[2:])) for i in leaves]).root.hex() != b.root:
            out.append(_violation("oversight-batch-edited", None, f"batch {b.number}: its list of records no longer "
                                  f"gives its root {b.root}", b.tx_hash, b.block_number))
        if ledger is not None:
            info = Anchors(ledger).anchor_of(bytes.fromhex(b.root[2:]))
            if info is None or info.count != len(leaves):
                out.append(_violation("oversight-batch-not-on-chain", None, f"batch {b.number} root {b.root} with "
                                      f"{len(leaves)} records is not anchored on chain as such", b.tx_hash,
                                      b.block_number))
    if ledger is not None:
        out.extend(_anchors_without_batch(ledger, seen_roots))
    return out


def _anchors_without_batch(ledger: Any, seen: set[str]) -> list[Violation]:
    anchors = Anchors(ledger)
    if not anchors.deployed:
        return []
    contract = anchors._contract()
    logs = contract.events.RecordsAnchored.get_logs(from_block=0, argument_filters={
        "agency": agency_id(OVERSIGHT_AGENCY)})
    out = []
    for log in logs:
        root = "0x" + bytes(log["args"]["root"]).hex()
        if root not in seen:
            out.append(_violation("oversight-batch-deleted", None, f"root {root} over {log['args']['count']} "
                                  "records is anchored on chain but its batch is missing here",
                                  "0x" + bytes(log["transactionHash"]).hex(), log["blockNumber"]))
    return out
