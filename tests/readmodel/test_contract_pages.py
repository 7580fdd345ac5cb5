"""The contract list a page at a time (`ReadModelReader.contracts`), and the index that keeps a page cheap
made with the read model itself, also in a read model written before it existed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Engine, String, Text, insert, inspect, text

from govledger.readmodel import open_read_model, schema
from govledger.reads import ReadModelReader

CONTRACTOR = "0x01D06dD7b9EA67Fe5c3Ab856Ac30c1e9B46687c8"
INDEX = "ix_contracts_registration_order"


def _row(table: Any, **values: Any) -> dict[str, Any]:
    """A row with every NOT NULL column filled (zero, false or "x"), then `values`."""
    def blank(column: Any) -> Any:
        if isinstance(column.type, Boolean):
            return False
        return "x" if isinstance(column.type, (String, Text)) else 0
    return {**{c.name: blank(c) for c in table.columns if not c.nullable}, **values}


def _fill(engine: Engine) -> None:
    with engine.begin() as conn:
        for n in range(7):  # registered in blocks 7, 6, ... 1: registration order is the reverse of n
            agency = b"DEMO-A" if n % 2 else b"DEMO-B"
            conn.execute(insert(schema.contracts).values(_row(
                schema.contracts, contract_id=f"0x{n:064x}", ocid=f"ocds-t-{n}", agency="0x" + agency.ljust(32, b"\0").hex(),
                agency_code=agency.decode(), status="active" if n < 4 else "draft",
                contractor=CONTRACTOR.lower() if n == 2 else "0x" + "0" * 40, registered_block=7 - n,
                start_date=0, end_date=0)))
        conn.execute(insert(schema.milestones).values(_row(schema.milestones, contract_id=f"0x{2:064x}", idx=0,
                                                           status="paid")))


def test_contracts_come_a_page_at_a_time_in_registration_order_with_filters(tmp_path: Path) -> None:
    engine = open_read_model(None, tmp_path)
    _fill(engine)
    reader = ReadModelReader.over_engine(engine)
    assert [r.ocid for r in reader.contracts(3, 2)] == ["ocds-t-4", "ocds-t-3", "ocds-t-2"]
    assert [r.paid_milestones for r in reader.contracts(3, 2)] == [0, 0, 1]
    assert [r.ocid for r in reader.contracts()] == [f"ocds-t-{n}" for n in range(6, -1, -1)]
    assert [r.ocid for r in reader.contracts(10, 0, agency="DEMO-A", status="active")] == ["ocds-t-3", "ocds-t-1"]
    assert [r.ocid for r in reader.contracts(10, 0, contractor=CONTRACTOR)] == ["ocds-t-2"]  # any case
    assert reader.contract_count() == 7 and reader.contract_count(status="draft", agency="DEMO-B") == 2
    assert reader.contracts(5, 100) == []


def test_a_read_model_written_before_the_index_gets_it_when_opened(tmp_path: Path) -> None:
    engine = open_read_model(None, tmp_path)  # no server involved: the read model makes its own index
    assert INDEX in {i["name"] for i in inspect(engine).get_indexes("contracts")}
    with engine.begin() as conn:
        conn.execute(text(f"DROP INDEX {INDEX}"))
    engine.dispose()
    engine = open_read_model(None, tmp_path)
    assert INDEX in {i["name"] for i in inspect(engine).get_indexes("contracts")}
