"""`govledger oversight`: batch anchoring, a proof checked against the chain, the feed, bulk files, escalations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govledger.cli import cli
from govledger.cli._context import AppContext
from govledger.oversight import Oversight, OversightSettings, feedback, of_app

from .conftest import KEY, OCID, person


@pytest.fixture
def run(app, clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    app._oversight = Oversight(app, key=KEY, clock=clock, settings=OversightSettings(anchor_each_write=False))
    monkeypatch.setattr(AppContext, "app", property(lambda self: app))
    monkeypatch.setattr(AppContext, "close", lambda self: None)
    return lambda *args: CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "oversight", *args])


def test_records_wait_then_go_in_one_batch_and_are_proven(run, app) -> None:  # type: ignore[no-untyped-def]
    ov = of_app(app)
    ids = [feedback.submit(ov, person(n), OCID, delivered="no", timeliness="late").id for n in ("a", "b", "c")]
    result = run("anchor", "--as", "admin")
    assert result.exit_code == 0, result.output
    assert "batch 1: 3 records under root 0x" in result.output
    assert run("anchor", "--as", "admin").output.strip() == "nothing waits to be anchored"
    proof = run("proof", ids[1], "--json")
    assert proof.exit_code == 0 and json.loads(proof.output)["verified"] is True
    feed = json.loads(run("changes", "--since", "0").output)
    assert [r["id"] for r in feed["oversight"]] == ids


def test_anchoring_needs_the_admin_and_an_unanchored_record_has_no_proof(run, app) -> None:  # type: ignore[no-untyped-def]
    rid = feedback.submit(of_app(app), person("a"), OCID, delivered="no", timeliness="late").id
    refused = run("anchor", "--as", "contractor")
    assert refused.exit_code == 1 and "may not anchor records of agency" in refused.output
    missing = run("proof", rid)
    assert missing.exit_code == 1 and "not anchored yet" in missing.output


def test_bulk_files_and_escalations(run, app, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feedback.submit(of_app(app), person("a"), OCID, delivered="no", timeliness="late")
    result = run("bulk", "--out", str(tmp_path / "bulk"))
    assert result.exit_code == 0 and (tmp_path / "bulk" / "SHA256SUMS").is_file()
    assert run("escalated").output.strip() == "none"
    clock.now += 20 * 86400
    assert "unanswered after 20 days" in run("escalated").output
