"""Reads for people and scripts, from the read model only: the contract list, one contract with its escrow
and milestones, and the summary.

Standard library only (plain SQL through `sqlite3`, or through SQLAlchemy when the read model is on
another database), so that a read command answers without importing web3 or py-evm. The projections
(`contracts`, `milestones`) give the lists; one contract's escrow and approvals are folded from its own
`events` rows, as the chain computes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContractNotFoundError, NotFoundError
from .ocid import check_agency_code, ocid_problem

if TYPE_CHECKING:
    from sqlalchemy import Engine

Query = Callable[[str, Mapping[str, Any]], list[Any]]  # rows as tuples, in the order the SQL selects
READ_MODEL_FILE = "readmodel.sqlite"


@dataclass(frozen=True, slots=True)
class ContractRow:
    """A contract as the `contracts` projection holds it. Amounts in sen; `ocid_problem` is set when the
    ocid on chain breaks the rules of `govledger.ocid` (registered before they applied): shown, marked."""

    ocid: str
    contract_id: str
    agency: str
    category: str
    status: str
    disputed: bool
    contractor: str
    value: int
    original_value: int
    advance_payment: int
    amendment_count: int
    milestone_count: int
    start: date
    end: date
    funded: int
    paid: int  # credited to the contractor: withdrawn + withdrawable
    withdrawn: int
    retained: int
    refunded: int
    registered_block: int
    paid_milestones: int = 0
    ocid_problem: str | None = None


@dataclass(frozen=True)
class EscrowView:
    """One contract's escrow: funded = withdrawn + withdrawable + retained + refunded + held."""

    funded: int = 0
    held: int = 0
    withdrawable: int = 0
    withdrawn: int = 0
    retained: int = 0
    refunded: int = 0
    advance_paid: int = 0
    advance_outstanding: int = 0


@dataclass(frozen=True)
class MilestoneView:
    index: int
    amount: int
    due: date
    status: str
    required_approvals: int
    inspectors: tuple[str, ...]
    approved_by: tuple[str, ...]
    round: int
    submitted_at: int | None


@dataclass(frozen=True)
class ContractDetail:
    contract: ContractRow
    escrow: EscrowView
    milestones: list[MilestoneView] = field(default_factory=list)


@dataclass(frozen=True)
class Checkpoint:
    block_number: int
    block_hash: str


