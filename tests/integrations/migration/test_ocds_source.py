"""Migration from OCDS through the OCDS import's mapping: closed contracts anchored, paid milestones settled."""

from __future__ import annotations

import json
from pathlib import Path

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.integrations.migration import Migration, verify_ocid
from govledger.integrations.migration.ocds_source import read_ocds
from govledger.integrations.ocds.config import MappingConfig

from ..ocds.samples import MAPPING, YEAR, package, release

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

ACC = demo_accounts()
CONFIG = MappingConfig.from_dict(tomllib.loads(MAPPING), "mapping.toml")


def _under_way(ocid: str) -> dict:
    r = release(ocid)
    impl = r["contracts"][0]["implementation"]
    impl["milestones"][0]["status"] = "met"
    impl["transactions"] = [{"id": "SP2D-77", "date": f"{YEAR}-07-02T00:00:00+07:00",
                             "value": {"amount": 300_000_000, "currency": "IDR"},
                             "relatedImplementationMilestone": {"id": "m1"}}]
    return r


def _closed(ocid: str) -> dict:
    r = release(ocid)
    r["contracts"][0]["status"] = "terminated"
    return r


def _source(tmp_path: Path) -> Path:
    bad = release("ocds-test01-OCM-3", currency="USD")
    path = tmp_path / "ocds.json"
    path.write_text(json.dumps(package(_under_way("ocds-test01-OCM-1"), _closed("ocds-test01-OCM-2"), bad)))
    return path


def test_read_settledMilestone_closedContract_unmappableNamed(tmp_path: Path) -> None:
    read = read_ocds(_source(tmp_path), CONFIG)
    by = {r.ocid: r for r in read.records}
    first = by["ocds-test01-OCM-1"].milestones[0]
    assert (str(first.settled_on), first.settled_ref) == (f"{YEAR}-07-02", "SP2D-77")
    assert by["ocds-test01-OCM-2"].status == "closed" and by["ocds-test01-OCM-2"].source_hash
    assert [p.ocid for p in read.problems] == ["ocds-test01-OCM-3"] and "not IDR" in read.problems[0].reason


def test_migrate_fromOcds_registersTheRest_anchorsTheClosed(app: App, tmp_path: Path) -> None:
    result = Migration(app, ACC["official"], admin=ACC["admin"], work_dir=tmp_path, mapping=CONFIG).run(
        _source(tmp_path))
    assert (result.registered_now, result.closed, len(result.problems)) == (1, 1, 1)
    assert result.report is not None and result.report.ok and result.report.settled_off_ledger == 1
    assert app.ledger.contract("ocds-test01-OCM-1").value == 600_000_000_00  # only the unpaid milestone
    assert verify_ocid(app.ledger, tmp_path, "ocds-test01-OCM-2").count == 2
