"""`govledger oversight`: anchor what waits, prove a record, the changes feed, bulk files, escalated reports."""

from __future__ import annotations

from pathlib import Path

import click

from ._context import AppContext, emit, json_option, pass_app, signer, signer_options


@click.group()
def oversight() -> None:
    """Feedback, complaints and monitoring records, anchored on chain in Merkle batches (docs/oversight.md)."""


def _oversight(app: AppContext):  # type: ignore[no-untyped-def]
    from ..oversight import of_app

    return of_app(app.app)


@oversight.command()
@signer_options
@json_option
@pass_app
def anchor(app: AppContext, as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Anchor every record not yet anchored as one batch (signed by the platform admin)."""
    from ..oversight import Anchoring

    ov = _oversight(app)
    account = signer(as_, keystore)
    batch = Anchoring(ov.store, app.ledger, lambda: account, ov.anchoring.lock).anchor_pending()
    emit(as_json, batch, lambda: "nothing waits to be anchored" if batch is None else
         f"batch {batch.number}: {len(batch.leaves)} records under root {batch.root} (transaction {batch.tx_hash})")


@oversight.command()
@click.argument("record_id")
@json_option
@pass_app
def proof(app: AppContext, record_id: str, as_json: bool) -> None:
    """Prove RECORD_ID against its root, and the root against the chain; exit 1 if either fails."""
    from ..integrations.migration.anchor import Anchors

    p = _oversight(app).anchoring.proof(record_id)
    on_chain = Anchors(app.ledger).anchor_of(bytes.fromhex(p.root[2:]))
    ok = p.verify() and on_chain is not None
    emit(as_json, {**p.to_dict(), "verified": ok}, lambda: (
        f"record {p.record_id}: {'proven' if ok else 'NOT PROVEN'}; {len(p.path)} sibling hashes lead to root "
        f"{p.root}, anchored on chain: {'yes' if on_chain else 'NO'} (transaction {p.tx_hash})"))
    if not ok:
        raise SystemExit(1)


@oversight.command()
@click.option("--since", type=int, default=0, show_default=True, help="Changes after this block.")
@pass_app
def changes(app: AppContext, since: int) -> None:
    """What changed after block SINCE: ledger events and anchored oversight records (public fields), as JSON."""
    import json

    from ..oversight.publication import changes_since

    click.echo(json.dumps(changes_since(_oversight(app), since), indent=1, ensure_ascii=False))


@oversight.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Directory to write.")
@pass_app
def bulk(app: AppContext, out: Path) -> None:
    """Write everything public (OCDS, contracts.csv, oversight.csv) and SHA256SUMS to OUT."""
    from ..oversight.publication import bulk as bulk_files

    out.mkdir(parents=True, exist_ok=True)
    for f in bulk_files(_oversight(app)):
        (out / f.name).write_bytes(f.data)
        click.echo(f"{f.sha256}  {out / f.name}")


@oversight.command()
@json_option
@pass_app
def escalated(app: AppContext, as_json: bool) -> None:
    """Reports escalated to the auditors: unanswered too long, or the answer rated badly."""
    from ..oversight import feedback

    found = feedback.escalated(_oversight(app))
    emit(as_json, [{"id": t.feedback.id, "ocid": t.feedback.ocid, "why": t.escalation} for t in found],
         lambda: "\n".join(f"{t.feedback.ocid} {t.feedback.id}: {t.escalation}" for t in found) or "none")
