"""docs/reference/ is the SDK reference generated from the docstrings: it must match what the code says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "sdk_reference.py"


def _check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--check", "--dir", str(folder)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_committed_reference_is_current() -> None:
    result = _check(ROOT / "docs" / "reference")
    assert result.returncode == 0, result.stderr


def test_a_stale_page_is_named_with_the_command_that_renews_it(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--dir", str(tmp_path)], check=True, capture_output=True, timeout=120)
    ledger = tmp_path / "govledger.ledger.md"
    ledger.write_text(ledger.read_text().replace("enable_agency", "enable_agencies"))
    (tmp_path / "govledger.gone.md").write_text("# a module no longer documented\n")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert ("docs/reference is not current (govledger.ledger.md, govledger.gone.md): "
            "run python scripts/sdk_reference.py") in result.stderr


def test_the_reference_documents_the_sdks_entry_points() -> None:
    pages = {p.name: p.read_text() for p in (ROOT / "docs" / "reference").glob("*.md")}
    assert "- `enable_agency(admin: LocalAccount, agency: str" in pages["govledger.ledger.md"]
    assert "### class `App`" in pages["govledger.app.md"]
    assert "Message: `no contract {id} is registered`" in pages["govledger.errors.md"]
    assert "[`govledger.integrations.finance`](govledger.integrations.finance.md)" in pages["README.md"]
