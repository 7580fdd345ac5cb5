"""Bad input: each case named (file, JSON path, reason) and refused without stopping the rest."""

from __future__ import annotations

import json

import pytest

from govledger.integrations.ocds.config import MappingConfig
from govledger.integrations.ocds.errors import OcdsConfigError
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.sources import Found, Refused, read_any

from .samples import package, release, write

GOOD = "ocds-test01-bad-ok"


def _import(app, config, journal, path):
    return OcdsImporter(app, config, journal).run(read_any(path))


def _by_ocid(report):
    return {o.ocid: o for o in report.outcomes}


def test_truncatedJson_keepsWhatCameBefore_andNamesWhereItBroke(app, config, journal, tmp_path) -> None:
    text = json.dumps(package(release(GOOD), release("ocds-test01-bad-cut")))
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index("ocds-test01-bad-cut") + 40])
    report = _import(app, config, journal, path)
    assert _by_ocid(report)[GOOD].action == "registered"
    [line] = report.refused_items
    assert line.startswith(f"{path}: $.releases[1]: ") and "JSON" in line


def test_releasesNotAList_isNamed(app, config, journal, tmp_path) -> None:
    path = write(tmp_path / "p.json", {**package(), "releases": {"ocid": "x"}})
    report = _import(app, config, journal, path)
    assert report.refused_items == [f"{path}: $.releases: `releases` is an object, not a list"]


@pytest.mark.parametrize("edit, where, reason", [
    (lambda r: r["contracts"][0]["period"].update(startDate="2028-02-01T00:00:00"),
     "$.releases[1].contracts[0].period.startDate", "not a date-time with a time zone"),
    (lambda r: r["contracts"][0]["value"].update(amount=-5),
     "$.releases[1].contracts[0].value.amount", "must be above zero"),
    (lambda r: r["contracts"][0]["value"].update(amount="900000000"),
     "$.releases[1].contracts[0].value.amount", "is not of type"),
    (lambda r: r["contracts"][0]["implementation"].pop("milestones"),
     "$.releases[1].contracts[0].implementation.milestones", "no milestones with an amount"),
    (lambda r: r["awards"][0]["suppliers"][0].update(id="ID-UNKNOWN"),
     "$.releases[1].awards[0].suppliers[0]", "has no account in the mapping file"),
    (lambda r: [v.update(currency="USD") for v in (r["contracts"][0]["value"],)],
     "$.releases[1].contracts[0].value.currency", "is not IDR"),
    (lambda r: r["contracts"][0]["implementation"]["milestones"][0]["value"].update(amount=1),
     "$.releases[1].contracts[0].implementation.milestones", "add up to"),
])
def test_aBadRecord_isNamed_andTheValidOneStillGoesIn(app, config, journal, tmp_path, edit, where, reason) -> None:
    bad = release("ocds-test01-bad-1")
    edit(bad)
    path = write(tmp_path / "p.json", package(release(GOOD), bad))
    outcome = _by_ocid(_import(app, config, journal, path))
    assert outcome[GOOD].action == "registered"
    assert outcome["ocds-test01-bad-1"].action == "refused"
    assert reason in outcome["ocds-test01-bad-1"].detail
    assert outcome["ocds-test01-bad-1"].where == f"{path}: {where}"
    assert journal.get("ocds-test01-bad-1") is None


def test_duplicateOcids_withDifferentBuyers_areRefused(app, config, journal, tmp_path) -> None:
    one, other = release("ocds-test01-bad-1"), release("ocds-test01-bad-1", "r2", buyer="ID-OTHER-BUYER")
    outcome = _by_ocid(_import(app, config, journal, write(tmp_path / "p.json", package(one, other, release(GOOD)))))
    path = tmp_path / "p.json"
    assert outcome["ocds-test01-bad-1"].action == "refused"
    assert outcome["ocds-test01-bad-1"].detail == (f"buyer 'ID-OTHER-BUYER' here, buyer 'ID-PEMDA-CONTOH-DPUPR' at {path}: "
                                                   "$.releases[0]: one ocid with different buyers")
    assert outcome["ocds-test01-bad-1"].where == f"{path}: $.releases[1]"
    assert outcome[GOOD].action == "registered"


def test_jsonLines_aBadLineIsRefusedAlone(app, config, journal, tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(release(GOOD)) + "\n{not json\n" + json.dumps(release("ocds-test01-bad-2")) + "\n")
    report = _import(app, config, journal, path)
    assert report.counts == {"registered": 2}
    assert report.refused_items[0].startswith(f"{path}: line 2: $: invalid JSON")