class ReadModelReader:
    """Queries the read model with plain SQL; build with :meth:`over_sqlite` or :meth:`over_engine`."""

    def __init__(self, query: Query) -> None:
        self._query = query
        self._has_ocid_valid: bool | None = None

    @classmethod
    def over_sqlite(cls, path: Path | str) -> ReadModelReader:
        """Read the SQLite read model at `path` without writing to it (and without SQLAlchemy)."""
        path = Path(path)
        if not path.is_file():
            raise NotFoundError(f"no read model at {path}")
        from .chain.head import connect_read_only

        conn = connect_read_only(path)

        def query(sql: str, params: Mapping[str, Any]) -> list[Any]:
            return conn.execute(sql, dict(params)).fetchall()

        reader = cls(query)
        reader.close = conn.close  # type: ignore[method-assign]
        return reader

    @classmethod
    def over_engine(cls, engine: Engine) -> ReadModelReader:
        """Read through a SQLAlchemy engine (PostgreSQL, or SQLite opened by the indexer)."""
        from sqlalchemy import text

        def query(sql: str, params: Mapping[str, Any]) -> list[Any]:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), dict(params)))

        return cls(query)

    def close(self) -> None:
        """Release the connection (readers over an engine hold none)."""

    # --- what the read model has seen -------------------------------------------------------------

    def checkpoint(self, name: str = "main") -> Checkpoint | None:
        """The last block fully indexed, or None before the first sync (or before the tables exist)."""
        try:
            rows = self._query("SELECT block_number, block_hash FROM checkpoints WHERE name = :name", {"name": name})
        except Exception as exc:  # a read model file without tables yet: nothing indexed
            if "no such table" in str(exc):
                return None
            raise
        return Checkpoint(int(rows[0][0]), str(rows[0][1])) if rows else None

    # --- contracts --------------------------------------------------------------------------------

    def contracts(self, limit: int | None = None, offset: int = 0, *, agency: str | None = None,
                  status: str | None = None, contractor: str | None = None) -> list[ContractRow]:
        """Contracts in registration order (the index `ix_contracts_registration_order` keeps a page cheap),
        with their counts of paid milestones: all of them, or `limit` from `offset`; only an `agency` code's,
        those in `status`, or a `contractor` address's (any case)."""
        where, params = _contract_filter(agency, status, contractor)
        page = ""
        if limit is not None:
            page = " LIMIT :limit OFFSET :offset"
            params.update(limit=int(limit), offset=int(offset))
        rows = self._query(f"SELECT {self._contract_columns()} FROM contracts{where} "
                           f"ORDER BY registered_block, ocid{page}", params)
        paid = self._paid_milestones([r[1] for r in rows] if limit is not None else None)
        return [_contract(r, paid.get(r[1], 0)) for r in rows]

    def contract_count(self, *, agency: str | None = None, status: str | None = None,
                       contractor: str | None = None) -> int:
        """How many contracts `contracts` lists with these filters, over all pages."""
        where, params = _contract_filter(agency, status, contractor)
        return int(self._query(f"SELECT COUNT(*) FROM contracts{where}", params)[0][0])

    def _paid_milestones(self, contract_ids: list[str] | None) -> dict[str, int]:
        """Paid milestones per contract: of `contract_ids` only, or of every contract (None)."""
        sql = "SELECT contract_id, COUNT(*) FROM milestones WHERE status = 'paid'"
        params: dict[str, Any] = {}
        if contract_ids is not None:
            if not contract_ids:
                return {}
            params = {f"c{i}": cid for i, cid in enumerate(contract_ids)}
            sql += " AND contract_id IN (" + ", ".join(f":{name}" for name in params) + ")"
        return dict(self._query(sql + " GROUP BY contract_id", params))

    def contract(self, ocid: str) -> ContractRow:
        """The contract registered as `ocid`; `ContractNotFoundError` if there is none."""
        rows = self._query(f"SELECT {self._contract_columns()} FROM contracts WHERE ocid = :ocid", {"ocid": ocid})
        if not rows:
            problem = ocid_problem(ocid)
            raise ContractNotFoundError(ocid, f" ({problem})" if problem else "")
        paid = self._query("SELECT COUNT(*) FROM milestones WHERE contract_id = :id AND status = 'paid'",
                           {"id": rows[0][1]})
        return _contract(rows[0], int(paid[0][0]))

    def _contract_columns(self) -> str:
        """The columns `_contract` reads; `ocid_valid` only where the read model has it (older ones lack it)."""
        if self._has_ocid_valid is None:
            try:
                self._query("SELECT ocid_valid FROM contracts LIMIT 0", {})
                self._has_ocid_valid = True
            except Exception:  # sqlite3.OperationalError or SQLAlchemy's wrapper: no such column
                self._has_ocid_valid = False
        return ", ".join(_COLUMNS) + (", ocid_valid" if self._has_ocid_valid else ", NULL")

    def detail(self, ocid: str) -> ContractDetail:
        """One contract with its escrow and milestones (approvals by name), folded from its events."""
        row = self.contract(ocid)
        events = self._query("SELECT event, args, block_timestamp FROM events WHERE contract_id = :id "
                             "ORDER BY block_number, log_index", {"id": row.contract_id})
        escrow, milestones = _fold([(name, json.loads(args), int(ts)) for name, args, ts in events])
        return ContractDetail(row, escrow, milestones)


def _contract_filter(agency: str | None, status: str | None, contractor: str | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (with its leading space, or empty) and parameters of the contract list's filters."""
    conditions, params = [], {}
    if agency:  # the column keeps the agency's bytes32 as hex; a malformed code is refused here
        conditions.append("agency = :agency")
        params["agency"] = "0x" + check_agency_code(agency).encode("utf-8").ljust(32, b"\0").hex()
    if status:
        conditions.append("status = :status")
        params["status"] = status
    if contractor:
        conditions.append("LOWER(contractor) = :contractor")
        params["contractor"] = contractor.lower()
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def _day(ts: Any) -> date:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).date()


_COLUMNS = ("ocid", "contract_id", "agency_code", "category", "status", "disputed", "contractor", "value",
            "original_value", "advance_payment", "amendment_count", "milestone_count", "start_date", "end_date",
            "funded", "paid", "withdrawn", "retained", "refunded", "registered_block")


