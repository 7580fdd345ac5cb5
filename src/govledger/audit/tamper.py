"""Tamper detection: the read model's `events` rows compared with the logs the chain holds now.

Every stored row must be a log the chain has (same block hash and log index, transaction, contract,
event and arguments), and every log of the suite in the indexed range must have its row. A row edited
by hand, deleted or inserted in the database is reported as `row-tampered`, `row-missing` or `row-extra`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, func, select
from web3 import Web3

from ..deployment import Deployment
from ..readmodel import schema
from ..readmodel.decode import LogDecoder
from .model import Violation

COMPARED = ("block_number", "block_timestamp", "tx_hash", "tx_index", "contract", "event", "contract_id", "args")


def chain_rows(w3: Web3, deployment: Deployment, first: int, last: int, batch: int = 5000) -> list[dict[str, Any]]:
    """The suite's logs in blocks `first`..`last` as read model rows (chain order)."""
    decoder = LogDecoder.of(deployment)
    rows: list[dict[str, Any]] = []
    timestamps: dict[int, int] = {}
    for lo in range(first, last + 1, batch):
        hi = min(lo + batch - 1, last)
        for log in w3.eth.get_logs({"address": decoder.addresses, "fromBlock": lo, "toBlock": hi}):
            number = int(log["blockNumber"])
            if number not in timestamps:
                timestamps[number] = int(w3.eth.get_block(number)["timestamp"])
            rows.append(decoder.row(log, timestamps[number]))
    return rows


def indexed_range(engine: Engine, deployment: Deployment) -> tuple[int, int]:
    """From the deploy block to the last block the read model covers (checkpoint or newest row)."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(schema.events.c.block_number))).scalar()
        checkpoints = [int(n) for (n,) in conn.execute(select(schema.checkpoints.c.block_number))]
    last = max([int(newest or 0), *checkpoints]) if (newest is not None or checkpoints) else deployment.deploy_block - 1
    return deployment.deploy_block, last


def compare_rows(stored: Iterable[Mapping[str, Any]], expected: Iterable[Mapping[str, Any]]) -> list[Violation]:
    """Violations for every stored row that differs from, or is absent from, the chain's rows, and back."""
    chain = {(r["block_hash"], int(r["log_index"])): r for r in expected}
    seen: set[tuple[str, int]] = set()
    found: list[Violation] = []
    for row in stored:
        key = (str(row["block_hash"]).lower(), int(row["log_index"]))
        seen.add(key)
        truth = chain.get(key)
        args = row["args"] if isinstance(row["args"], dict) else _parse(row["args"])
        cid = row.get("contract_id")
        if truth is None:
            found.append(Violation("row-extra", None, cid,
                                   f"row ({key[0]}, log {key[1]}) {row.get('event')} is not a log on the chain",
                                   row.get("tx_hash"), row.get("block_number"), key[1]))
            continue
        differ = [f for f in COMPARED if _norm(f, {**row, "args": args}.get(f)) != _norm(f, truth.get(f))]
        if differ:
            detail = "; ".join(_args_diff(args, truth["args"]) if f == "args" else
                               f"{f}: stored {_show(f, row.get(f))} != chain {_show(f, truth.get(f))}" for f in differ)
            found.append(Violation("row-tampered", None, truth.get("contract_id") or cid,
                                   f"row ({key[0]}, log {key[1]}) {truth['event']} differs from the chain: {detail}",
                                   truth["tx_hash"], truth["block_number"], key[1]))
    for key, truth in chain.items():
        if key not in seen:
            found.append(Violation("row-missing", None, truth.get("contract_id"),
                                   f"{truth['event']} at ({key[0]}, log {key[1]}) is on the chain but not in the read model",
                                   truth["tx_hash"], truth["block_number"], key[1]))
    return found


def _args_diff(stored: Any, chain: Any) -> str:
    if not isinstance(stored, dict) or not isinstance(chain, dict):
        return f"args: stored {_show('args', stored)} != chain {_show('args', chain)}"
    keys = sorted(set(stored) | set(chain))
    return "; ".join(f"args.{k}: stored {_show('args', stored.get(k, '<absent>'))} != chain "
                     f"{_show('args', chain.get(k, '<absent>'))}" for k in keys if stored.get(k) != chain.get(k))


def _parse(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _norm(field: str, value: Any) -> Any:
    if field in ("tx_hash", "contract_id") and isinstance(value, str):
        return value.lower()
    if field in ("block_number", "block_timestamp", "tx_index") and value is not None:
        return int(value)
    return value


def _show(field: str, value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if field == "args" else str(value)
    return text if len(text) <= 300 else text[:297] + "..."
