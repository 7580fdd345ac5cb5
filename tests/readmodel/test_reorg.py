"""Over RPC (a real anvil node): a reorg is detected on resume and repaired; confirmations hold back
the newest blocks."""

from __future__ import annotations

from pathlib import Path

from govledger.ledger import Ledger
from govledger.readmodel import Indexer, list_contracts, open_read_model

from .conftest import A, dump, make_spec, rpc


def ocids_of_this_test(engine) -> set[str]:  # type: ignore[no-untyped-def]
    """The module's anvil node also holds the other tests' contracts, registered before or after this one."""
    return {c["ocid"] for c in list_contracts(engine) if c["ocid"].startswith("ocds-reorg1-")}


def test_reorg_onAnvil_rollsBackOrphanedBlocksAndReindexesTheNewBranch(anvil_ledger: Ledger, tmp_path: Path) -> None:
    ledger, official, contractor = anvil_ledger, A["official"], A["contractor"]
    ledger.register(official, make_spec("ocds-reorg1-kept", approvals=1))
    engine = open_read_model(None, tmp_path / "live")
    indexer = Indexer.for_ledger(ledger, engine)
    indexer.sync()

    snapshot = rpc(ledger, "evm_snapshot")
    ledger.register(official, make_spec("ocds-reorg1-orphaned", approvals=1))
    ledger.accept(contractor, "ocds-reorg1-orphaned")
    indexer.sync()
    assert ocids_of_this_test(engine) == {"ocds-reorg1-kept", "ocds-reorg1-orphaned"}
    orphaned_tip = indexer.checkpoint()

    assert rpc(ledger, "evm_revert", snapshot) is True
    ledger.register(official, make_spec("ocds-reorg1-new", approvals=1))
    rpc(ledger, "anvil_mine", hex(3))  # the new branch outgrows the old one
    assert orphaned_tip is not None and ledger.w3.eth.block_number > orphaned_tip[0]
    assert ledger.w3.eth.get_block(orphaned_tip[0])["hash"].hex() != orphaned_tip[1].removeprefix("0x")

    result = indexer.sync()
    assert result.reorged_blocks >= 2
    assert ocids_of_this_test(engine) == {"ocds-reorg1-kept", "ocds-reorg1-new"}
    fresh = open_read_model(None, tmp_path / "fresh")
    Indexer.for_ledger(ledger, fresh).sync()
    assert dump(engine) == dump(fresh)  # the same rows as a replay of the new branch alone


def test_confirmations_leaveTheNewestBlocksUnindexed(anvil_ledger: Ledger, tmp_path: Path) -> None:
    ledger = anvil_ledger
    ledger.register(A["official"], make_spec("ocds-conf01-0001", approvals=1))
    engine = open_read_model(None, tmp_path)
    indexer = Indexer.for_ledger(ledger, engine, confirmations=3)
    result = indexer.sync()
    assert result.to_block == ledger.w3.eth.block_number - 3
    assert "ocds-conf01-0001" not in {c["ocid"] for c in list_contracts(engine)}
    rpc(ledger, "anvil_mine", hex(3))
    indexer.sync()
    assert "ocds-conf01-0001" in {c["ocid"] for c in list_contracts(engine)}


def test_reorgBetweenTwoBatchesOfOneSync_onAnvil_leavesNoOrphanedRows(anvil_ledger: Ledger, tmp_path: Path) -> None:
    ledger, official = anvil_ledger, A["official"]
    ledger.register(official, make_spec("ocds-midsyn-kept", approvals=1))
    engine = open_read_model(None, tmp_path / "live")
    indexer = Indexer.for_ledger(ledger, engine, batch_blocks=1)
    indexer.sync()
    snapshot = rpc(ledger, "evm_snapshot")
    for n in range(3):
        ledger.register(official, make_spec(f"ocds-midsyn-orphan{n}", approvals=1))
    batches = []

    def reorganise_after_the_first_batch(done: int, total: int) -> None:
        batches.append(done)
        if len(batches) == 2:  # one block of the old branch is stored: now the chain moves to another one
            assert rpc(ledger, "evm_revert", snapshot) is True
            ledger.register(official, make_spec("ocds-midsyn-new", approvals=1))
            rpc(ledger, "anvil_mine", hex(4))

    result = indexer.sync(progress=reorganise_after_the_first_batch)
    assert result.reorged_blocks == 1
    assert {c["ocid"] for c in list_contracts(engine) if c["ocid"].startswith("ocds-midsyn")} == {
        "ocds-midsyn-kept", "ocds-midsyn-new"}
    fresh = open_read_model(None, tmp_path / "fresh")
    Indexer.for_ledger(ledger, fresh).sync()
    assert dump(engine) == dump(fresh)
