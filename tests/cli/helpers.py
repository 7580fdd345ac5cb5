"""Running the CLI in process (click's CliRunner) against one data directory."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from govledger.cli import cli
from conftest import YEAR


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


def ok(data_dir: Path, *args: str) -> str:
    result = run(data_dir, *args)
    assert result.exit_code == 0, result.output
    return result.output


def register(data_dir: Path, ocid: str, *extra: str, category: str = "goods") -> Result:
    return run(data_dir, "contract", "register", "--as", "official", "--ocid", ocid,
               "--agency", "DEMO-DPUPR-KAB-CONTOH", "--contractor", "contractor", "--category", category,
               "--value", "1,000,000", "--start", f"{YEAR}-01-01", "--end", f"{YEAR}-12-31",
               "--milestone", f"400,000@{YEAR}-06-30@2@inspector1,inspector2,inspector3",
               "--milestone", f"600,000@{YEAR}-12-01@1@inspector3", *extra)
