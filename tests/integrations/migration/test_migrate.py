"""Migration onto the chain: anchored, registered in batches, resumable, compared field by field."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.integrations.migration import (
    Anchors,
    Migration,
    ProofError,
    leaf_hash,
    read_source,
    verify_ocid,
)
from govledger.errors import (
    AlreadyAnchored,
    AnchoringPaused,
    InvalidAnchor,
    NotAnchorer,
)
from govledger.integrations.migration.report import compare
from govledger.integrations.migration.sample import SAMPLE_AGENCY, write_sample
from govledger.types import ContractStatus, Sen

ACC = demo_accounts()


def _migration(app: App, tmp_path: Path, batch_size: int = 3) -> Migration:
    return Migration(app, ACC["official"], admin=ACC["admin"], work_dir=tmp_path, batch_size=batch_size)


def test_migrate_registersUnderWay_anchorsClosed_reportFindsNoDifference(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 7)
    result = _migration(app, tmp_path).run(source)
    assert (result.registered_now, result.closed, result.batches, result.problems) == (6, 1, 2, [])
    assert result.report is not None and result.report.ok and result.report.matching == 6
    assert result.report.settled_off_ledger == 3 and result.report.anchored == 1
    settled = app.ledger.contract("ocds-demo01-MIG-00000")  # its first milestone was paid before migration
    assert (settled.value, settled.milestone_count, settled.status) == (5_000_000_00, 2, ContractStatus.PENDING)
    proof = verify_ocid(app.ledger, tmp_path, "ocds-demo01-MIG-00004")  # the closed one, proven
    assert proof.count == 7
    root, leaf = bytes.fromhex(proof.root[2:]), bytes.fromhex(proof.leaf[2:])
    siblings = [bytes.fromhex(h[2:]) for h in proof.path]
    anchors = Anchors(app.ledger)
    assert anchors.proves(root, leaf, siblings)  # the chain's own MerkleProof agrees
    assert not anchors.proves(root, b"\x01" * 32, siblings) and not anchors.proves(b"\x02" * 32, leaf, siblings)
    assert app.check().ok  # the read model, RecordAnchor's events included, agrees with the chain


def test_rerun_registersNothingAgain(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 4)
    _migration(app, tmp_path).run(source)
    again = _migration(app, tmp_path).run(source)
    assert (again.registered_now, again.anchored_now, again.already, again.problems) == (0, 0, 4, [])
    assert again.report is not None and again.report.ok


def test_interruptedRun_resumesFromTheChain_evenWithoutItsJournal(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 8, closed_every=0)

    def stop(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt  # as a kill after the first batch was mined

    with pytest.raises(KeyboardInterrupt):
        _migration(app, tmp_path).run(source, progress=stop)
    for journal in tmp_path.glob("migrations/*/journal.jsonl"):
        journal.unlink()  # the chain, not the journal, says what is done
    result = _migration(app, tmp_path).run(source)
    assert (result.already, result.registered_now, result.report.ok) == (3, 5, True)


def test_refusedByTheChain_isPinnedOnItsRecord_theRestGoIn(app: App, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_sample(tmp_path / "c.csv", 5, closed_every=0)
    text = source.read_text().replace(ACC["inspector2"].address, ACC["auditor"].address, 2)  # not certified
    source.write_text(text)
    monkeypatch.setattr("govledger.integrations.migration.run.chain_problems", lambda *a: [])  # reach the chain
    result = _migration(app, tmp_path, batch_size=5).run(source)
    assert result.registered_now == 4
    assert [p.ocid for p in result.problems] == ["ocds-demo01-MIG-00000"]
    assert "is not a certified inspector" in result.problems[0].reason or "not certified" in result.problems[0].reason


def test_validation_namesWhatTheChainWouldRefuse_beforeSending(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 3, closed_every=0)
    source.write_text(source.read_text().replace(ACC["inspector2"].address, ACC["auditor"].address, 2))
    result = _migration(app, tmp_path).run(source, dry_run=True)
    assert result.problems[0].ocid == "ocds-demo01-MIG-00000"
    assert f"inspector {ACC['auditor'].address} is not certified" in result.problems[0].reason
    assert app.ledger.deployment is not None and "RecordAnchor" not in app.ledger.deployment.addresses  # sent nothing


def test_report_namesEveryDifference(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 2, closed_every=0, settled_every=0)
    result = _migration(app, tmp_path).run(source)
    records = read_source(source).records
    changed = replace(records[1], contractor=ACC["contractor2"].address,
                      milestones=(replace(records[1].milestones[0], amount=Sen(records[1].milestones[0].amount + 1)),
                                  *records[1].milestones[1:]), value=Sen(records[1].value + 1))
    report = compare(app.engine, [records[0], changed], [], result.roots, Anchors(app.ledger))
    fields = {d.field for d in report.differences if d.ocid == changed.ocid}
    assert {"contractor", "value", "original_value", "document_hash", "milestone 0 amount"} <= fields
    assert report.matching == 1


def test_alteredStoredRecord_failsItsProof(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 5)
    _migration(app, tmp_path).run(source)
    records = next(tmp_path.glob("migrations/*/records.jsonl"))
    lines = [json.loads(x) for x in records.read_text().splitlines()]
    altered = lines[4]["record"].replace('"value":"600000400"', '"value":"900000400"')
    assert altered != lines[4]["record"]
    lines[4]["record"], lines[4]["leaf"] = altered, "0x" + leaf_hash(altered.encode()).hex()  # both, consistently
    records.write_text("".join(json.dumps(x) + "\n" for x in lines))
    with pytest.raises(ProofError, match="do not lead to the root"):
        verify_ocid(app.ledger, tmp_path, "ocds-demo01-MIG-00004")


def test_anchor_errors(app: App) -> None:
    anchors = Anchors(app.ledger)
    anchors.ensure_deployed(ACC["admin"])
    root = b"\x01" * 32
    with pytest.raises(NotAnchorer):
        anchors.anchor(ACC["contractor"], SAMPLE_AGENCY, root, 1, "x")
    with pytest.raises(InvalidAnchor):
        anchors.anchor(ACC["official"], SAMPLE_AGENCY, b"\0" * 32, 1, "x")
    with pytest.raises(InvalidAnchor):
        anchors.anchor(ACC["official"], SAMPLE_AGENCY, root, 0, "x")
    anchors.anchor(ACC["official"], SAMPLE_AGENCY, root, 3, "x")
    assert anchors.anchor_of(root).count == 3
    with pytest.raises(AlreadyAnchored):
        anchors.anchor(ACC["admin"], SAMPLE_AGENCY, root, 3, "x")
    app.ledger.pause(ACC["guardian"])
    with pytest.raises(AnchoringPaused):
        anchors.anchor(ACC["admin"], SAMPLE_AGENCY, b"\x02" * 32, 1, "x")


def test_signerNotAnOfficialOfTheAgency_refusedForClosedRecordsToo(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 5, closed_every=1)  # all closed: anchored only
    source.write_text(source.read_text().replace(SAMPLE_AGENCY, "DEMO-OTHER-AGENCY"))
    result = _migration(app, tmp_path).run(source)
    assert len(result.problems) == 5 and "is not an official of agency DEMO-OTHER-AGENCY" in result.problems[0].reason
    assert result.anchored_now == 0 and not Anchors(app.ledger).deployed  # nothing valid: nothing deployed


def test_aRecordValidOnlyOnResume_isNamed_notSilentlyLeftOut(app: App, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 3, closed_every=0)
    source.write_text(source.read_text().replace(ACC["inspector2"].address, ACC["auditor"].address, 2))
    first = _migration(app, tmp_path).run(source)
    assert [p.ocid for p in first.problems] == ["ocds-demo01-MIG-00000"] and first.registered_now == 2
    app.ledger.certify_inspector(ACC["admin"], ACC["auditor"].address)  # now it would pass
    again = _migration(app, tmp_path).run(source)
    assert [p.ocid for p in again.problems] == ["ocds-demo01-MIG-00000"]
    assert "not in this source's plan" in again.problems[0].reason and again.already == 2


def test_json_advanceRegisteredOnlyWhileNoMilestoneWasSettled(app: App, tmp_path: Path) -> None:
    inspectors = [ACC["inspector1"].address]

    def contract(ocid: str, settled: str | None) -> dict:
        return {"ocid": ocid, "agency": SAMPLE_AGENCY, "contractor": ACC["contractor"].address, "category": "goods",
                "value": "3.000.000", "advance": "500,000", "start": "2031-01-01", "end": "2031-12-31",
                "status": "berjalan", "milestones": [
                    {"amount": 1_000_000, "due": "2031-03-01", "inspectors": inspectors, "settled_on": settled},
                    {"amount": 2_000_000, "due": "2031-09-01", "inspectors": inspectors}]}

    source = tmp_path / "c.json"
    source.write_text(json.dumps({"contracts": [contract("ocds-demo01-ADV-1", None),
                                                contract("ocds-demo01-ADV-2", "2031-02-20")]}))
    result = _migration(app, tmp_path).run(source)
    assert result.report is not None and result.report.ok and result.registered_now == 2
    fresh, under_way = app.ledger.contract("ocds-demo01-ADV-1"), app.ledger.contract("ocds-demo01-ADV-2")
    assert (fresh.advance_payment, fresh.value) == (500_000_00, 3_000_000_00)
    assert (under_way.advance_payment, under_way.value, under_way.milestone_count) == (0, 2_000_000_00, 1)
