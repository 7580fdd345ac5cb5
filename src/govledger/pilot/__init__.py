"""The pilot data set: one clearly fictional agency with contracts of every category, at several stages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

from eth_utils import keccak

from ..accounts import demo_accounts
from ..errors import ContractAlreadyRegistered
from ..ledger import Ledger
from ..money import parse_rupiah
from ..types import Category, ContractSpec, MilestoneSpec, Sen

PILOT_AGENCY = "DEMO-DPUPR-KAB-CONTOH"
PILOT_BUDGET = parse_rupiah("50,000,000,000")


def pilot_data() -> dict[str, Any]:
    return json.loads((resources.files(__package__) / "pilot.json").read_text())


def setup_roles(ledger: Ledger) -> None:
    """Enable the pilot agency, appoint its official and the inspectors, allocate the budget."""
    acc = demo_accounts()
    ledger.enable_agency(acc["admin"], PILOT_AGENCY)
    ledger.appoint_official(acc["admin"], PILOT_AGENCY, acc["official"].address)
    for name in ("inspector1", "inspector2", "inspector3"):
        ledger.certify_inspector(acc["admin"], acc[name].address)
    ledger.appoint_pauser(acc["admin"], acc["guardian"].address)
    ledger.appoint_arbiter(acc["admin"], acc["arbiter"].address)
    ledger.mint(acc["treasury"], acc["official"].address, PILOT_BUDGET)


def load_pilot(ledger: Ledger, progress: Callable[[str], None] = lambda _: None) -> int:
    """Register the pilot contracts and drive each to its stage; returns how many were registered.

    Contracts already on the ledger are skipped, so an interrupted load can simply be run again.
    """
    acc = demo_accounts()
    official = acc["official"]
    loaded = 0
    for item in pilot_data()["contracts"]:
        spec = _spec(item)
        try:
            ledger.register(official, spec)
        except ContractAlreadyRegistered:
            progress(f"{spec.ocid}: already on the ledger")
            continue
        stage = item["stage"]
        contractor = acc[item["contractor"]]
        if stage != "pending":
            ledger.accept(contractor, spec.ocid)
        if stage in ("funded", "in-progress"):
            ledger.fund(official, spec.ocid, spec.value)
            if spec.advance_payment:
                ledger.pay_advance(official, spec.ocid)
        for index in range(item.get("paid_milestones", 0)):
            ledger.submit(contractor, spec.ocid, index, keccak(text=f"{spec.ocid} evidence {index}"))
            milestone = spec.milestones[index]
            for inspector in milestone.inspectors[: milestone.required_approvals]:
                name = next(n for n, a in acc.items() if a.address == inspector)
                ledger.approve(acc[name], spec.ocid, index, keccak(text=f"{spec.ocid} report {index} {name}"))
        loaded += 1
        progress(f"{spec.ocid}: {item['title']} ({stage})")
    return loaded


def _spec(item: dict[str, Any]) -> ContractSpec:
    acc = demo_accounts()
    return ContractSpec(
        ocid=item["ocid"],
        agency=PILOT_AGENCY,
        contractor=acc[item["contractor"]].address,
        category=Category[item["category"].upper()],
        value=parse_rupiah(item["value"]),
        start=date.fromisoformat(item["start"]),
        end=date.fromisoformat(item["end"]),
        document_hash=keccak(text=f"{item['ocid']} contract document"),
        metadata_uri=item.get("metadata_uri", ""),
        advance_payment=parse_rupiah(item.get("advance_payment", "0")),
        milestones=tuple(
            MilestoneSpec(
                amount=Sen(parse_rupiah(m["amount"])),
                due=date.fromisoformat(m["due"]),
                inspectors=tuple(acc[n].address for n in m["inspectors"]),
                required_approvals=m["approvals"],
            )
            for m in item["milestones"]
        ),
    )
