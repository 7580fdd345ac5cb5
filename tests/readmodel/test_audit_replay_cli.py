"""`govledger audit replay`: replays into the data directory's SQLite (or --db), resumes, and --fresh starts over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from govledger.cli import cli
from govledger.cli._context import AppContext
from govledger.readmodel import list_contracts, open_read_model

from .conftest import CONTRACTS, PG_URL
from .fakechain import FakeChain, fake_deployment, registered


def replay(data_dir: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "audit", "replay", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_auditReplay_indexesThenResumesThenStartsOverWithFresh(scenario_dir: Path, tmp_path: Path) -> None:
    # The chain without the read model other tests may have filled in the shared directory: the first replay
    # starts from block 1.
    data = Path(shutil.copytree(scenario_dir, tmp_path / "data", ignore=shutil.ignore_patterns("readmodel.sqlite*")))
    first = replay(data)
    assert first["events"] > CONTRACTS * 4 and first["from_block"] == 1 and first["events_per_second"] > 0
    assert replay(data)["events"] == 0  # resumed from the checkpoint: nothing new
    assert replay(data, "--fresh")["events"] == first["events"]
    assert len(list_contracts(open_read_model(None, data))) == CONTRACTS


def test_auditReplay_text_printsEventsBlocksAndRate(scenario_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    result = CliRunner().invoke(cli, ["--data-dir", str(scenario_dir), "audit", "replay", "--db", url])
    assert result.exit_code == 0, result.output
    assert "events from" in result.output and "events/s" in result.output and "other.sqlite" in result.output


def test_auditReplay_unreachableDatabase_failsWithOneLine(scenario_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(scenario_dir), "audit", "replay", "--db",
                                      PG_URL.replace("5432", "1")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: unexpected OperationalError") and "Traceback" not in result.output


def test_auditReplay_deepReorg_isRefusedInOneLineUntilAllowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = FakeChain()
    for n in range(8):
        chain.mine(registered(f"ocds-abc123-old{n}"))
    ledger = SimpleNamespace(w3=chain, deployment=fake_deployment())
    monkeypatch.setattr(AppContext, "ledger", property(lambda self: ledger))
    replay(tmp_path)
    chain.fork(2, "new")
    chain.mine(registered("ocds-abc123-new"), count=9)
    refused = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "audit", "replay", "--max-reorg-depth", "3"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.startswith("Error: the chain reorganised deeper than 3 blocks below the checkpoint 8")
    assert len(list_contracts(open_read_model(None, tmp_path))) == 8  # every row kept
    allowed = replay(tmp_path, "--max-reorg-depth", "3", "--allow-deep-reorg")
    assert allowed["reorged_blocks"] == 7
    assert {c["ocid"] for c in list_contracts(open_read_model(None, tmp_path))} == {"ocds-abc123-old0", "ocds-abc123-new"}
