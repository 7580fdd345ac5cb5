"""Contract-stage red flags and data-quality checks on a scenario built to trigger each one, and on one built
to trigger none; rules configurable by file (thresholds, start date, owner, off)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govledger.audit.contract_stage import RULES, contract_stage_flags, load_rules
from govledger.audit.replay import ContractState, MilestoneState, Replay, Where
from govledger.errors import GovLedgerValueError

DAY = 86400
T0 = 1_780_000_000  # 2026-05-28
RP = 100  # sen per Rupiah


def at(ts: int) -> Where:
    return Where("0x" + "ab" * 32, 1, 0, ts)


def contract(ocid: str, *, value: int = 1_000_000_000 * RP, registered: int = T0, contractor: str = "0xC0",
             agency: str = "0xA1", category: int = 0, start: int = T0, end: int = T0 + 300 * DAY) -> ContractState:
    c = ContractState(ocid, ocid, agency, contractor, category, value, value, start, end, "0x", at(registered))
    c.milestones[0] = MilestoneState(0, value, start + 200 * DAY, 2, 3)
    return c


def amend(c: ContractState, new: int, ts: int) -> None:
    c.amendments.append({"number": len(c.amendments) + 1, "previous": c.value, "new": new, "where": at(ts)})
    c.value = new


def verify(c: ContractState, ts: int, team: set[str]) -> None:
    for m in c.milestones.values():
        m.verified_at, m.approvals = ts, set(team)


def codes(state: Replay, rules=None) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, set[str]] = {}
    for f in contract_stage_flags(state, rules):
        found.setdefault(f.code, set()).add(f.ocid or "")
    return found


def clean_scenario() -> Replay:
    state = Replay()
    for i, contractor in enumerate(("0xC1", "0xC2", "0xC3")):
        c = contract(f"clean-{i}", contractor=contractor)
        amend(c, c.value + c.value // 20, T0 + 10 * DAY)  # one 5% addendum
        verify(c, T0 + 150 * DAY, {f"0xI{i}"})
        state.contracts[c.contract_id] = c
    return state


def busy_scenario() -> Replay:
    state = Replay()
    add = lambda c: state.contracts.__setitem__(c.contract_id, c)
    many = contract("many")
    for k in range(3):
        amend(many, many.value + 1, T0 + k * 100 * DAY)  # three amendments, far apart
    add(many)
    near = contract("near-cap")
    amend(near, near.original_value * 109 // 100, T0 + DAY)  # +9%: 90% of the 10% cap
    add(near)
    churn = contract("churn")
    amend(churn, churn.value + 1, T0 + DAY)
    amend(churn, churn.value + 1, T0 + 60 * DAY)
    add(churn)
    fast = contract("fast")
    verify(fast, T0 + 3 * DAY, {"0xI9"})
    add(fast)
    for k in range(2):  # two Rp 150 million purchases from one supplier in a week
        add(contract(f"split-{k}", value=150_000_000 * RP, registered=T0 + k * 7 * DAY, contractor="0xS1"))
    disputed = contract("disputed")
    disputed.disputes = [(at(T0), at(T0 + DAY)), (at(T0 + 5 * DAY), None)]
    add(disputed)
    for k in range(3):
        same = contract(f"same-{k}", contractor="0xC7")
        verify(same, T0 + 100 * DAY, {"0xI1", "0xI2"})
        add(same)
    above = contract("above")
    above.milestones[1] = MilestoneState(1, above.value, T0 + 100 * DAY, 1, 1)
    add(above)
    dates = contract("dates", start=T0 + 10 * DAY, end=T0)
    add(dates)
    return state


def test_a_clean_scenario_raises_none() -> None:
    assert codes(clean_scenario()) == {}


def test_each_rule_fires_on_its_scenario() -> None:
    found = codes(busy_scenario())
    assert found["cs-value-raised"] == {"near-cap"}
    assert found["cs-price-churn"] == {"churn"}  # "many" changed its price three times, but 100 days apart
    assert found["cs-fast-completion"] == {"fast"}
    assert found["cs-split-purchases"] == {"split-0", "split-1"}
    assert found["cs-disputes-reopened"] == {"disputed"}
    assert found["cs-same-inspectors"] == {"same-0", "same-1", "same-2"}
    assert found["dq-transactions-above-value"] == {"above"}
    assert "dates" in found["dq-dates-incoherent"]
    assert set(found) == {c for c in RULES if c != "dq-published-disappeared"}


def test_every_flag_carries_its_basis_owner_and_start() -> None:
    for f in contract_stage_flags(busy_scenario()):
        assert "Perpres" in f.source or "OCP" in f.source or "ProZorro" in f.source
        assert "owner:" in f.source and "since 2026-01-01" in f.source


def test_rules_are_configured_by_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"cs-split-purchases": {"enabled": False},
                                "cs-disputes-reopened": {"params": {"disputes": 3}, "owner": "Inspektorat"},
                                "cs-fast-completion": {"start": "2030-01-01"}}))
    rules = load_rules(path)
    assert rules["cs-disputes-reopened"].owner == "Inspektorat"
    found = codes(busy_scenario(), rules)
    assert "cs-split-purchases" not in found and "cs-disputes-reopened" not in found
    assert "cs-fast-completion" not in found  # the contract was registered before the rule's start


def test_a_bad_rules_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"cs-nope": {}}))
    with pytest.raises(GovLedgerValueError, match="no risk rule 'cs-nope'"):
        load_rules(path)
    path.write_text("{")
    with pytest.raises(GovLedgerValueError, match="cannot read the risk rules"):
        load_rules(path)
