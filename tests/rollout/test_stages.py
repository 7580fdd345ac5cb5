"""`govledger rollout status | plan | gates | advance`: stages applied through the allowlist, gates measured
from the read model, and an advance refused while a gate fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli.helpers import ok, run

from govledger.app import App
from govledger.rollout import PlanError, Thresholds, load_plan, measure
from govledger.rollout.stages import default_plan, parse_plan
from govledger.support.store import ask, create_tables


def _plan_with(tmp_path: Path, **gates: float) -> Path:
    plan = default_plan().to_dict()
    for stage in plan["stages"]:
        stage["gates"].update(gates)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def test_advance_refuses_naming_the_failing_gate_with_its_value_and_threshold(sandbox) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("gates")
    result = run(data, "rollout", "advance", "--as", "admin")
    assert result.exit_code == 1
    assert ("Error: the rollout stays at stage pilot: milestones verified on time (%): 0 (at least 80) FAILS; "
            "0 of 2 due") in result.output
    gates = run(data, "rollout", "gates", "--json")
    assert gates.exit_code == 1
    failing = [g["name"] for g in json.loads(gates.output) if not g["ok"]]
    assert failing == ["milestones verified on time (%)"]
    assert "stage 1 of 3: pilot" in ok(data, "rollout", "status")
    assert not (data / "rollout.json").exists()
    with App.open(data) as app:
        assert app.ledger.allowed_categories("DEMO-DINKES-KAB-CONTOH") == []


def test_advance_applies_the_next_stage_on_chain(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("advance")
    ok(data, "rollout", "plan", "--file", str(_plan_with(tmp_path, on_time_min_pct=0)))
    out = ok(data, "rollout", "advance", "--as", "admin")
    assert "DEMO-DINKES-KAB-CONTOH may register: goods, services" in out
    assert out.endswith("rollout advanced from pilot to wave-1\n")
    assert "stage 2 of 3: wave-1" in ok(data, "rollout", "status")
    with App.open(data) as app:
        assert [c.label for c in app.ledger.allowed_categories("DEMO-DISDIK-KAB-CONTOH")] == ["goods", "services"]
    refused = run(data, "rollout", "advance", "--as", "official")  # the allowlist is the admin's
    assert refused.exit_code == 1 and "lacks the role" in refused.output
    assert "stage 2 of 3: wave-1" in ok(data, "rollout", "status")


def test_status_names_an_allowlist_behind_the_plan(sandbox) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("plan")
    ok(data, "admin", "allow", "DEMO-DPUPR-KAB-CONTOH", "--category", "works", "--as", "admin")
    status = json.loads(ok(data, "rollout", "status", "--json"))
    assert status["drift"] == {"DEMO-DPUPR-KAB-CONTOH": {"planned": ["consulting", "goods", "services", "works"],
                                                         "on_chain": ["works"]}}
    assert "allowlist behind the plan: DEMO-DPUPR-KAB-CONTOH planned consulting, goods, services, works; on chain works" \
        in ok(data, "rollout", "status")


def test_gates_count_mismatches_disputes_red_flags_and_unanswered_questions(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("disputed")
    sp2d = tmp_path / "sp2d.csv"  # the treasury paid a milestone the ledger never released
    sp2d.write_text("number,date,amount,account,reference\nSP2D-0001,2026-11-30,\"1,000,000\","
                    "0x01D06dD7b9EA67Fe5c3Ab856Ac30c1e9B46687c8,ocds-demo01-2026-PUPR-001#2\n")
    ok(data, "finance", "import", str(sp2d))
    ok(data, "contract", "dispute", "ocds-demo01-2026-PUPR-001", "--reason-hash", "0x" + "22" * 32, "--as", "contractor")
    with App.open(data) as app:
        now = int(app.ledger.w3.eth.get_block("latest")["timestamp"])
        create_tables(app.engine)
        for n in range(3):
            ask(app.engine, kind="question", title=f"q{n}", body="how do I fund escrow?")
        strict = Thresholds(on_time_min_pct=0, red_flags_max=1, unanswered_support_max=2)
        assert {g.name: g.measured for g in measure(app, strict, now)}["support questions unanswered after 3 days"] == 0
        gates = {g.name: g for g in measure(app, strict, now + 4 * 86400)}
    mismatches = gates["reconciliation mismatches"]
    assert (mismatches.measured, mismatches.ok, mismatches.detail) == (1, False, "1 disbursed-without-release")
    assert (gates["open disputes"].measured, gates["open disputes"].ok) == (1, False)
    assert gates["open disputes"].detail == "ocds-demo01-2026-PUPR-001"
    assert gates["red flags"].measured >= 2 and not gates["red flags"].ok
    waiting = gates["support questions unanswered after 3 days"]
    assert (waiting.measured, waiting.ok) == (3, False)
    assert gates["milestones verified on time (%)"].ok


def test_a_plan_file_is_checked_before_it_is_installed(tmp_path: Path) -> None:
    good = default_plan().to_dict()
    cases = [
        ({"stages": []}, "needs a non-empty list 'stages'"),
        ({**good, "current": "wave-9"}, "the current stage 'wave-9' is not one of pilot, wave-1, wave-2"),
        ({"stages": [good["stages"][0], good["stages"][0]]}, "names a stage twice: pilot, pilot"),
        ({"stages": [{"name": "p", "agencies": {"X": ["roads"]}}]}, "agency X needs categories among"),
        ({"stages": [{"name": "p", "agencies": {"": ["works"]}}]}, "stage 0 (p)"),
        ({"stages": [{"name": "p", "gates": {"speed": 1}}]}, "unknown gate threshold 'speed'"),
        ({"stages": [{"name": "p", "gates": {"red_flags_max": -1}}]}, "must be a number of at least 0, not -1"),
    ]
    for raw, message in cases:
        with pytest.raises(PlanError, match=None) as caught:
            parse_plan(raw)
        assert message in str(caught.value), (raw, caught.value)
    (tmp_path / "rollout.json").write_text("{not json")
    with pytest.raises(PlanError, match="is not a JSON rollout plan"):
        load_plan(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"stages": []}))
    result = run(tmp_path / "none", "rollout", "plan", "--file", str(bad))
    assert result.exit_code == 1 and "needs a non-empty list 'stages'" in result.output


def test_the_last_stage_has_nowhere_to_go(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = default_plan().to_dict()
    plan["current"] = "wave-2"
    path = tmp_path / "last.json"
    path.write_text(json.dumps(plan))
    data = sandbox("last")  # its own: a plan at wave-2 would widen the drift the allowlist test reads
    ok(data, "rollout", "plan", "--file", str(path))
    result = run(data, "rollout", "advance", "--as", "admin")
    assert result.exit_code == 1
    assert "the rollout is at its last stage (wave-2): there is no stage to advance to" in result.output
