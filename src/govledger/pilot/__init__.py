"""The pilot data set: one clearly fictional agency with contracts of every category, at several stages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ..accounts import demo_accounts
from ..errors import UnknownContract
from ..ledger import Ledger
from ..money import parse_rupiah
from ..roles import ARBITER_ROLE, INSPECTOR_ROLE, PAUSER_ROLE, agency_id, official_role
from ..types import Category, ContractSpec, ContractStatus, MilestoneSpec, MilestoneStatus, Sen

PILOT_AGENCY = "DEMO-DPUPR-KAB-CONTOH"
PILOT_BUDGET = parse_rupiah("50,000,000,000")


def pilot_data() -> dict[str, Any]:
    return json.loads((resources.files(__package__) / "pilot.json").read_text())


def setup_roles(ledger: Ledger) -> int:
    """Enable the pilot agency, appoint its official and the inspectors, allocate the budget.

    Each step is taken only if the chain does not show it done, so a run cut short anywhere (kill -9)
    is finished by running it again. Returns how many steps were taken.
    """
    acc = demo_accounts()
    admin = acc["admin"]
    steps: list[Callable[[], object]] = []
    if set(ledger.allowed_categories(PILOT_AGENCY)) != set(Category):
        steps.append(lambda: ledger.enable_agency(admin, PILOT_AGENCY))
    grants = [
        (official_role(agency_id(PILOT_AGENCY)), acc["official"].address, ledger.appoint_official, (PILOT_AGENCY,)),
        *((INSPECTOR_ROLE, acc[n].address, ledger.certify_inspector, ()) for n in ("inspector1", "inspector2", "inspector3")),
        (PAUSER_ROLE, acc["guardian"].address, ledger.appoint_pauser, ()),
        (ARBITER_ROLE, acc["arbiter"].address, ledger.appoint_arbiter, ()),
    ]
    for role, account, grant, args in grants:
        if not ledger.registry.functions.hasRole(role, account).call():
            steps.append(lambda grant=grant, args=args, account=account: grant(admin, *args, account))
    # The budget is minted once, on a fresh deployment: any supply means this step was taken.
    if ledger.token.functions.totalSupply().call() == 0:
        steps.append(lambda: ledger.mint(acc["treasury"], acc["official"].address, PILOT_BUDGET))
    for step in steps:
        step()
    return len(steps)


def load_pilot(ledger: Ledger, progress: Callable[[str], None] = lambda _: None) -> int:
    """Register the pilot contracts and drive each to its stage; returns how many needed any step.

    Before every step the chain is asked whether it was already taken (registered, accepted, funded,
    advance paid, each submission and each approval), so a load cut short anywhere, even between two
    steps of one contract, is completed by running it again.
    """
    acc = demo_accounts()
    loaded = 0
    for item in pilot_data()["contracts"]:
        spec = _spec(item)
        steps = _drive(ledger, acc, item, spec)
        loaded += steps > 0
        progress(f"{spec.ocid}: {item['title']} ({item['stage']})" + ("" if steps else ", already there"))
    return loaded


def _drive(ledger: Ledger, acc: dict[str, LocalAccount], item: dict[str, Any], spec: ContractSpec) -> int:
    """Take the steps that bring one pilot contract to its stage and are not on chain yet; how many."""
    official, contractor, ocid = acc["official"], acc[item["contractor"]], spec.ocid
    taken = 0
    try:
        contract = ledger.contract(ocid)
    except UnknownContract:
        ledger.register(official, spec)
        contract, taken = ledger.contract(ocid), taken + 1
    stage = item["stage"]
    if stage != "pending" and contract.status == ContractStatus.PENDING:
        ledger.accept(contractor, ocid)
        taken += 1
    if stage in ("funded", "in-progress"):
        account = ledger.escrow_account(ocid)
        if account.funded < spec.value:
            ledger.fund(official, ocid, Sen(spec.value - account.funded))
            taken += 1
        if spec.advance_payment and account.advance_paid == 0:
            ledger.pay_advance(official, ocid)
            taken += 1
    names = {a.address: n for n, a in acc.items()}
    for index in range(item.get("paid_milestones", 0)):
        milestone = ledger.milestones(ocid)[index]
        if milestone.status == MilestoneStatus.PAID:
            continue
        if milestone.status != MilestoneStatus.SUBMITTED:
            ledger.submit(contractor, ocid, index, keccak(text=f"{ocid} evidence {index}"))
            taken += 1
        wanted = spec.milestones[index].inspectors[: milestone.required_approvals]
        for inspector in (a for a in wanted if a not in milestone.approved_by):
            name = names[inspector]
            ledger.approve(acc[name], ocid, index, keccak(text=f"{ocid} report {index} {name}"))
            taken += 1
    return taken


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
