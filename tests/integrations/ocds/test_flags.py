"""The OCDS red flags on what the import registered (what `audit flags` adds)."""

from __future__ import annotations

from govledger.integrations.ocds.flags import imported_flags
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.journal import Journal
from govledger.integrations.ocds.sources import read_any

from .samples import package, release, write


def test_importedTenderData_raisesR018_R003_andI077(app, config, tmp_path) -> None:
    journal = Journal(tmp_path / "ocds-journal.sqlite")  # where `audit flags` looks in a data directory
    ocids = [f"ocds-test01-flg-{i}" for i in range(3)]
    OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(*map(release, ocids)))))
    journal.close()
    codes = [(f.code, f.ocid) for f in imported_flags(tmp_path)]
    assert {("R018", o) for o in ocids} | {("R003", o) for o in ocids} <= set(codes)
    assert ("i077", None) in codes  # three awards by one buyer to one supplier


def test_noImport_noFlags(tmp_path) -> None:
    assert imported_flags(tmp_path) == [] and imported_flags(None) == []
    assert not (tmp_path / "ocds-journal.sqlite").exists()  # looking creates nothing


def test_existing_readsTheJournal_orAnEmptyOneWithoutCreatingAFile(tmp_path) -> None:
    from govledger.integrations.ocds.journal import Journal

    empty = Journal.existing(tmp_path)
    assert list(empty.entries()) == [] and not any(tmp_path.iterdir())
    empty.close()
    Journal.for_data_dir(tmp_path).close()
    assert Journal.existing(tmp_path).path == str(tmp_path / "ocds-journal.sqlite")
