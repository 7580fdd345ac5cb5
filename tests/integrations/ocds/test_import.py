"""OCDS import onto the ledger: registered whole, idempotent, changes become amendment proposals."""

from __future__ import annotations

from pathlib import Path

from govledger.app import App
from govledger.integrations.ocds.config import MappingConfig
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.journal import Journal
from govledger.integrations.ocds.sources import read_any
from govledger.types import ContractStatus

from .samples import package, release, write


def run(app: App, config: MappingConfig, journal: Journal, *targets: Path, dry_run: bool = False):
    importer = OcdsImporter(app, config, journal, dry_run=dry_run)
    return importer.run(item for t in targets for item in read_any(t))


def test_aPackage_registersEachContractWithItsMilestones(app, config, journal, tmp_path) -> None:
    path = write(tmp_path / "p.json", package(release("ocds-test01-imp-1"), release("ocds-test01-imp-2")))
    report = run(app, config, journal, path)
    assert report.counts == {"registered": 2}, report.lines()
    contract = app.ledger.contract("ocds-test01-imp-1")
    assert contract.value == 900_000_000_00 and contract.status == ContractStatus.PENDING
    assert [m.amount for m in app.ledger.milestones("ocds-test01-imp-1")] == [300_000_000_00, 600_000_000_00]
    assert {r.ocid for r in app.reads.contracts()} >= {"ocds-test01-imp-1", "ocds-test01-imp-2"}


def test_aSecondRun_changesNothing(app, config, journal, tmp_path) -> None:
    path = write(tmp_path / "p.json", package(release("ocds-test01-imp-1")))
    run(app, config, journal, path)
    block = app.ledger.w3.eth.block_number
    again = run(app, config, journal, path)
    assert again.counts == {"unchanged": 1}
    assert app.ledger.w3.eth.block_number == block


def test_dryRun_reportsOnly(app, config, journal, tmp_path) -> None:
    path = write(tmp_path / "p.json", package(release("ocds-test01-imp-1")))
    block = app.ledger.w3.eth.block_number
    report = run(app, config, journal, path, dry_run=True)
    assert report.counts == {"would-register": 1}
    assert app.ledger.w3.eth.block_number == block and journal.get("ocds-test01-imp-1") is None


def test_aChangedRelease_isHeldAsAnAmendmentProposal_whileThePendingContractKeepsItsTerms(app, config, journal,
                                                                                          tmp_path) -> None:
    run(app, config, journal, write(tmp_path / "a.json", package(release("ocds-test01-imp-1"))))
    bigger = release("ocds-test01-imp-1", "r2", value=950_000_000, amounts=(300_000_000, 650_000_000), day="02-10")
    report = run(app, config, journal, write(tmp_path / "b.json", package(bigger)))
    assert report.counts == {"amendment-held": 1}, report.lines()
    assert app.ledger.contract("ocds-test01-imp-1").value == 900_000_000_00
    assert run(app, config, journal, tmp_path / "b.json").counts == {"unchanged": 1}
    app.ledger.accept(app.signer.account("contractor"), "ocds-test01-imp-1")  # now active: the next run proposes it
    later = run(app, config, journal, tmp_path / "b.json")
    assert later.counts == {"amendment-proposed": 1, "unchanged": 1}, later.lines()
    assert [r["event"] for r in _events(app)].count("AmendmentProposed") == 1
    assert run(app, config, journal, tmp_path / "b.json").counts == {"unchanged": 1}


def test_aChangedRelease_ofAnActiveContract_isProposedOnTheLedger(app, config, journal, tmp_path) -> None:
    run(app, config, journal, write(tmp_path / "a.json", package(release("ocds-test01-imp-1"))))
    app.ledger.accept(app.signer.account("contractor"), "ocds-test01-imp-1")
    bigger = release("ocds-test01-imp-1", "r2", value=950_000_000, amounts=(300_000_000, 650_000_000), day="02-10")
    report = run(app, config, journal, write(tmp_path / "b.json", package(bigger)))
    assert report.counts == {"amendment-proposed": 1}, report.lines()
    events = [r["event"] for r in _events(app)]
    assert "AmendmentProposed" in events and "ContractAmended" not in events


def _events(app: App):
    from govledger.audit import load_rows

    return load_rows(app.engine)


def test_ocds10Fields_map(app, journal, tmp_path) -> None:
    """OCDS 1.0: `buyer.identifier`, transaction `amount` and `providerOrganization`, one `amendment`."""
    from govledger.integrations.ocds.config import MappingConfig

    from .samples import BUYER, SUPPLIER, YEAR

    config = MappingConfig.from_dict({
        "defaults": {"inspectors": ["inspector1"], "required_approvals": 1, "category": "works"},
        "agencies": {f"ID-PEMDA-{BUYER}": {"agency": "DEMO-DPUPR-KAB-CONTOH", "official": "official"}},
        "suppliers": {SUPPLIER: "contractor"}})
    r = release("ocds-test01-v10-1", amounts=(900_000_000,))
    r["buyer"] = {"identifier": {"scheme": "ID-PEMDA", "id": BUYER}, "name": "Dinas PUPR"}
    impl = r["contracts"][0]["implementation"]
    del impl["milestones"][0]["value"]  # its amount comes from the transaction linked to it
    impl["transactions"] = [{"id": "t1", "date": f"{YEAR}-03-01T00:00:00+07:00",
                             "amount": {"amount": 900_000_000, "currency": "IDR"},
                             "providerOrganization": {"scheme": "ID-PEMDA", "id": BUYER},
                             "relatedImplementationMilestone": {"id": "m1", "title": "Termin 1"}}]
    r["contracts"][0]["amendment"] = {"date": f"{YEAR}-03-01T00:00:00+07:00", "rationale": "addendum"}
    report = run(app, config, journal, write(tmp_path / "v10.json", package(r)))
    assert report.counts == {"registered": 1}, report.lines()
    assert [m.amount for m in app.ledger.milestones("ocds-test01-v10-1")] == [900_000_000_00]


def test_aConsentedAmendment_isExportedWithItsTransactionHash(app, config, journal, tmp_path) -> None:
    from govledger.integrations.ocds import export
    from govledger.types import MilestoneChange

    ocid = "ocds-test01-imp-1"
    run(app, config, journal, write(tmp_path / "a.json", package(release(ocid))))
    app.ledger.accept(app.signer.account("contractor"), ocid)
    bigger = release(ocid, "r2", value=950_000_000, amounts=(300_000_000, 650_000_000), day="02-10")
    run(app, config, journal, write(tmp_path / "b.json", package(bigger)))
    [proposed] = [r for r in _events(app) if r["event"] == "AmendmentProposed"]
    m = app.ledger.milestones(ocid)[1]
    change = MilestoneChange(1, 650_000_000_00, m.due, m.inspectors, m.required_approvals)
    app.ledger.consent_amendment(app.signer.account("contractor"), ocid, 950_000_000_00,
                                 bytes.fromhex(proposed["args"]["rationaleHash"][2:]), [change])
    app.sync()
    package_ = export.release_package(app, journal)
    assert export.validation_errors(package_) == []
    contract = package_["releases"][0]["contracts"][0]
    assert contract["value"] == {"amount": 950_000_000, "currency": "IDR"}
    [amendment] = contract["amendments"]
    assert amendment["id"].startswith("0x") and "900,000,000.00 -> 950,000,000.00 IDR" in amendment["description"]
