"""Nothing half-written: a run killed between its journal intent and its ledger transaction is settled by the
next run, whether or not the transaction reached the chain; every shared sample goes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.journal import Entry
from govledger.integrations.ocds.mapping import map_release
from govledger.integrations.ocds.sources import read_any

from .samples import package, release, write

OCID = "ocds-test01-res-1"
SAMPLES = Path(__file__).parents[4] / "shared" / "ocds" / "samples"


def _pending(app, config, journal, register: bool) -> None:
    """What a kill -9 leaves: the intent in the journal, and the registration on chain or not."""
    r = release(OCID)
    mapped = map_release(r, config)
    journal.intend(Entry(OCID, mapped.buyer, "pending", mapped.fingerprint, {}, r, list(mapped.milestone_ids), "x"))
    if register:
        app.ledger.register(app.signer.account("official"), mapped.spec)


@pytest.mark.parametrize("reached_chain", [True, False])
def test_aRunKilledMidRecord_isSettledByTheNextRun(app, config, journal, tmp_path, reached_chain) -> None:
    _pending(app, config, journal, reached_chain)
    report = OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(release(OCID)))))
    assert report.counts == {"registered": 1}, report.lines()
    assert journal.get(OCID).status == "registered" and len(app.ledger.milestones(OCID)) == 2


def test_aLedgerRefusal_leavesNoIntentBehind(app, config, journal, tmp_path) -> None:
    app.ledger.pause(app.signer.account("guardian"))
    report = OcdsImporter(app, config, journal).run(read_any(write(tmp_path / "p.json", package(release(OCID)))))
    assert report.counts == {"refused": 1} and "the ledger refused it" in report.outcomes[0].detail
    assert journal.get(OCID) is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/ocds/samples is not beside the repository")
def test_everySharedSample_goesThrough_eachRefusalNamed(app, config, journal) -> None:
    report = OcdsImporter(app, config, journal, dry_run=True).run(read_any(SAMPLES))
    assert report.items > 200
    assert all(o.action == "refused" and o.detail and o.where for o in report.outcomes)  # none are Rupiah
    assert all(": $" in line for line in report.refused_items)
