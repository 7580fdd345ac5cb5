"""The field-by-field report: each source record against what the ledger holds (from the read model,
which `audit check` compares with the chain), every difference named.

What the ledger is expected to hold is the source mapped by the migration's rules: a contract under way
has the value of its open milestones (those settled before migration stay off the ledger, under the
anchored root), no advance once any milestone was settled, its record's leaf as document hash and its
agency's root in the metadata URI. A closed contract is expected under an anchored root, not registered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from ..._utils.codec import timestamp
from ...readmodel import schema
from ...types import contract_id
from .anchor import Anchors
from .records import SourceContract


@dataclass(frozen=True)
class Difference:
    ocid: str
    field: str
    source: Any  # what the source, mapped by the migration's rules, says
    ledger: Any

    def __str__(self) -> str:
        return f"{self.ocid}: {self.field}: source {self.source!r}, ledger {self.ledger!r}"


@dataclass
class FieldReport:
    compared: int = 0  # registered contracts compared
    fields: int = 0  # fields compared
    matching: int = 0  # contracts with no difference
    anchored: int = 0  # closed contracts found under an anchored root
    settled_off_ledger: int = 0  # milestones settled before migration (kept under the root)
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {"compared": self.compared, "fields": self.fields, "matching": self.matching,
                "anchored": self.anchored, "settled_off_ledger": self.settled_off_ledger,
                "differences": [{"ocid": d.ocid, "field": d.field, "source": d.source, "ledger": d.ledger}
                                for d in self.differences]}


def _load(engine: Engine, ids: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Per contract id: its registration, inspectors and current row; and its milestone rows."""
    e, c, m = schema.events.c, schema.contracts.c, schema.milestones.c
    rows: dict[str, dict[str, Any]] = {}
    milestones: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for cid, name, args in conn.execute(select(e.contract_id, e.event, e.args).where(
                    e.contract_id.in_(chunk), e.event.in_(("ContractRegistered", "InspectorsAssigned")))):
                rows.setdefault(cid, {})[name] = json.loads(args)
            for r in conn.execute(select(schema.contracts).where(c.contract_id.in_(chunk))):
                rows.setdefault(r.contract_id, {})["row"] = dict(r._mapping)
            for r in conn.execute(select(schema.milestones).where(m.contract_id.in_(chunk)).order_by(m.idx)):
                milestones.setdefault(r.contract_id, []).append(dict(r._mapping))
    return rows, milestones


def _expected(r: SourceContract, root: str) -> dict[str, Any]:
    return {"agency": r.agency, "contractor": r.contractor, "category": r.category.label,
            "value": r.value - r.settled_amount, "original_value": r.value - r.settled_amount,
            "advance_payment": r.expected_advance(), "start": timestamp(r.start), "end": timestamp(r.end),
            "document_hash": "0x" + r.leaf.hex(), "metadata_uri": f"govledger-migration:{root}",
            "milestones": len(r.open_milestones)}


def _held(reg: dict[str, Any], row: dict[str, Any], milestones: list[dict[str, Any]]) -> dict[str, Any]:
    return {"agency": row["agency_code"], "contractor": row["contractor"], "category": row["category"],
            "value": row["value"], "original_value": row["original_value"], "advance_payment": row["advance_payment"],
            "start": int(reg["startDate"]), "end": int(reg["endDate"]), "document_hash": reg["documentHash"],
            "metadata_uri": reg["metadataURI"], "milestones": len(milestones)}


def _day(ts: int) -> str:
    from ..._utils.codec import day

    return day(ts).isoformat()


def compare(engine: Engine, registered: Iterable[SourceContract], closed: Iterable[SourceContract],
            roots: dict[str, str], anchors: Anchors) -> FieldReport:
    report = FieldReport()
    records = list(registered)
    ids = {"0x" + contract_id(r.ocid).hex(): r for r in records}
    rows, milestones = _load(engine, list(ids))
    for cid, r in ids.items():
        report.compared += 1
        report.settled_off_ledger += len(r.settled)
        before = len(report.differences)
        found = rows.get(cid, {})
        if "ContractRegistered" not in found or "row" not in found:
            report.differences.append(Difference(r.ocid, "registered", True, False))
            continue
        inspectors = found.get("InspectorsAssigned", {}).get("inspectors", [])
        held_ms = milestones.get(cid, [])
        want, held = _expected(r, roots[r.agency]), _held(found["ContractRegistered"]["registration"], found["row"], held_ms)
        for name, value in want.items():
            report.fields += 1
            if held[name] != value:
                shown = (_day(value), _day(held[name])) if name in ("start", "end") else (value, held[name])
                report.differences.append(Difference(r.ocid, name, *shown))
        for i, (src, got) in enumerate(zip(r.open_milestones, held_ms)):
            names = sorted(inspectors[b] for b in range(len(inspectors)) if got["inspector_mask"] >> b & 1)
            pairs = {"amount": (src.amount, got["amount"]), "due": (timestamp(src.due), got["due_date"]),
                     "required_approvals": (src.required_approvals, got["required_approvals"]),
                     "inspectors": (sorted(src.inspectors), names)}
            for name, (a, b) in pairs.items():
                report.fields += 1
                if a != b:
                    shown = (_day(a), _day(b)) if name == "due" else (a, b)
                    report.differences.append(Difference(r.ocid, f"milestone {i} {name}", *shown))
        if len(report.differences) == before:
            report.matching += 1
    for r in closed:
        info = anchors.anchor_of(bytes.fromhex(roots[r.agency][2:]))
        report.fields += 1
        if info is None:
            report.differences.append(Difference(r.ocid, "anchored root", roots[r.agency], None))
        else:
            report.anchored += 1
    return report


def describe(report: FieldReport) -> list[str]:
    """The report as lines for a person."""
    lines = [(f"{report.compared} registered contracts compared field by field ({report.fields} fields): "
              f"{report.matching} match the source; {report.anchored} closed contracts under an anchored root; "
              f"{report.settled_off_ledger} milestones settled before migration kept off the ledger")]
    lines += [f"DIFFERENCE {d}" for d in report.differences]
    if report.ok:
        lines.append("no difference between the source and the ledger")
    return lines


__all__ = ["Difference", "FieldReport", "compare", "describe"]
