"""docs/operations.md's move from the embedded chain to a node, as written: export OCDS, deploy to anvil,
migrate, report and prove."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from chain_support import ROOT, running_anvil
from cli.helpers import ok

MAPPING = """\
[defaults]
inspectors = ["inspector1", "inspector2", "inspector3"]
required_approvals = 2
category = "consulting"   # OCDS has no consulting category: the export leaves it out

[agencies."DEMO-DPUPR-KAB-CONTOH"]
agency = "DEMO-DPUPR-KAB-CONTOH"
official = "official"

[suppliers]
"""


def test_the_pilot_moves_to_a_node_and_each_record_proves(sandbox, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    exported = tmp_path / "all.json"
    ok(sandbox("move"), "ocds", "export", "--out", str(exported))
    suppliers = {s["id"] for r in json.loads(exported.read_text())["releases"] for a in r.get("awards", [])
                 for s in a["suppliers"]}
    mapping = tmp_path / "move-mapping.toml"
    mapping.write_text(MAPPING + "".join(f'"{s}" = "{s}"\n' for s in sorted(suppliers)))
    manifest, node_dir = tmp_path / "node.json", tmp_path / "node"
    node_dir.mkdir()  # the node's read model and the migration journal live here
    with running_anvil() as url:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy.py"), "--rpc-url", url, "--manifest",
                        str(manifest), "--fund-demo-accounts", "--demo-roles"], check=True, capture_output=True)
        monkeypatch.setenv("GOVLEDGER_RPC_URL", url)
        monkeypatch.setenv("GOVLEDGER_MANIFEST", str(manifest))
        moved = ok(node_dir, "migrate", str(exported), "--mapping", str(mapping), "--as", "official",
                   "--admin-as", "admin", "--no-progress")
        assert "4 contracts read, 0 refused; 3 registered now" in moved and "1 closed contracts anchored" in moved
        assert "3 contracts compared (58 fields): 3 match; 0 difference(s)" in ok(node_dir, "migrate", "report")
        assert ok(node_dir, "migrate", "verify", "ocds-demo01-2026-PUPR-002").startswith(
            "proven: ocds-demo01-2026-PUPR-002's source record hashes to leaf")
        listed = ok(node_dir, "contract", "list")
        assert listed.count("pending") == 3  # each contractor accepts the terms again on the node
