"""Reading source files: every bad record named with where it is, the good ones still read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from govledger.integrations.migration import CSV_COLUMNS, read_source
from govledger.integrations.migration.sample import sample_rows


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _write(tmp_path: Path, text: str | bytes, name: str = "src.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_csv_groupsRowsIntoContracts_settledAndClosedKept(tmp_path: Path) -> None:
    read = read_source(_write(tmp_path, _csv(sample_rows(5))))
    assert not read.problems
    assert [len(r.milestones) for r in read.records] == [3] * 5
    assert read.records[0].settled_amount == 1_000_000_00 and read.records[4].status == "closed"


def test_byteOrderMark_removedAndNamed_utf16Read(tmp_path: Path) -> None:
    text = _csv(sample_rows(2))
    bom = read_source(_write(tmp_path, b"\xef\xbb\xbf" + text.encode(), "bom.csv"))
    utf16 = read_source(_write(tmp_path, text.encode("utf-16"), "u16.csv"))
    assert len(bom.records) == 2 and "byte-order mark removed" in bom.notes[0]
    assert [r.leaf for r in utf16.records] == [r.leaf for r in bom.records]


def test_otherEncoding_refusedNamingWhereItStopsBeingUtf8(tmp_path: Path) -> None:
    rows = sample_rows(1)
    rows[0]["settled_ref"] = "Pembayaran café"
    read = read_source(_write(tmp_path, _csv(rows).encode("cp1252")))
    assert read.records == [] and "is not UTF-8 (byte 0xe9" in read.problems[0].reason


def test_negativeAndStringAmounts_refusedByField_othersStillRead(tmp_path: Path) -> None:
    rows = sample_rows(3, closed_every=0, settled_every=0)
    for row in rows[:3]:
        row["value"] = "-6000000"
    rows[3]["milestone_amount"] = "satu juta"
    read = read_source(_write(tmp_path, _csv(rows)))
    assert [r.ocid for r in read.records] == ["ocds-demo01-MIG-00002"]
    reasons = {p.ocid: p.reason for p in read.problems}
    assert "value: -6000000 is negative" in reasons["ocds-demo01-MIG-00000"]
    assert "milestone_amount: 'satu juta' is not an amount" in reasons["ocds-demo01-MIG-00001"]


def test_truncatedCsv_refusesTheCutContractWhole(tmp_path: Path) -> None:
    text = _csv(sample_rows(3, closed_every=0))
    cut = text[: text.rindex("\n", 0, len(text) - 1) + 40]  # the last row cut after 40 characters
    read = read_source(_write(tmp_path, cut))
    assert [r.ocid for r in read.records] == ["ocds-demo01-MIG-00000", "ocds-demo01-MIG-00001"]
    assert any("fields where the header has" in p.reason for p in read.problems)
    assert any(p.ocid == "ocds-demo01-MIG-00002" and "refused whole" in p.reason for p in read.problems)


def test_milestonesNotAddingUp_andConflictingRows_refused(tmp_path: Path) -> None:
    rows = sample_rows(2, closed_every=0)
    rows[0]["milestone_amount"] = "999"
    rows[4]["contractor"] = rows[4]["inspectors"].split(";")[0]
    read = read_source(_write(tmp_path, _csv(rows)))
    assert read.records == []
    assert "add up to" in read.problems[0].reason
    assert "contractor: line 6 says" in read.problems[1].reason


def test_json_badFieldNamedByPath_truncatedJsonNamed(tmp_path: Path) -> None:
    good = {"ocid": "ocds-demo01-J-1", "agency": "DEMO-A", "contractor": "0x" + "11" * 20, "category": "goods",
            "value": "1,000.00", "start": "2030-01-01", "end": "2030-12-31", "status": "active",
            "milestones": [{"amount": 1000, "due": "2030-06-01", "inspectors": ["0x" + "22" * 20]}]}
    bad = {**good, "ocid": "ocds-demo01-J-2", "milestones": [{**good["milestones"][0], "due": "2030-06-01T10:00"}]}
    import json

    read = read_source(_write(tmp_path, json.dumps({"contracts": [good, bad]}), "c.json"))
    assert [r.ocid for r in read.records] == ["ocds-demo01-J-1"]
    assert read.problems[0].where.endswith("$.contracts[1].milestones[0].due")
    assert "no time zone" in read.problems[0].reason
    cut = read_source(_write(tmp_path, json.dumps([good])[:-20], "cut.json"))
    assert cut.records == [] and "not valid JSON" in cut.problems[0].reason


def test_duplicateOcidsInJson_refusedBoth(tmp_path: Path) -> None:
    import json

    item = {"ocid": "ocds-demo01-J-1", "agency": "DEMO-A", "contractor": "0x" + "11" * 20, "category": "goods",
            "value": 10, "start": "2030-01-01", "end": "2030-12-31", "status": "active",
            "milestones": [{"amount": 10, "due": "2030-06-01", "inspectors": ["0x" + "22" * 20]}]}
    read = read_source(_write(tmp_path, json.dumps([item, {**item, "agency": "DEMO-B"}]), "d.json"))
    assert read.records == [] and "appears 2 times" in read.problems[0].reason


def test_aFileAboveTheSizeLimit_refusedBeforeItIsRead(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("govledger.integrations.migration.textfile.MAX_BYTES", 1000)
    read = read_source(_write(tmp_path, _csv(sample_rows(10))))
    assert read.records == [] and "bytes, more than the 1,000 read at once; split it" in read.problems[0].reason


def test_amounts_englishAndUnambiguousIndonesianNotation() -> None:
    import pytest

    from govledger.integrations.migration.sources import FieldError, amount

    assert amount("a", "1,500,000.50") == amount("a", "1.500.000,50") == amount("a", "Rp 1.500.000,50") == 150000050
    assert amount("a", "1.500.000") == amount("a", 1500000) == 150000000
    assert amount("a", "1500,5") == 150050
    assert amount("a", "1.50") == 150  # one dot group and no comma: read as a decimal point
    for bad in ("-5", "lima", "1.500.00", "1,5,0", True, None):
        with pytest.raises(FieldError):
            amount("a", bad)
