"""scripts/deploy.py on the embedded chain and on a real anvil node, then the SDK over what it wrote."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govledger import errors
from govledger.accounts import demo_account, demo_accounts
from govledger.deployment import ManifestMismatchError
from govledger.ledger import Ledger

sys.path.insert(0, str(Path(__file__).parent))
from chain_support import fund_accounts, running_anvil  # noqa: E402
from conftest import make_spec  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = [sys.executable, str(ROOT / "scripts" / "deploy.py")]


@pytest.fixture
def anvil_url() -> Iterator[str]:
    """A real anvil node (npm @foundry-rs/anvil) in its own process, stopped after the test."""
    with running_anvil() as url:
        yield url


def test_deploy_toTheEmbeddedChain_writesAManifestTheCliAttachesTo(tmp_path: Path) -> None:
    data = tmp_path / "ledger"
    done = subprocess.run([*DEPLOY, "--data-dir", str(data), "--demo-roles"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "ContractRegistry" in done.stdout
    with Ledger.open(data) as ledger:
        assert ledger.deployment is not None
        for address in ledger.deployment.addresses.values():
            assert len(ledger.w3.eth.get_code(address)) > 0
        assert ledger.balance(demo_account("official").address) > 0  # the demo roles' budget


def test_deploy_twice_refusesAndKeepsTheFirstManifest(tmp_path: Path) -> None:
    data = tmp_path / "ledger"
    subprocess.run([*DEPLOY, "--data-dir", str(data)], check=True, capture_output=True)
    first = (data / "deployment.json").read_text()
    again = subprocess.run([*DEPLOY, "--data-dir", str(data)], capture_output=True, text=True)
    assert again.returncode == 1
    assert again.stderr.startswith("error: already deployed")
    assert (data / "deployment.json").read_text() == first


def test_deploy_toAnvil_thenTheSameSdkRunsTheLifecycleOverRpc(anvil_url: str, tmp_path: Path) -> None:
    manifest = tmp_path / "anvil.json"
    done = subprocess.run([*DEPLOY, "--rpc-url", anvil_url, "--manifest", str(manifest), "--fund-demo-accounts",
                           "--demo-roles"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    official, contractor = demo_account("official"), demo_account("contractor")
    with Ledger.open(None, rpc_url=anvil_url, manifest=manifest) as ledger:
        assert ledger.deployment is not None and ledger.deployment.chain_id == 31337
        spec = make_spec("ocds-anvil1-0001", amounts=(1_000_000_00,), approvals=1)
        ledger.register(official, spec)
        ledger.accept(contractor, spec.ocid)
        ledger.fund(official, spec.ocid, spec.value)
        ledger.submit(contractor, spec.ocid, 0, b"\1" * 32)
        with pytest.raises(errors.NotAssignedInspector, match="contractor .* is not an assigned inspector"):
            ledger.approve(contractor, spec.ocid, 0, b"\2" * 32)
        ledger.approve(demo_account("inspector2"), spec.ocid, 0, b"\2" * 32)
        ledger.withdraw(contractor, spec.ocid)
        assert ledger.balance(contractor.address) == 1_000_000_00
        assert [c.ocid for c in ledger.contracts()] == ["ocds-anvil1-0001"]


def test_a_fresh_node_with_the_same_chain_id_is_refused(anvil_url: str, tmp_path: Path) -> None:
    manifest = str(tmp_path / "anvil.json")  # a plain string path, as scripts pass it
    with Ledger.open(None, rpc_url=anvil_url, manifest=manifest) as ledger:
        fund_accounts(ledger.w3, [demo_account("admin").address])
        deployment = ledger.deploy(demo_account("admin"), demo_accounts()["treasury"].address)
        # The node replaced by a new one: chain id 31337 again. Its genesis differs by its timestamp,
        # pinned here so that the two nodes never share a second.
        fresh_genesis_time = ledger.w3.eth.get_block(0)["timestamp"] + 1
    with running_anvil("--timestamp", str(fresh_genesis_time)) as fresh_url:
        with pytest.raises(ManifestMismatchError, match=(
                f"manifest {manifest} was deployed on the chain with genesis block {deployment.genesis_hash}, "
                "but the node's genesis block is 0x[0-9a-f]{64}: it holds another chain with the same chain id 31337")):
            Ledger.open(None, rpc_url=fresh_url, manifest=manifest)
    with Ledger.open(None, rpc_url=anvil_url, manifest=manifest) as ledger:
        assert ledger.deployment == deployment
