"""The manifest names the chain it was deployed on (its genesis block); another chain is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govledger.accounts import demo_accounts
from govledger.chain import open_embedded_chain, read_genesis_hash
from govledger.deployment import Deployment, ManifestMismatchError
from govledger.errors import GovLedgerValueError
from govledger.ledger import Ledger

ADMIN, TREASURY = demo_accounts()["admin"], demo_accounts()["treasury"].address


def deployed(data_dir: Path) -> Deployment:
    with Ledger.open(data_dir, create=True) as ledger:
        return ledger.deploy(ADMIN, TREASURY)


def test_the_manifest_records_the_genesis_block_and_paths_may_be_strings(tmp_path: Path) -> None:
    deployment = deployed(tmp_path)
    assert deployment.genesis_hash == read_genesis_hash(tmp_path)
    manifest = str(tmp_path / "deployment.json")
    assert json.loads(Path(manifest).read_text())["genesis_hash"] == deployment.genesis_hash
    assert Deployment.load(manifest) == deployment
    with Ledger.open(str(tmp_path), manifest=manifest) as ledger:
        assert ledger.deployment == deployment
        assert ledger.manifest_path == Path(manifest)
    copy = str(tmp_path / "copy.json")
    deployment.save(copy)
    assert Deployment.load(copy) == deployment


def test_a_manifest_of_another_chain_with_the_same_chain_id_is_refused(tmp_path: Path) -> None:
    original, other = tmp_path / "original", tmp_path / "other"
    deployment = deployed(original)
    with Ledger.open(other, create=True):
        pass  # a fresh chain, chain id 1337 like the first
    shutil.copy(original / "deployment.json", other / "deployment.json")
    with pytest.raises(ManifestMismatchError, match=(
            f"manifest {other / 'deployment.json'} was deployed on the chain with genesis block "
            f"{deployment.genesis_hash}, but the node's genesis block is {read_genesis_hash(other)}")) as refused:
        Ledger.open(other)
    assert isinstance(refused.value, GovLedgerValueError)
    with open_embedded_chain(other, lock_timeout=0):
        pass  # the refusal closed the chain it had opened


def test_a_manifest_from_before_the_genesis_hash_still_loads(tmp_path: Path) -> None:
    deployed(tmp_path)
    manifest = tmp_path / "deployment.json"
    data = json.loads(manifest.read_text())
    del data["genesis_hash"]
    data["version"] = 1
    manifest.write_text(json.dumps(data))
    with Ledger.open(tmp_path) as ledger:
        assert ledger.deployment is not None and ledger.deployment.genesis_hash is None
        assert ledger.deployment.version == 1


def test_a_manifest_that_is_no_object_is_refused(tmp_path: Path) -> None:
    manifest = tmp_path / "deployment.json"
    manifest.write_text("[]")
    with pytest.raises(GovLedgerValueError, match=f"deployment manifest {manifest} is not a JSON object"):
        Deployment.load(manifest)
