"""`govledger migrate FILE | verify OCID | report`: existing contracts onto the ledger (integrations.migration)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._context import AppContext, emit, json_option, pass_app, signer, signer_options


class _MigrateGroup(click.Group):
    """`migrate FILE` is short for `migrate run FILE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_MigrateGroup)
def migrate() -> None:
    """Migrate existing contracts (CSV or JSON): validate, anchor, register in batches, compare.

    `govledger migrate FILE` runs it (resumable: run it again after an interruption); `migrate verify
    OCID` proves one source record against its anchored root; `migrate report` shows the last report."""


def _store_root(app: AppContext) -> Path:
    return app.data_dir


@migrate.command("run")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@signer_options
@click.option("--admin-as", default=None, metavar="NAME",
              help="Demo account that deploys the RecordAnchor if this ledger has none yet (the admin).")
@click.option("--batch-size", type=click.IntRange(1, 500), default=50, show_default=True,
              help="Contracts registered per transaction.")
@click.option("--encoding", default=None, help="The file's encoding if it is not UTF-8 (e.g. cp1252).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="The source is OCDS: map it with this mapping file (as `ocds import` does; docs/ocds-mapping.md).")
@click.option("--dry-run", is_flag=True, help="Validate and report only; send nothing.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on stderr (default: when stderr is a terminal).")
@json_option
@pass_app
@click.pass_context
def run_cmd(ctx: click.Context, app: AppContext, source: Path, as_: str | None, keystore: Path | None,
            admin_as: str | None, batch_size: int, encoding: str | None, mapping: Path | None, dry_run: bool,
            progress: bool | None,
            as_json: bool) -> None:
    """Migrate SOURCE; exit 1 if any record was refused or the ledger differs from the source."""
    from ..integrations.migration import Migration, describe
    from ..signers import DemoSigner

    if not source.exists():
        raise click.ClickException(f"{source}: no such file")
    config = None
    if mapping is not None:
        from ..integrations.ocds.config import MappingConfig

        config = MappingConfig.load(mapping)
    official = signer(as_, keystore)
    admin = DemoSigner().account(admin_as) if admin_as else None
    migration = Migration(app.app, official, admin=admin, work_dir=_store_root(app), batch_size=batch_size,
                          encoding=encoding, mapping=config)
    bar: Any = None
    if (sys.stderr.isatty() if progress is None else progress) and not dry_run and not as_json:
        from tqdm import tqdm

        bar = tqdm(unit="contract", desc="registering", file=click.get_text_stream("stderr"))
    try:
        result = migration.run(source, dry_run=dry_run, progress=(lambda done, total: (
            setattr(bar, "total", total), bar.update(done - bar.n))) if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()

    def text() -> str:
        lines = [f"{result.source}: {result.read} contracts read, {len(result.problems)} refused"
                 + (" (dry run: nothing sent)" if dry_run else
                    f"; {result.registered_now} registered now in {result.batches} batches, {result.already} "
                    f"already on the ledger, {result.closed} closed contracts anchored")]
        lines += [f"note: {n}" for n in result.notes]
        lines += [f"REFUSED {p}" for p in result.problems]
        lines += [f"root of {agency}: {root}" for agency, root in result.roots.items()]
        if result.report is not None:
            lines += describe(result.report)
        return "\n".join(lines)

    emit(as_json, result.to_dict(), text)
    if result.problems or (result.report is not None and not result.report.ok):
        ctx.exit(1)


@migrate.command("verify")
@click.argument("ocid", required=False)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the proof (record, Merkle path, root) for a third party.")
@click.option("--proof", "proof_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Check a proof file (from --out) instead of this data directory's migration records.")
@json_option
@pass_app
def verify_cmd(app: AppContext, ocid: str | None, out: Path | None, proof_file: Path | None, as_json: bool) -> None:
    """Prove OCID's source record (or a --proof file) against the Merkle root anchored on chain."""
    import json

    from ..errors import GovLedgerValueError
    from ..integrations.migration import prove, verify_ocid

    if proof_file is not None:
        try:
            given = json.loads(proof_file.read_text(encoding="utf-8"))
            proof = prove(app.ledger, given["record"], list(given["path"]), given["root"], given.get("ocid", ""))
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, GovLedgerValueError):
                raise
            raise GovLedgerValueError(f"{proof_file} is not a proof file (record, path, root): {exc}") from None
        ocid = proof.ocid or "the record"
    elif ocid is None:
        raise GovLedgerValueError("give an OCID or --proof FILE")
    else:
        proof = verify_ocid(app.ledger, _store_root(app), ocid)
    if out is not None:
        out.write_text(json.dumps(proof.to_dict(), indent=1), encoding="utf-8")
    emit(as_json, proof.to_dict(), lambda: (
        f"proven: {ocid}'s source record hashes to leaf {proof.leaf}, whose Merkle path of {len(proof.path)} "
        f"hashes leads to root {proof.root}, anchored on chain by {proof.anchored_by} over {proof.count} records"))


@migrate.command("report")
@json_option
@pass_app
@click.pass_context
def report_cmd(ctx: click.Context, app: AppContext, as_json: bool) -> None:
    """Show the last migration's result and field-by-field report (exit 1 if it found differences)."""
    from ..errors import NotFoundError
    from ..integrations.migration.store import latest_report

    report = latest_report(_store_root(app))
    if report is None:
        raise NotFoundError(f"no migration has run in {app.data_dir}")
    fields = report.get("report") or {}
    emit(as_json, report, lambda: "\n".join(
        [(f"{report['source']}: {report['read']} read, {len(report['problems'])} refused, "
          f"{report['registered_now']} registered, {report['already_registered']} already there, "
          f"{report['closed']} closed anchored"),
         (f"{fields.get('compared', 0)} contracts compared ({fields.get('fields', 0)} fields): "
          f"{fields.get('matching', 0)} match; {len(fields.get('differences', []))} difference(s)")]
        + [f"REFUSED {p['where']}: {p['reason']}" for p in report["problems"]]
        + [f"DIFFERENCE {d['ocid']}: {d['field']}: source {d['source']!r}, ledger {d['ledger']!r}"
           for d in fields.get("differences", [])]))
    if report["problems"] or fields.get("differences"):
        ctx.exit(1)
