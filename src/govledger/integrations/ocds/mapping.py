"""One compiled OCDS release -> the contract the ledger registers (the table: docs/ocds-mapping.md).

Reads OCDS 1.1 and 1.0 field variants (`value` or `amount`, `payer` or `providerOrganization`,
`amendments[]` or one `amendment`, `buyer.id` or `buyer.identifier`). Whatever cannot map is named in
a :class:`Unmappable` with the JSON path of the field: no milestones with amounts, a supplier with no
account, a currency other than IDR, a negative amount, a date without a time zone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ...errors import GovLedgerValueError
from ...types import Category, ContractSpec, MilestoneSpec, Sen
from .config import MappingConfig, address_of
from .errors import OcdsConfigError
from .schema import has_time_zone

CURRENCY = "IDR"
INACTIVE = ("cancelled", "unsuccessful")


class Unmappable(GovLedgerValueError):
    """Why one record cannot go on the ledger: the JSON `path` (in its compiled release) and `reason`."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Mapped:
    """A record mapped: the spec to register, who signs, and what ties it back to OCDS for the export."""

    spec: ContractSpec
    buyer: str
    official: str
    contract_path: str  # e.g. $.contracts[0]
    milestone_ids: tuple[str, ...]  # OCDS milestone id of each ledger milestone, in order
    fingerprint: str  # sha256 of the mapped terms: equal fingerprints, nothing to change


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def buyer_id(release: dict[str, Any]) -> str | None:
    """`buyer.id` (1.1), the buyer's identifier scheme-id (1.0), or the party with the role buyer."""
    buyer = release.get("buyer")
    if isinstance(buyer, dict):
        if buyer.get("id"):
            return str(buyer["id"])
        ident = buyer.get("identifier") or {}
        if ident.get("id"):
            return "-".join(str(p) for p in (ident.get("scheme"), ident["id"]) if p)
    for party in release.get("parties") or []:
        if "buyer" in (party.get("roles") or []) and party.get("id"):
            return str(party["id"])
    return None


def _org_ids(org: dict[str, Any]) -> list[str]:
    ident = org.get("identifier") or {}
    ids = [org.get("id"), ident.get("id") and "-".join(str(p) for p in (ident.get("scheme"), ident["id"]) if p),
           ident.get("id")]
    return [str(i) for i in ids if i]


def sen(value: Any, path: str) -> Sen:
    """An OCDS Value (`amount` and `currency`) in sen, refusing what the ledger cannot hold."""
    if not isinstance(value, dict):
        raise Unmappable(path, "no value")
    amount, currency = value.get("amount"), value.get("currency")
    if currency != CURRENCY:
        raise Unmappable(f"{path}.currency", f"currency {currency!r} is not {CURRENCY}: the ledger holds Rupiah only")
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
        raise Unmappable(f"{path}.amount", f"amount {amount!r} is not a number")
    try:
        exact = Decimal(str(amount)) * 100
    except InvalidOperation:
        raise Unmappable(f"{path}.amount", f"amount {amount!r} is not a number") from None
    if exact <= 0:
        raise Unmappable(f"{path}.amount", f"amount {amount} must be above zero")
    if exact != exact.to_integral_value():
        raise Unmappable(f"{path}.amount", f"amount {amount} has fractions of a sen")
    return Sen(int(exact))


def day(value: Any, path: str) -> date:
    """The calendar date of an OCDS date-time, in its own time zone; refuses one without a time zone."""
    if not isinstance(value, str) or not value:
        raise Unmappable(path, "no date")
    if not has_time_zone(value):
        raise Unmappable(path, f"{value!r} is not a date-time with a time zone")
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00")).date()


