"""A data directory nobody may write to (chmod -w, a read-only mount) still serves reads, and stays as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from govledger.accounts import demo_accounts
from govledger.ledger import Ledger
from govledger.pilot import setup_roles

READER = """
import json, sys
from govledger.chain import read_head
from govledger.ledger import Ledger
with Ledger.open(sys.argv[1]) as ledger:
    print(json.dumps({"block": ledger.w3.eth.block_number, "paused": ledger.is_paused(),
                      "registry": ledger.deployment.addresses["ContractRegistry"],
                      "head": read_head(sys.argv[1])}))
"""


def without_write_permission(command: list[str]) -> list[str]:
    """Root ignores file modes; dropping its DAC capabilities makes them bind, as for anyone else."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")  # util-linux
    assert setpriv is not None, "running as root, this test needs setpriv to take write permission away"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.iterdir()}


def test_a_read_only_data_directory_serves_reads(tmp_path: Path) -> None:
    data = tmp_path / "ledger"
    with Ledger.open(data, create=True) as ledger:
        deployment = ledger.deploy(demo_accounts()["admin"], demo_accounts()["treasury"].address)
        setup_roles(ledger)
        head = ledger.w3.eth.get_block("latest")
    before = snapshot(data)
    assert not any(name.endswith(("-wal", "-shm")) for name in before)  # a clean close leaves no WAL index
    for path in [data, *data.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        done = subprocess.run(without_write_permission([sys.executable, "-c", READER, str(data)]),
                              capture_output=True, text=True, timeout=120)
    finally:
        data.chmod(0o755)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer == {"block": head["number"], "paused": False,
                      "registry": deployment.addresses["ContractRegistry"],
                      "head": [head["number"], "0x" + bytes(head["hash"]).hex()]}
    assert snapshot(data) == before
