"""The read model's tables other than `events` compared with the chain: the projections (`contracts`,
`milestones`) are folded again in memory from the chain's own logs and compared row by row, and the
recorded block hashes (`checkpoints`, `indexed_blocks`) are compared with the chain's blocks.

A row edited, deleted or inserted by hand is reported as `projection-tampered`, `projection-missing` or
`projection-extra` (naming the table, the row and each differing column); a recorded hash the chain
does not have as `block-hash-mismatch`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, Table, select

from ..readmodel import projections, schema
from .model import Violation

HashAt = Callable[[int], "str | None"]  # the chain's block hash at a height (None: no such block)


def compare_projections(engine: Engine, chain_rows: Iterable[Mapping[str, Any]]) -> list[Violation]:
    """Violations for every projection row that differs from the fold of the chain's rows (chain order)."""
    truth = projections.fold(chain_rows)
    expected = {schema.contracts.name: {(k,): v for k, v in truth.contracts.items()},
                schema.milestones.name: dict(truth.milestones)}
    ocids = {cid: row["ocid"] for cid, row in truth.contracts.items()}
    found: list[Violation] = []
    for table in schema.PROJECTIONS:
        stored = _rows(engine, table)
        want = expected[table.name]
        for key in sorted(set(stored) | set(want), key=repr):
            found.extend(_compare(table, key, stored.get(key), want.get(key), ocids))
    return found


def _rows(engine: Engine, table: Table) -> dict[tuple[Any, ...], dict[str, Any]]:
    keys = [c.name for c in table.primary_key.columns]
    with engine.connect() as conn:
        return {tuple(r._mapping[k] for k in keys): dict(r._mapping) for r in conn.execute(select(table))}


def _compare(table: Table, key: tuple[Any, ...], stored: Mapping[str, Any] | None, truth: Mapping[str, Any] | None,
             ocids: Mapping[str, str]) -> list[Violation]:
    cid = str(key[0])
    name = f"{table.name} row {', '.join(map(str, key))}"
    ocid = ocids.get(cid) or (stored or {}).get("ocid")
    if truth is None:
        return [Violation("projection-extra", ocid, cid, f"{name} is not derived from any log on the chain")]
    if stored is None:
        return [Violation("projection-missing", ocid, cid, f"{name} follows from the chain's logs but is not in "
                                                           "the read model")]
    differ = [c.name for c in table.columns if stored.get(c.name) != truth.get(c.name)]
    if not differ:
        return []
    return [Violation("projection-tampered", ocid, cid, f"{name} differs from the chain: " + "; ".join(
        f"{c}: stored {_show(stored.get(c))} != chain {_show(truth.get(c))}" for c in differ))]


def compare_block_hashes(engine: Engine, hash_at: HashAt, genesis: str | None) -> list[Violation]:
    """Violations for every checkpoint or recorded block whose hash is not the chain's (and a genesis that is
    not the chain's)."""
    cp, b = schema.checkpoints.c, schema.indexed_blocks.c
    with engine.connect() as conn:
        checkpoints = list(conn.execute(select(cp.name, cp.block_number, cp.block_hash, cp.genesis_hash)))
        recorded = list(conn.execute(select(b.name, b.block_number, b.block_hash)))
    found = []
    for name, number, block_hash, stored_genesis in checkpoints:
        if stored_genesis is not None and genesis is not None and stored_genesis != genesis:
            found.append(_mismatch(f"checkpoint {name!r} genesis", 0, stored_genesis, genesis))
        found.extend(_hash_check(f"checkpoint {name!r}", int(number), str(block_hash), hash_at))
    for name, number, block_hash in recorded:
        found.extend(_hash_check(f"indexed block of {name!r}", int(number), str(block_hash), hash_at))
    return found


def _hash_check(what: str, number: int, stored: str, hash_at: HashAt) -> list[Violation]:
    actual = hash_at(number)
    return [] if actual == stored else [_mismatch(what, number, stored, actual)]


def _mismatch(what: str, number: int, stored: str, actual: str | None) -> Violation:
    return Violation("block-hash-mismatch", None, None, f"{what} at block {number}: stored {stored} != chain "
                     f"{actual or 'no such block'}", block_number=number)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
