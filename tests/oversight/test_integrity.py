"""A feedback row deleted and another edited in the database: `audit check` names both; a batch row removed or
rewritten is found against the chain; an untouched store checks clean."""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update

from govledger.oversight import Oversight, feedback, oversight_violations, schema

from .conftest import OCID, person


def three_reports(ov: Oversight) -> list[str]:
    return [feedback.submit(ov, person(n), OCID, delivered="no", timeliness="late", comment=f"report of {n}").id
            for n in ("ani", "budi", "citra")]


def rules(ov: Oversight) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for v in ov.app.check().violations:
        found.setdefault(v.rule, []).append(v.detail)
    return found


def test_an_untouched_store_checks_clean(ov: Oversight) -> None:
    three_reports(ov)
    assert oversight_violations(ov.app.engine, ov.app.ledger) == []
    assert ov.app.check().ok


def test_audit_check_names_a_deleted_and_an_edited_feedback_row(ov: Oversight) -> None:
    gone, edited, _ = three_reports(ov)
    r = schema.records.c
    with ov.app.engine.begin() as conn:
        conn.execute(delete(schema.records).where(r.id == gone))
        body = json.loads(conn.execute(select(r.body).where(r.id == edited)).scalar_one())
        body["comment"] = "all good"
        conn.execute(update(schema.records).where(r.id == edited).values(body=json.dumps(body)))
    found = rules(ov)
    assert any(gone in d for d in found["oversight-record-deleted"])
    assert any(edited in d for d in found["oversight-record-edited"])


def test_an_edit_that_recomputes_the_id_is_still_found(ov: Oversight) -> None:
    from govledger.oversight.records import canonical, record_id

    target = three_reports(ov)[0]
    r = schema.records.c
    with ov.app.engine.begin() as conn:
        body = json.loads(conn.execute(select(r.body).where(r.id == target)).scalar_one())
        body["comment"] = "all good"
        data = canonical(body).decode()
        conn.execute(update(schema.records).where(r.id == target).values(body=data, id=record_id(data.encode())))
    found = rules(ov)
    assert any(target in d for d in found["oversight-record-deleted"])
    assert "oversight-record-edited" in found


def test_a_deleted_batch_and_its_records_are_found_against_the_chain(ov: Oversight) -> None:
    ids = three_reports(ov)
    with ov.app.engine.begin() as conn:
        conn.execute(delete(schema.records).where(schema.records.c.id.in_(ids)))
        conn.execute(delete(schema.batches))
    assert len(rules(ov)["oversight-batch-deleted"]) == 3


def test_a_batch_whose_list_was_rewritten_is_found(ov: Oversight) -> None:
    ids = three_reports(ov)
    b = schema.batches.c
    with ov.app.engine.begin() as conn:
        root = conn.execute(select(b.root).where(b.leaves.contains(ids[0]))).scalar_one()
        conn.execute(update(schema.batches).where(b.root == root).values(leaves=json.dumps([ids[1]])))
    found = rules(ov)
    assert "oversight-batch-edited" in found and "oversight-record-edited" in found


def test_a_fresh_replay_of_the_read_model_keeps_every_oversight_record(ov: Oversight) -> None:
    from govledger.readmodel.engine import create_read_model, drop_read_model

    ids = three_reports(ov)
    drop_read_model(ov.app.engine)
    create_read_model(ov.app.engine)
    ov.app.sync()
    assert [r.id for r in ov.store.find()] == ids
    assert ov.app.check().ok
