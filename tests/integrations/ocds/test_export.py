"""OCDS export: valid against 1.1.5 with zero errors; imported data comes back with its ocids, values, dates."""

from __future__ import annotations

from conftest import make_spec

from govledger.integrations.ocds import export
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.sources import read_any

from .samples import package, release, write


def test_export_ofImportedAndHandRegisteredContracts_isValid_andRoundTrips(app, config, journal, tmp_path) -> None:
    source = release("ocds-test01-exp-1")
    OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(source))))
    official = app.signer.account("official")
    app.ledger.register(official, make_spec("ocds-test01-exp-2"))
    app.sync()
    releases = export.release_package(app, journal)
    records = export.record_package(app, journal)
    assert export.validation_errors(releases) == [] and export.validation_errors(records) == []
    out = {r["ocid"]: r for r in releases["releases"]}
    assert set(out) >= {"ocds-test01-exp-1", "ocds-test01-exp-2"}
    back, sent = out["ocds-test01-exp-1"]["contracts"][0], source["contracts"][0]
    assert back["value"] == sent["value"] and back["period"] == sent["period"]
    assert [(m["id"], m["dueDate"], m["value"]) for m in back["implementation"]["milestones"]] == \
        [(m["id"], m["dueDate"], m["value"]) for m in sent["implementation"]["milestones"]]
    assert back["documents"][0]["id"].startswith("0x")  # the registration's transaction hash


def test_paymentsBecomeTransactionsLinkedToTheirMilestone(app, config, journal, tmp_path) -> None:
    OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(release("ocds-test01-exp-1")))))
    ocid, led = "ocds-test01-exp-1", app.ledger
    led.accept(app.signer.account("contractor"), ocid)
    led.fund(app.signer.account("official"), ocid, led.contract(ocid).value)
    led.submit(app.signer.account("contractor"), ocid, 0, b"\1" * 32)
    for name in ("inspector1", "inspector2"):
        led.approve(app.signer.account(name), ocid, 0, b"\2" * 32)
    app.sync()
    package_ = export.release_package(app, journal)
    assert export.validation_errors(package_) == []
    contract = package_["releases"][0]["contracts"][0]
    [tx] = contract["implementation"]["transactions"]
    assert tx["relatedImplementationMilestone"] == {"id": "m1", "title": "Milestone 0"}
    assert tx["value"] == {"amount": 300_000_000, "currency": "IDR"} and tx["id"].startswith("0x")
    assert contract["implementation"]["milestones"][0]["status"] == "met"


def test_thePublisher_writesThePackagesAfterEverySync(app, config, journal, tmp_path) -> None:
    publisher = export.Publisher(app, journal, tmp_path / "out")
    OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(release("ocds-test01-exp-1")))))
    published = publisher.published
    assert published >= 1 and (tmp_path / "out" / "release-package.json").is_file()
    publisher.close()
    app.ledger.accept(app.signer.account("contractor"), "ocds-test01-exp-1")
    app.sync()
    assert publisher.published == published  # unsubscribed: no longer written
