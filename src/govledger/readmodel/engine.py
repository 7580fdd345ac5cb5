"""Opening the read model's database: SQLite in the data directory by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text

from ..errors import GovLedgerValueError

from . import schema

DB_FILE = "readmodel.sqlite"


def default_url(data_dir: Path | str) -> str:
    return f"sqlite:///{Path(data_dir) / DB_FILE}"


def open_read_model(url: str | None, data_dir: Path | str | None = None, *, schema_name: str | None = None,
                    create: bool = True) -> Engine:
    """An engine on `url` (default: ``sqlite:///<data_dir>/readmodel.sqlite``), with the tables created.

    `schema_name` (PostgreSQL) keeps the tables in that schema, created if missing: several read models
    (or test runs) can share one database.
    """
    if url is None:
        if data_dir is None:
            raise GovLedgerValueError("give a database URL or a data directory")
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        url = default_url(data_dir)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if schema_name is not None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema_name):
            raise GovLedgerValueError(f"not a plain schema name: {schema_name!r}")
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"'))
        engine = engine.execution_options(schema_translate_map={None: schema_name})
    if create:
        create_read_model(engine)
    return engine


def open_read_only(data_dir: Path | str) -> Engine:
    """The SQLite read model of `data_dir`, opened without writing anything (a read-only directory or
    mount: no tables created, no WAL index); NotFoundError when there is none."""
    from sqlalchemy.pool import NullPool

    from ..chain.head import connect_read_only
    from ..errors import NotFoundError

    path = Path(data_dir) / DB_FILE
    if not path.is_file():
        raise NotFoundError(f"no read model at {path}, and {data_dir} is read-only: run `govledger audit replay` "
                            "where it can be written")
    return create_engine("sqlite://", creator=lambda: connect_read_only(path), poolclass=NullPool)


def create_read_model(engine: Engine) -> None:
    """Create the read model's tables that are missing, and add the columns and indexes that a read model
    written by an older version lacks (the projections are then recomputed from the stored events)."""
    schema.metadata.create_all(engine)
    added = _add_missing_columns(engine)
    _add_missing_indexes(engine)
    if added & {t.name for t in schema.PROJECTIONS}:
        from .projections import rebuild

        with engine.begin() as conn:
            rebuild(conn)


def _add_missing_columns(engine: Engine) -> set[str]:
    """ALTER TABLE ... ADD COLUMN for each nullable column missing from an existing table; the tables changed."""
    schema_name = engine.get_execution_options().get("schema_translate_map", {}).get(None)
    changed = set()
    with engine.begin() as conn:
        inspector = inspect(conn)
        for table in schema.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name, schema=schema_name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(dialect=conn.dialect)
                    conn.execute(text(f'ALTER TABLE {_quoted(table.name, schema_name)} ADD COLUMN "{column.name}" {kind}'))
                    changed.add(table.name)
    return changed


def _add_missing_indexes(engine: Engine) -> None:
    """Indexes added by a later version to tables that already exist (create_all makes them only with a table)."""
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            for index in table.indexes:
                index.create(conn, checkfirst=True)


def _quoted(table: str, schema_name: str | None) -> str:
    return f'"{schema_name}"."{table}"' if schema_name else f'"{table}"'


def drop_read_model(engine: Engine) -> None:
    """Drop the tables the indexer derives from the chain (for `audit replay --fresh`). Other tables in
    the metadata (say, findings filed by auditors, which the chain cannot give back) are left alone."""
    schema.metadata.drop_all(engine, tables=list(schema.DERIVED_TABLES))


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (dashboards) do not block the indexer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed checkpoint survives power loss
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