def _contract(r: Any, paid_milestones: int) -> ContractRow:
    """A row selected as `_COLUMNS` + ocid_valid (None when the read model does not say)."""
    (ocid, contract_id, agency, category, status, disputed, contractor, value, original_value, advance,
     amendments, milestones, start, end, funded, paid, withdrawn, retained, refunded, block, valid) = r
    problem = ocid_problem(ocid)
    if problem is None and valid is not None and not valid:
        problem = "not well formed"
    return ContractRow(
        ocid, contract_id, agency, category, status, bool(disputed), contractor, int(value), int(original_value),
        int(advance), int(amendments), int(milestones), _day(start), _day(end), int(funded), int(paid),
        int(withdrawn), int(retained), int(refunded), int(block), paid_milestones, problem,
    )


class _Milestone:
    def __init__(self, index: int) -> None:
        self.index, self.amount, self.due, self.k, self.mask = index, 0, 0, 0, 0
        self.status, self.round, self.submitted_at = "planned", 0, None
        self.approved: list[str] = []


def _fold(events: list[tuple[str, dict[str, Any], int]]) -> tuple[EscrowView, list[MilestoneView]]:
    """One contract's events (in chain order) -> its escrow buckets and milestones, as the chain keeps them."""
    b = dict.fromkeys(("funded", "held", "withdrawable", "withdrawn", "retained", "refunded"), 0)
    advance_paid = advance_recovered = 0
    inspectors: list[str] = []
    ms: dict[int, _Milestone] = {}

    def amount(args: Mapping[str, Any], name: str = "amount") -> int:
        return int(args.get(name, 0))

    for name, a, ts in events:
        m = ms.setdefault(int(a["index"]), _Milestone(int(a["index"]))) if "index" in a else None
        if name == "InspectorsAssigned":
            inspectors = [str(i) for i in a["inspectors"]]
        elif name == "MilestoneRegistered" and m is not None:
            m.amount, m.due, m.k, m.mask = amount(a), int(a["dueDate"]), int(a["requiredApprovals"]), int(a["inspectorMask"])
        elif name == "MilestoneSubmitted" and m is not None:
            m.status, m.round, m.submitted_at, m.approved = "submitted", int(a.get("round", m.round + 1)), ts, []
        elif name == "MilestoneApproved" and m is not None:
            m.approved.append(str(a["inspector"]))
        elif name == "MilestoneRejected" and m is not None:
            m.status, m.approved = "rejected", []
        elif name in ("MilestoneVerified", "PaymentReleased") and m is not None:
            m.status = "paid"  # verification pays in the same transaction
        elif name == "MilestoneCancelled" and m is not None:
            m.status = "cancelled"
        if name == "EscrowFunded":
            b["funded"] += amount(a)
            b["held"] += amount(a)
        elif name == "AdvancePaid":
            advance_paid += amount(a)
            b["held"] -= amount(a)
            b["withdrawable"] += amount(a)
        elif name == "PaymentReleased":
            net, retention = amount(a, "net"), amount(a, "retention")
            advance_recovered += amount(a, "advanceRecovered")
            b["held"] -= net + retention
            b["withdrawable"] += net
            b["retained"] += retention
        elif name == "RetentionReleased":
            b["retained"] -= amount(a)
            b["withdrawable"] += amount(a)
        elif name == "PaymentWithdrawn":
            b["withdrawable"] -= amount(a)
            b["withdrawn"] += amount(a)
        elif name == "AdvanceRecoveredOnClose":
            advance_recovered += amount(a)
            b["withdrawable"] -= amount(a)
            b["held"] += amount(a)
        elif name == "EscrowRefunded":
            b["held"] -= amount(a)
            b["refunded"] += amount(a)
    escrow = EscrowView(**b, advance_paid=advance_paid, advance_outstanding=advance_paid - advance_recovered)
    milestones = [MilestoneView(
        index=m.index, amount=m.amount, due=_day(m.due), status=m.status, required_approvals=m.k,
        inspectors=tuple(a for i, a in enumerate(inspectors) if m.mask >> i & 1),
        approved_by=tuple(i for i in inspectors if i in m.approved), round=m.round, submitted_at=m.submitted_at,
    ) for m in sorted(ms.values(), key=lambda m: m.index)]
    return escrow, milestones
