"""`govledger ocds import|export|sync` and `audit flags` on a data directory, as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govledger.cli import cli

from .samples import MAPPING, package, release, write
from .test_sync import server  # noqa: F401 (the loopback HTTP server fixture)


def _run(data_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocds-cli")
    assert _run(path, "init").exit_code == 0
    (path / "ocds-mapping.toml").write_text(MAPPING)
    return path


def test_import_thenAgain_thenExport_thenFlags(data_dir: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "p.json", package(release("ocds-test01-cli-1"),
                                               release("ocds-test01-cli-2", currency="USD")))
    first = _run(data_dir, "ocds", "import", str(source))
    assert first.exit_code == 1  # one record was refused
    assert "REGISTERED ocds-test01-cli-1" in first.output
    assert f"REFUSED ocds-test01-cli-2: currency 'USD' is not IDR: the ledger holds Rupiah only [{source}: " \
           "$.releases[1].contracts[0].value.currency]" in first.output
    again = _run(data_dir, "ocds", "import", "--json", str(source))
    assert json.loads(again.output)["counts"] == {"refused": 1, "unchanged": 1}
    out = tmp_path / "export.json"
    exported = _run(data_dir, "ocds", "export", "--out", str(out))
    assert exported.exit_code == 0 and "valid against OCDS 1.1.5" in exported.output
    assert "ocds-test01-cli-1" in {r["ocid"] for r in json.loads(out.read_text())["releases"]}
    flags = _run(data_dir, "audit", "flags")
    assert "R018 ocds-test01-cli-1: open tender with a single tenderer" in flags.output
    assert "R003 ocds-test01-cli-1" in flags.output


def test_aMissingMappingFile_isOneLine(data_dir: Path, tmp_path: Path) -> None:
    result = _run(data_dir, "ocds", "import", "--mapping", str(tmp_path / "none.toml"), str(tmp_path))
    assert result.exit_code == 1 and "none.toml does not exist" in result.output


def test_sync_refusesABadInterval(data_dir: Path) -> None:
    result = _run(data_dir, "ocds", "sync", "--source", "http://127.0.0.1:9/x", "--every", "soon", "--once")
    assert result.exit_code == 1 and "--every 'soon' is not a duration" in result.output


def test_survey_writesAMappingSkeleton_forThePublishersBuyersAndSuppliers(tmp_path: Path) -> None:
    from .samples import BUYER, SUPPLIER

    source = write(tmp_path / "p.json", package(release("ocds-test01-srv-1"), release("ocds-test01-srv-2", currency="USD")))
    result = CliRunner().invoke(cli, ["ocds", "survey", str(source)])
    assert result.exit_code == 0, result.output
    assert "2 ocid(s); contract currencies: IDR 1, USD 1; with payable milestones: 2" in result.output
    assert f'[agencies."{BUYER}"]  # Dinas PUPR Kabupaten Contoh (2 item(s))' in result.output
    assert f'"{SUPPLIER}" = ""  # PT Contoh Konstruksi (2 award(s))' in result.output


def test_syncOnce_importsThePages_andPublishes(data_dir: Path, server, tmp_path: Path) -> None:
    from .test_sync import _paged

    url = _paged(server)
    server.failures.clear()  # retries are test_sync's business: no real backoff waits here
    public = tmp_path / "public"
    result = _run(data_dir, "ocds", "sync", "--source", url, "--once", "--publish", str(public))
    assert result.exit_code == 0, result.output
    assert "3 page(s): 3 registered, 1 unchanged" in result.output
    published = json.loads((public / "release-package.json").read_text())
    assert {"ocds-test01-syn-1", "ocds-test01-syn-3"} <= {r["ocid"] for r in published["releases"]}
    assert (data_dir / "ocds-sync-checkpoint.json").is_file()
