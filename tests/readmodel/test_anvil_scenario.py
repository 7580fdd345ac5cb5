"""The same scenario on a real anvil node: indexed, checked, and projected exactly as on the embedded chain."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from govledger.audit import check
from govledger.ledger import Ledger
from govledger.readmodel import Indexer, open_read_model, schema

from .conftest import build_scenario
from .test_indexer import replay


def _chain_independent(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Projection rows without what differs between chains (blocks and times)."""
    out = {}
    with engine.connect() as conn:
        for table in (schema.contracts, schema.milestones):
            columns = [c for c in table.columns if "block" not in c.name and not c.name.endswith("_at")]
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(*columns))), key=repr)
    return out


def test_scenario_onAnvil_indexesChecksCleanAndProjectsLikeTheEmbeddedChain(
        anvil_ledger: Ledger, scenario_dir: Path, tmp_path: Path) -> None:
    build_scenario(anvil_ledger)
    on_anvil = open_read_model(None, tmp_path / "anvil")
    result = Indexer.for_ledger(anvil_ledger, on_anvil).sync()
    assert result.events > 0

    audit = check(on_anvil, anvil_ledger)
    assert audit.ok, [v.to_dict() for v in audit.violations]

    embedded = open_read_model(None, tmp_path / "embedded")
    replay(scenario_dir, embedded)
    assert _chain_independent(on_anvil) == _chain_independent(embedded)
