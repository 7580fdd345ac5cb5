"""`govledger audit`: replay the chain into the read model (checks, flags and exports join this group)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..readmodel import DEFAULT_MAX_REORG_DEPTH, Indexer, open_read_model
from ..readmodel.engine import create_read_model, default_url, drop_read_model
from ._context import AppContext, emit, json_option, pass_app


@click.group()
def audit() -> None:
    """Replay the ledger into the read model and audit it."""


@audit.command()
@click.option("--db", "db_url", envvar="GOVLEDGER_READMODEL_URL", metavar="URL",
              help="SQLAlchemy URL of the read model (default: sqlite:///DATA_DIR/readmodel.sqlite), "
                   "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/govledger.")
@click.option("--fresh", is_flag=True, help="Drop the read model's tables first and replay from the deploy block.")
@click.option("--confirmations", type=click.IntRange(min=0), default=0, show_default=True,
              help="Leave the newest N blocks unindexed until they are final (RPC networks).")
@click.option("--batch-blocks", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Blocks fetched and committed per database transaction.")
@click.option("--max-reorg-depth", type=click.IntRange(min=0), default=DEFAULT_MAX_REORG_DEPTH, show_default=True,
              help="The deepest reorg rolled back without asking; a deeper one is refused with the rows kept.")
@click.option("--allow-deep-reorg", is_flag=True,
              help="Roll back a reorg deeper than --max-reorg-depth (deletes the orphaned blocks' rows).")
@json_option
@pass_app
def replay(app: AppContext, db_url: str | None, fresh: bool, confirmations: int, batch_blocks: int,
           max_reorg_depth: int, allow_deep_reorg: bool, as_json: bool) -> None:
    """Index every event from the deploy block (or the last checkpoint) into the read model.

    A reorg is rolled back (up to --max-reorg-depth blocks); another chain (genesis), a chain shorter than
    the read model, or a deeper reorg is refused and every row kept.
    """
    ledger = app.ledger
    engine = open_read_model(db_url, app.data_dir)
    try:
        if fresh:
            drop_read_model(engine)
            create_read_model(engine)
        indexer = Indexer.for_ledger(ledger, engine, confirmations=confirmations, batch_blocks=batch_blocks,
                                     max_reorg_depth=max_reorg_depth, allow_deep_reorg=allow_deep_reorg)
        bar: Any = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=max(total, 1), label="replaying blocks", file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)

        try:
            result = indexer.sync(progress=None if as_json else progress)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        url = db_url or default_url(app.data_dir)
        data = {"database": engine.url.render_as_string(hide_password=True) if db_url else url,
                "events": result.events, "blocks": result.blocks, "from_block": result.from_block,
                "to_block": result.to_block, "seconds": round(result.seconds, 3),
                "events_per_second": round(result.events_per_second, 1), "reorged_blocks": result.reorged_blocks}
        emit(as_json, data, lambda: (
            (f"reorg: rolled back {result.reorged_blocks} blocks and re-indexed\n" if result.reorged_blocks else "")
            + f"{result.events} events from {result.blocks} blocks ({result.from_block}..{result.to_block}) "
              f"in {result.seconds:.2f} s: {result.events_per_second:.0f} events/s -> {data['database']}"))
    finally:
        engine.dispose()
