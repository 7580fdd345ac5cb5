"""What the chain would refuse, found before anything is sent: roles, allowlist, inspectors, advance,
and ocids already on the ledger. Each check asks the chain once per agency or inspector, not per record."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from ...readmodel import schema
from ...roles import INSPECTOR_ROLE, agency_id, official_role
from ...types import Category, Parameters, contract_id
from .records import CLOSED, SourceContract
from .sources import Problem

if TYPE_CHECKING:
    from ...ledger import Ledger

_BPS = 10_000


def registered_documents(engine: Engine, ocids: Iterable[str]) -> dict[str, str]:
    """ocid -> the document hash it was registered with, for those of `ocids` on the ledger (read model)."""
    wanted = {"0x" + contract_id(o).hex(): o for o in ocids}
    e = schema.events.c
    found: dict[str, str] = {}
    keys = list(wanted)
    with engine.connect() as conn:
        for i in range(0, len(keys), 500):
            query = select(e.contract_id, e.args).where(e.event == "ContractRegistered",
                                                        e.contract_id.in_(keys[i:i + 500]))
            for cid, args in conn.execute(query):
                found[wanted[cid]] = json.loads(args)["registration"]["documentHash"]
    return found


def chain_problems(ledger: Ledger, records: list[SourceContract], signer: str,
                   registered: dict[str, str]) -> list[Problem]:
    """Problems of records the chain would refuse; `registered`: ocid -> document hash already on chain."""
    registry = ledger.registry
    params: Parameters = ledger.parameters()
    agencies = {r.agency for r in records}
    officials = {a: registry.functions.hasRole(official_role(agency_id(a)), signer).call() for a in agencies}
    allowed = {a: set(ledger.allowed_categories(a)) for a in agencies}
    inspectors = {i for r in records for m in r.milestones for i in m.inspectors}
    certified = {i: registry.functions.hasRole(INSPECTOR_ROLE, i).call() for i in inspectors}
    problems = []
    for r in records:
        reason = _problem(r, signer, officials, allowed, certified, params, registered.get(r.ocid))
        if reason:
            problems.append(Problem(r.where, reason, r.ocid))
    return problems


def _problem(r: SourceContract, signer: str, officials: dict[str, bool], allowed: dict[str, set[Category]],
             certified: dict[str, bool], params: Parameters, on_chain: str | None) -> str | None:
    if on_chain is not None and on_chain.lower() != "0x" + r.leaf.hex():
        return (f"{r.ocid} is already on the ledger with other terms (document hash {on_chain}); "
                "it is left as it is")
    if not officials[r.agency]:  # it registers the agency's contracts and anchors its records
        return f"the signer {signer} is not an official of agency {r.agency}"
    if r.status == CLOSED:
        return None  # anchored, not registered: the registry's other rules do not apply
    if r.category not in allowed[r.agency]:
        return f"agency {r.agency} may not register {r.category.label} contracts (rollout allowlist)"
    if not r.open_milestones:
        return "every milestone is settled: migrate it with status closed"
    for i, m in enumerate(r.milestones):
        for inspector in m.inspectors:
            if not certified[inspector]:
                return f"milestone {i}: inspector {inspector} is not certified"
            if inspector == signer:
                return f"milestone {i}: the registering official {inspector} cannot inspect"
    if r.contractor == signer:
        return f"the contractor {r.contractor} is the registering official"
    retention = params.works_retention_bps if r.category == Category.WORKS else 0
    unpaid = r.value - r.settled_amount
    most = unpaid * (_BPS - retention - params.penalty_cap_bps) // _BPS
    if r.expected_advance() > most:
        return f"the advance {r.advance / 100:,.2f} is above the most allowed, {most / 100:,.2f} Rupiah"
    return None