def _contract(release: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    contracts = [(i, c) for i, c in enumerate(release.get("contracts") or []) if isinstance(c, dict)]
    live = [(i, c) for i, c in contracts if c.get("status") not in INACTIVE]
    if not live:
        raise Unmappable("$.contracts", "no contract (only tender or award data, or every contract cancelled)")
    if len(live) > 1:
        raise Unmappable("$.contracts", f"{len(live)} contracts under one ocid: the ledger keeps one per ocid")
    return live[0]


def _award(release: dict[str, Any], contract: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    for i, award in enumerate(release.get("awards") or []):
        if isinstance(award, dict) and str(award.get("id")) == str(contract.get("awardID")):
            return i, award
    return None


def _supplier_ids(release: dict[str, Any], contract: dict[str, Any], cpath: str) -> tuple[str, list[str]]:
    found = _award(release, contract)
    if found is None:
        raise Unmappable(f"{cpath}.awardID", f"no award with id {contract.get('awardID')!r}")
    i, award = found
    suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
    if len(suppliers) != 1:
        raise Unmappable(f"$.awards[{i}].suppliers", f"{len(suppliers)} suppliers: the ledger pays one contractor")
    ids = _org_ids(suppliers[0])
    if not ids:
        raise Unmappable(f"$.awards[{i}].suppliers[0]", "the supplier has no id")
    return f"$.awards[{i}].suppliers[0]", ids


def milestone_value(milestone: dict[str, Any], transactions: list[dict[str, Any]]) -> tuple[Any, str] | None:
    """A milestone's payable value: its own `value` (milestone value extension), else the transactions
    that name it in `relatedImplementationMilestone` (transaction_milestones extension), else None."""
    if isinstance(milestone.get("value"), dict):
        return milestone["value"], "value"
    linked = [t for t in transactions if (t.get("relatedImplementationMilestone") or {}).get("id") == milestone.get("id")]
    if not linked:
        return None
    values = [t.get("value") or t.get("amount") for t in linked]  # 1.0: `amount`
    if any(not isinstance(v, dict) for v in values):
        return None
    currencies = {v.get("currency") for v in values}
    total = sum(Decimal(str(v.get("amount"))) for v in values if isinstance(v.get("amount"), (int, float)))
    return {"amount": total, "currency": currencies.pop() if len(currencies) == 1 else None}, "transactions"


def map_release(release: dict[str, Any], config: MappingConfig) -> Mapped:
    """The ledger contract of compiled release `release`, or :class:`Unmappable` naming the first problem."""
    buyer = buyer_id(release)
    if buyer is None:
        raise Unmappable("$.buyer", "no buyer")
    agency = config.agencies.get(buyer)
    if agency is None:
        raise Unmappable("$.buyer.id", f"buyer {buyer!r} has no agency in the mapping file {config.source}")
    index, contract = _contract(release)
    cpath = f"$.contracts[{index}]"
    supplier_path, supplier_ids = _supplier_ids(release, contract, cpath)
    account = config.account(supplier_ids)
    if account is None:
        raise Unmappable(supplier_path, f"supplier {supplier_ids[0]!r} has no account in the mapping file "
                                        f"{config.source} (add it under [suppliers])")
    try:
        contractor = address_of(account)
        inspectors = tuple(address_of(i) for i in agency.inspectors)
    except OcdsConfigError as exc:
        raise Unmappable(supplier_path, str(exc)) from None
    value_path = f"{cpath}.value"
    value = sen(contract.get("value"), value_path)
    period = contract.get("period") or {}
    start, end = day(period.get("startDate"), f"{cpath}.period.startDate"), day(period.get("endDate"),
                                                                             f"{cpath}.period.endDate")
    if end < start:
        raise Unmappable(f"{cpath}.period", f"ends {end} before it starts {start}")
    category = _category(release, config)
    ids, milestones = _milestones(contract, cpath, value, end, inspectors, agency.required_approvals, config)
    spec = ContractSpec(ocid=release["ocid"], agency=agency.agency, contractor=contractor, category=category,
                        value=value, start=start, end=end, milestones=milestones,
                        document_hash=hashlib.sha256(canonical(release)).digest())
    terms = {"ocid": spec.ocid, "agency": spec.agency, "contractor": spec.contractor, "category": category.label,
             "value": value, "start": str(start), "end": str(end),
             "milestones": [[m.amount, str(m.due), list(m.inspectors), m.required_approvals] for m in milestones]}
    return Mapped(spec, buyer, agency.official, cpath, ids, hashlib.sha256(canonical(terms)).hexdigest())


def _category(release: dict[str, Any], config: MappingConfig) -> Category:
    main = (release.get("tender") or {}).get("mainProcurementCategory")
    if isinstance(main, str) and main.lower() in Category.labels():
        return Category[main.upper()]
    if config.category is not None:
        return config.category
    raise Unmappable("$.tender.mainProcurementCategory", f"category {main!r} is not one of "
                     f"{', '.join(Category.labels())} and the mapping file sets no default")


def _milestones(contract: dict[str, Any], cpath: str, value: Sen, end: date, inspectors: tuple[str, ...], k: int,
                config: MappingConfig) -> tuple[tuple[str, ...], tuple[MilestoneSpec, ...]]:
    impl = contract.get("implementation") or {}
    transactions = [t for t in impl.get("transactions") or [] if isinstance(t, dict)]
    ids: list[str] = []
    specs: list[MilestoneSpec] = []
    field = "implementation.milestones" if impl.get("milestones") else "milestones"
    for i, m in enumerate(impl.get("milestones") or contract.get("milestones") or []):
        where = f"{cpath}.{field}[{i}]"
        found = milestone_value(m, transactions) if isinstance(m, dict) else None
        if found is None or m.get("status") == "cancelled":
            continue  # a delivery milestone: no money of its own
        amount = sen(found[0], f"{where}.{found[1]}")
        due = day(m.get("dueDate"), f"{where}.dueDate")
        ids.append(str(m.get("id")))
        specs.append(MilestoneSpec(amount, due, inspectors, k))
    if not specs:
        if not config.whole_value_milestone:
            raise Unmappable(f"{cpath}.implementation.milestones", "no milestones with an amount (give each a "
                             "`value` or link transactions to it), and the mapping file does not allow one "
                             "milestone for the whole value")
        return ("whole-value",), (MilestoneSpec(value, end, inspectors, k),)
    total = sum(s.amount for s in specs)
    if total != value:
        raise Unmappable(f"{cpath}.implementation.milestones", f"milestones add up to {total / 100:,.2f} IDR, "
                         f"the contract value is {value / 100:,.2f} IDR")
    return tuple(ids), tuple(specs)
