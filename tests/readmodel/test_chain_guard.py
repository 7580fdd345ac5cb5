"""The indexer follows the chain it indexed, and only that chain: a reorg between two batches of one sync is
rolled back like one found at the start; another genesis, a chain cut short, and a reorg deeper than the
limit are refused with every row kept (a fake chain in memory, block by block)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from govledger.errors import GovLedgerError
from govledger.readmodel import (
    ChainBehindError, ChainMismatchError, DeepReorgError, Indexer, list_contracts, open_read_model, schema,
)

from .conftest import dump
from .fakechain import FakeChain, fake_deployment, registered


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = open_read_model("sqlite://")
    yield engine
    engine.dispose()


def ocids(engine: Engine) -> set[str]:
    return {c["ocid"] for c in list_contracts(engine)}


def event_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.events)).scalar_one())


def indexer(chain: FakeChain, engine: Engine, **options: object) -> Indexer:
    return Indexer(chain, fake_deployment(), engine, **options)  # type: ignore[arg-type]


def test_reorgBetweenTwoBatchesOfOneSync_rollsBackTheOrphanedRowsAndMatchesAFreshIndex(engine: Engine) -> None:
    chain = FakeChain()
    for n in range(6):
        chain.mine(registered(f"ocds-old-{n}"))
    calls = []

    def reorganise(lo: int, hi: int) -> None:  # after the first batch (blocks 1-2) is stored
        calls.append(lo)
        if len(calls) == 2:
            chain.fork(2, "new")
            for n in range(6):
                chain.mine(registered(f"ocds-new-{n}"))

    chain.on_get_logs = reorganise
    result = indexer(chain, engine, batch_blocks=2).sync()
    assert ocids(engine) == {"ocds-old-0"} | {f"ocds-new-{n}" for n in range(6)}  # block 1 survived the fork
    assert result.reorged_blocks == 1 and result.to_block == chain.block_number
    fresh = open_read_model("sqlite://")
    chain.on_get_logs = None
    indexer(chain, fresh).sync()
    assert dump(engine) == dump(fresh)


def test_reorgOfBlocksWithoutEvents_rollsBackExactlyThoseBlocks(engine: Engine) -> None:
    chain = FakeChain()
    chain.mine(registered("ocds-kept"))
    chain.mine(count=40)  # a quiet stretch: no event rows tell where the fork is
    ix = indexer(chain, engine, max_reorg_depth=8)
    ix.sync()
    chain.fork(39, "new")
    chain.mine(registered("ocds-late"), count=3)
    result = ix.sync()
    assert result.reorged_blocks == 3  # blocks 39..41, not back to the last block with an event
    assert ocids(engine) == {"ocds-kept", "ocds-late"}


def test_otherGenesisUnderTheSameChainId_isRefusedAndEveryRowKept(engine: Engine) -> None:
    chain = FakeChain()
    chain.mine(registered("ocds-a"), count=3)
    indexer(chain, engine).sync()
    before = dump(engine)
    other = FakeChain(salt="another network")
    other.mine(registered("ocds-b"), count=5)
    with pytest.raises(ChainMismatchError, match="another chain .*genesis 0x.* rows kept"):
        indexer(other, engine, allow_deep_reorg=True).sync()
    assert dump(engine) == before


def test_chainRestartedFromTheSameGenesis_isRefusedAndEveryRowKept(engine: Engine) -> None:
    chain = FakeChain()
    for n in range(3):
        chain.mine(registered(f"ocds-{n}"))
    indexer(chain, engine).sync()
    before = dump(engine)
    chain.fork(1, "restarted")  # same genesis, same chain id, the deployment gone (an embedded chain file lost)
    chain.mine(count=2)
    with pytest.raises(ChainMismatchError, match="none of the blocks .* deploy block 1 is on this chain .* rows kept"):
        indexer(chain, engine).sync()
    assert dump(engine) == before


def test_chainShorterThanTheCheckpointWithTheSameBlocks_isAFaultAndEveryRowKept(engine: Engine) -> None:
    chain = FakeChain()
    for n in range(5):
        chain.mine(registered(f"ocds-{n}"))
    indexer(chain, engine).sync()
    before = dump(engine)
    chain.fork(3, "main")  # blocks 3 and 4 gone, nothing new: a node resyncing or an older copy
    with pytest.raises(ChainBehindError, match="head 2 is below the read model's checkpoint 5 .* rows kept"):
        indexer(chain, engine).sync()
    assert dump(engine) == before


def test_reorgDeeperThanTheLimit_isRefusedUnlessAllowed(engine: Engine) -> None:
    chain = FakeChain()
    for n in range(12):
        chain.mine(registered(f"ocds-old-{n}"))
    indexer(chain, engine, max_reorg_depth=5).sync()
    before = dump(engine)
    chain.fork(2, "new")
    chain.mine(registered("ocds-new"), count=12)
    with pytest.raises(DeepReorgError, match="deeper than 5 blocks below the checkpoint 12 .*--allow-deep-reorg"):
        indexer(chain, engine, max_reorg_depth=5).sync()
    assert dump(engine) == before and event_count(engine) == 12
    result = indexer(chain, engine, max_reorg_depth=5, allow_deep_reorg=True).sync()
    assert result.reorged_blocks == 11 and ocids(engine) == {"ocds-old-0", "ocds-new"}


def test_reorgErrorsAreGovLedgerErrors_andBadOptionsAreRefused(engine: Engine) -> None:
    assert issubclass(DeepReorgError, GovLedgerError) and issubclass(ChainBehindError, GovLedgerError)
    with pytest.raises(GovLedgerError, match=r"max_reorg_depth \(-1\) must be >= 0"):
        indexer(FakeChain(), engine, max_reorg_depth=-1)


def test_genesisHashIsRecordedAtTheFirstSync(engine: Engine) -> None:
    chain = FakeChain()
    chain.mine(registered("ocds-a"))
    indexer(chain, engine).sync()
    with engine.connect() as conn:
        assert conn.execute(select(schema.checkpoints.c.genesis_hash)).scalar_one() == "0x" + chain.blocks[0]["hash"].hex()


def test_readModelOfAnOlderVersion_gainsTheNewColumnsAndItsGenesisAtTheNextSync(tmp_path: object) -> None:
    import sqlite3
    from pathlib import Path

    path = Path(str(tmp_path)) / "old.sqlite"
    chain = FakeChain()
    chain.mine(registered("ocds-abc123-old"), count=2)
    old = open_read_model(f"sqlite:///{path}")
    indexer(chain, old).sync()
    old.dispose()
    with sqlite3.connect(path) as conn:  # as the previous version wrote it
        conn.execute("ALTER TABLE checkpoints DROP COLUMN genesis_hash")
        conn.execute("ALTER TABLE contracts DROP COLUMN ocid_valid")
    conn.close()
    upgraded = open_read_model(f"sqlite:///{path}")
    assert [(c["ocid"], c["ocid_valid"]) for c in list_contracts(upgraded)] == [("ocds-abc123-old", True)]
    indexer(chain, upgraded).sync()  # nothing new to index: the genesis is recorded all the same
    with upgraded.connect() as conn:
        assert conn.execute(select(schema.checkpoints.c.genesis_hash)).scalar_one() == "0x" + chain.blocks[0]["hash"].hex()
