"""Gas used by every state-changing function in a realistic lifecycle, against generous ceilings.

A regression that makes a function much dearer fails here. The measured table is written to
docs/gas.md only when the environment has GOVLEDGER_WRITE_GAS=1 (so CI never dirties the tree):

    GOVLEDGER_WRITE_GAS=1 python -m pytest tests/test_gas.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from conftest import ACCOUNTS, YEAR, make_spec
from govledger._utils import codec
from govledger.artifacts import DEPLOYABLE, load_artifact
from govledger.deployment import Deployment
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.types import Address, Category, ContractStatus, MilestoneChange, MilestoneSpec, Receipt, Sen
from chain_support import ChainControl

GAS_DOC = Path(__file__).resolve().parents[1] / "docs" / "gas.md"
H1, H2 = b"\x01" * 32, b"\x02" * 32

# function -> (ceiling, note). Ceilings sit well above today's figures: a failure means a real regression.
CEILINGS: dict[str, tuple[int, str]] = {
    "deploy SettlementToken": (2_500_000, "ERC-20 + AccessControlDefaultAdminRules"),
    "deploy ContractRegistry": (6_000_000, "the largest contract (about 20 KB of code, under the 24 KiB limit)"),
    "deploy MilestoneVerifier": (3_000_000, ""),
    "deploy PaymentEscrow": (3_000_000, ""),
    "setModules": (120_000, "once, wires verifier and escrow"),
    "setAgencyCategories": (80_000, "rollout allowlist"),
    "grantRole (official)": (100_000, "appoint_official"),
    "grantRole (inspector)": (100_000, "certify_inspector"),
    "mint": (110_000, "treasury allocates budget"),
    "register (2 milestones)": (700_000, "works contract with an advance payment, 2 inspectors"),
    "register (5 milestones)": (1_000_000, "3 inspectors"),
    "register (10 milestones)": (1_500_000, "3 inspectors"),
    "registerBatch (10 contracts x 2 milestones)": (6_000_000, "migration: one transaction, all or none"),
    "accept": (80_000, "contractor's own transaction"),
    "acceptWithSignature": (120_000, "EIP-712, relayed by anyone"),
    "approve (ERC-20)": (80_000, "official allows the escrow to pull the funding"),
    "fund": (170_000, "pulls the tokens into escrow"),
    "payAdvance": (160_000, ""),
    "submit": (120_000, "evidence hash"),
    "approve (milestone, not final)": (120_000, "1 of k = 2"),
    "approve (milestone, final: pays)": (250_000, "k-th approval: credits payment, retention, advance recovery"),
    "reject": (100_000, ""),
    "approve (milestone, final: completes)": (250_000, "last milestone: also completes the contract"),
    "withdraw": (140_000, "pull payment"),
    "proposeAmendment": (150_000, "value +5%, one milestone changed"),
    "consentAmendment": (200_000, "applies the milestone change"),
    "raiseDispute": (80_000, ""),
    "resolveDispute": (80_000, ""),
    "terminate": (100_000, ""),
    "reclaim": (150_000, "refund of what a terminated contract never earned"),
    "releaseRetention": (100_000, "after the maintenance period"),
    "pause": (80_000, "emergency stop"),
}


def _deploy(ledger: Ledger, gas: dict[str, int]) -> Ledger:
    """A fresh suite on the test chain, recording what each deployment and the wiring cost."""
    admin, sender = ACCOUNTS["admin"], ledger._sender

    def create(name: str, *args: Any) -> str:
        artifact = load_artifact(name)
        receipt = sender.send(admin, ledger.w3.eth.contract(abi=artifact["abi"],
                                                            bytecode=artifact["bytecode"]).constructor(*args))
        gas[f"deploy {name}"] = receipt.gas_used
        assert receipt.contract_address is not None
        return receipt.contract_address

    token = create("SettlementToken", admin.address, 0, ACCOUNTS["treasury"].address)
    registry = create("ContractRegistry", admin.address, 0)
    verifier = create("MilestoneVerifier", registry)
    escrow = create("PaymentEscrow", registry, token)
    registry_contract = ledger.w3.eth.contract(address=registry, abi=load_artifact("ContractRegistry")["abi"])
    gas["setModules"] = sender.send(admin, registry_contract.functions.setModules(verifier, escrow)).gas_used
    addresses = {"SettlementToken": token, "ContractRegistry": registry, "MilestoneVerifier": verifier,
                 "PaymentEscrow": escrow}
    return Ledger(ledger.w3, Deployment(
        chain_id=ledger.w3.eth.chain_id, deploy_block=ledger.w3.eth.block_number,
        addresses={k: Address(v) for k, v in addresses.items()},
        abis={name: load_artifact(name)["abi"] for name in DEPLOYABLE}))


def _spec(ocid: str, count: int, **changes: Any) -> Any:
    inspectors = tuple(ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3))
    per = 1_000_000_00 // count
    milestones = tuple(MilestoneSpec(Sen(per), date(YEAR, 1 + i % 12, 1), inspectors, 2) for i in range(count))
    return replace(make_spec(ocid), milestones=milestones, **changes)


def _register(ledger: Ledger, spec: Any) -> Receipt:
    return ledger._send(ACCOUNTS["official"], ledger.registry.functions.register(*codec.registration(spec)))


def measure(ledger: Ledger) -> dict[str, int]:
    """Run the lifecycle on a fresh suite; gas used by function."""
    gas: dict[str, int] = {}
    suite = _deploy(ledger, gas)
    a = ACCOUNTS
    admin, official, contractor, treasury = a["admin"], a["official"], a["contractor"], a["treasury"]
    i1, i2, i3 = a["inspector1"], a["inspector2"], a["inspector3"]

    gas["setAgencyCategories"] = suite.enable_agency(admin, PILOT_AGENCY).gas_used
    gas["grantRole (official)"] = suite.appoint_official(admin, PILOT_AGENCY, official.address).gas_used
    gas["grantRole (inspector)"] = suite.certify_inspector(admin, i1.address).gas_used
    for inspector in (i2, i3):
        suite.certify_inspector(admin, inspector.address)
    suite.appoint_pauser(admin, a["guardian"].address)
    suite.appoint_arbiter(admin, a["arbiter"].address)
    gas["mint"] = suite.mint(treasury, official.address, Sen(10_000_000_000_00)).gas_used

    works = replace(make_spec("ocds-gas001-works", category=Category.WORKS), advance_payment=Sen(100_000_00))
    works = replace(works, milestones=tuple(replace(m, inspectors=(i1.address, i2.address)) for m in works.milestones))
    gas["register (2 milestones)"] = _register(suite, works).gas_used
    five, ten = _spec("ocds-gas001-5", 5), _spec("ocds-gas001-10", 10)
    gas["register (5 milestones)"] = _register(suite, five).gas_used
    gas["register (10 milestones)"] = _register(suite, ten).gas_used
    batch = [codec.registration(make_spec(f"ocds-gas001-batch-{n:02}")) for n in range(10)]
    gas["registerBatch (10 contracts x 2 milestones)"] = suite._send(official, suite.registry.functions.registerBatch(
        [b[0] for b in batch], [b[1] for b in batch], [b[2] for b in batch])).gas_used

    w = works.ocid
    gas["accept"] = suite.accept(contractor, w).gas_used
    deadline = ledger.w3.eth.get_block("latest")["timestamp"] + 3600
    signature = suite.sign_acceptance(contractor, five.ocid, deadline)
    gas["acceptWithSignature"] = suite.accept_signed(a["auditor"], five.ocid, deadline, signature).gas_used
    gas["approve (ERC-20)"] = suite._send(official, suite.token.functions.approve(suite.escrow.address,
                                                                                  works.value)).gas_used
    gas["fund"] = suite._send(official, suite.escrow.functions.fund(suite._id(w), works.value)).gas_used
    gas["payAdvance"] = suite.pay_advance(official, w).gas_used

    gas["submit"] = suite.submit(contractor, w, 0, H1).gas_used
    gas["approve (milestone, not final)"] = suite.approve(i1, w, 0, H2).gas_used
    gas["approve (milestone, final: pays)"] = suite.approve(i2, w, 0, H2).gas_used
    suite.submit(contractor, w, 1, H1)
    gas["reject"] = suite.reject(i1, w, 1, H2).gas_used
    suite.submit(contractor, w, 1, H1)
    suite.approve(i1, w, 1, H2)
    gas["approve (milestone, final: completes)"] = suite.approve(i2, w, 1, H2).gas_used
    assert suite.contract(w).status is ContractStatus.COMPLETED
    gas["withdraw"] = suite.withdraw(contractor, w).gas_used

    f = five.ocid
    change = MilestoneChange(4, Sen(250_000_00), date(YEAR, 6, 1), (i1.address, i2.address), 2)
    gas["proposeAmendment"] = suite.propose_amendment(official, f, Sen(1_050_000_00), H1, [change]).gas_used
    gas["consentAmendment"] = suite.consent_amendment(contractor, f, Sen(1_050_000_00), H1, [change]).gas_used
    assert suite.contract(f).value == 1_050_000_00
    gas["raiseDispute"] = suite.raise_dispute(contractor, f, H1).gas_used
    gas["resolveDispute"] = suite.resolve_dispute(a["arbiter"], f, H2).gas_used
    suite.fund(official, f, Sen(300_000_00))
    gas["terminate"] = suite.terminate(official, f, H1).gas_used
    gas["reclaim"] = suite.reclaim(official, f).gas_used

    completed = suite.contract(w)
    assert completed.closed_at is not None
    tester = ChainControl(ledger.w3)
    tester.time_travel(completed.closed_at + completed.terms.maintenance_period_s + 1)
    gas["releaseRetention"] = suite.release_retention(official, w).gas_used
    gas["pause"] = suite.pause(a["guardian"]).gas_used
    return gas


def test_gas_everyStateChangingFunction_staysBelowItsCeiling(ledger: Ledger) -> None:
    gas = measure(ledger)
    assert set(gas) == set(CEILINGS), set(gas) ^ set(CEILINGS)
    over = {name: (used, CEILINGS[name][0]) for name, used in gas.items() if used >= CEILINGS[name][0]}
    assert not over, f"gas regression (used, ceiling): {over}"
    # Sanity: more milestones cost more, and a batch is cheaper per contract than single registrations.
    assert gas["register (2 milestones)"] < gas["register (5 milestones)"] < gas["register (10 milestones)"]
    assert gas["registerBatch (10 contracts x 2 milestones)"] < 10 * gas["register (2 milestones)"]
    if os.environ.get("GOVLEDGER_WRITE_GAS") == "1":
        GAS_DOC.write_text(render(gas))


def render(gas: dict[str, int]) -> str:
    lines = [
        "# Gas used by the contract suite",
        "",
        "Measured by `tests/test_gas.py` on the embedded chain (eth-tester / py-evm) over one realistic",
        "lifecycle: a works contract (2 milestones, advance payment, 5% retention), a 5- and a",
        "10-milestone contract with 3 inspectors and k = 2, and a batch of 10 contracts. Figures are",
        "`gasUsed` from the receipts (intrinsic 21,000 and calldata included). The test fails when a",
        "function exceeds its ceiling. Regenerate this file with:",
        "",
        "    GOVLEDGER_WRITE_GAS=1 python -m pytest tests/test_gas.py",
        "",
        "| function | gas used | ceiling | note |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, (ceiling, note) in CEILINGS.items():
        lines.append(f"| {name} | {gas[name]:,} | {ceiling:,} | {note} |")
    return "\n".join(lines) + "\n"