def test_everyShape_isRead(tmp_path) -> None:
    r = release(GOOD)
    shapes = {"bare.json": r, "array.json": [r, r], "wrapped.json": [package(r)],
              "record.json": {"ocid": GOOD, "releases": [{"url": "x", "date": r["date"], "tag": ["contract"]}],
                              "compiledRelease": r},
              "records.json": {**package(), "releases": None, "records": [{"ocid": GOOD, "releases": [r]}]}}
    kinds = {}
    for name, value in shapes.items():
        items = list(read_any(write(tmp_path / name, value)))
        kinds[name] = [type(i).__name__ + (f":{i.kind}" if isinstance(i, Found) else "") for i in items]
    assert kinds["bare.json"] == ["Found:release"] and kinds["array.json"] == ["Found:release"] * 2
    assert kinds["wrapped.json"] == ["Found:release"] and kinds["record.json"] == ["Found:record"]
    assert kinds["records.json"] == ["Refused", "Found:record"]


@pytest.mark.parametrize("content, expected", [
    (b"\xef\xbb\xbf" + json.dumps(release(GOOD)).encode(), "Found"),  # a UTF-8 byte-order mark is skipped
    (json.dumps(release(GOOD)).encode("utf-16"), "the file is UTF-16; OCDS data must be UTF-8 (re-encode it)"),
    (b"", "empty: no JSON at all"),
])
def test_encodings_andAnEmptyFile(tmp_path, content, expected) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    [item] = list(read_any(path))
    assert (type(item).__name__ if isinstance(item, Found) else item.reason) == expected


def test_aMissingMappingFile_isOneClearError(tmp_path) -> None:
    with pytest.raises(OcdsConfigError, match="does not exist"):
        MappingConfig.load(tmp_path / "nope.toml")


def test_aBadMappingEntry_isNamed() -> None:
    with pytest.raises(OcdsConfigError, match="required_approvals 3 must be between 1 and 2"):
        MappingConfig.from_dict({"agencies": {"B": {"agency": "A", "official": "official",
                                                    "inspectors": ["inspector1", "inspector2"],
                                                    "required_approvals": 3}}})


def test_aLargeFile_isStreamed_notLoadedWhole(tmp_path) -> None:
    """Items arrive while the file is still being read: the reader holds one release at a time."""
    path = tmp_path / "big.json"
    r = release(GOOD)
    with path.open("w") as fp:
        fp.write('{"uri": "u", "version": "1.1", "publishedDate": "2028-01-01T00:00:00Z", "publisher": {"name": "p"}, '
                 '"releases": [')
        fp.write(",".join(json.dumps({**r, "id": f"r{i}"}) for i in range(3000)))
        fp.write("]}")
    with path.open("rb") as fp:
        from govledger.integrations.ocds.sources import read_stream

        items = read_stream(fp, str(path))
        first = next(items)
        assert isinstance(first, Found) and fp.tell() < path.stat().st_size  # not read to the end yet
        assert sum(1 for _ in items) == 2999
    assert not any(isinstance(i, Refused) for i in read_any(path))


def test_lenient_letsThroughSchemaErrorsOutsideTheMappedFields_asWarnings(app, config, journal, tmp_path) -> None:
    r = release(GOOD)
    r["tender"]["tenderers"] = [{"name": ""}]  # what real publishers send; the ledger does not take it
    broken = release("ocds-test01-bad-1")
    broken["contracts"][0]["period"] = "2028"  # a field the ledger takes, of the wrong shape
    path = write(tmp_path / "p.json", package(r, broken))
    strict = OcdsImporter(app, config, journal, dry_run=True).run(read_any(path))
    assert strict.counts == {"refused": 2}
    lenient = OcdsImporter(app, config, journal, lenient=True).run(read_any(path))
    outcome = _by_ocid(lenient)
    assert outcome[GOOD].action == "registered"
    assert outcome["ocds-test01-bad-1"].action == "refused" and "wrong type or shape" in outcome["ocds-test01-bad-1"].detail
    assert f"{path}: $.releases[0].tender.tenderers[0].name: '' should be non-empty" in lenient.warnings


def test_gzippedFiles_areRead_andACutOneIsNamed(tmp_path) -> None:
    import gzip

    good = tmp_path / "p.json.gz"
    good.write_bytes(gzip.compress(json.dumps(package(release(GOOD))).encode()))
    lines = tmp_path / "r.jsonl.gz"
    lines.write_bytes(gzip.compress((json.dumps(release(GOOD)) + "\n").encode()))
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(good.read_bytes()[:40])
    items = list(read_any(tmp_path))
    found = [i for i in items if isinstance(i, Found)]
    assert sorted(i.source for i in found) == [str(good), str(lines)]
    [refused] = [i for i in items if isinstance(i, Refused)]
    assert refused.source == str(cut) and refused.reason.startswith("cannot read")
