"""`govledger ocds import|export|sync`: procurement data in and out (OCDS 1.1.5), through the App."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click

from ..errors import GovLedgerValueError
from ..integrations.ocds import export as ocds_export
from ..integrations.ocds.config import MappingConfig
from ..integrations.ocds.importer import OcdsImporter
from ..integrations.ocds.journal import Journal
from ..integrations.ocds.sources import read_all
from ..integrations.ocds.sync import Checkpoint, OcdsSync
from ._context import AppContext, emit, json_option, pass_app

MAPPING_FILE = "ocds-mapping.toml"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")


def parse_duration(text: str) -> float:
    """Seconds in `90`, `90s`, `10m`, `1h`, `1d`."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or float(match.group(1)) <= 0:
        raise GovLedgerValueError(f"--every {text!r} is not a duration such as 30s, 10m or 1h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def _mapping(app: AppContext, path: Path | None) -> MappingConfig:
    return MappingConfig.load(path if path is not None else app.data_dir / MAPPING_FILE)


def mapping_option(func):  # type: ignore[no-untyped-def]
    return click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), envvar="GOVLEDGER_OCDS_MAPPING",
                        help=f"Buyers -> agencies, suppliers -> accounts, inspectors (default: DATA_DIR/{MAPPING_FILE}; "
                             "see docs/ocds-mapping.md).")(func)


@click.group()
def ocds() -> None:
    """Procurement data in and out (OCDS 1.1.5): import, export, sync."""


@ocds.command("import")
@click.argument("targets", nargs=-1, required=True, metavar="FILE|DIR|URL...")
@mapping_option
@click.option("--dry-run", is_flag=True, help="Validate, merge and map; report what would change, change nothing.")
@click.option("--lenient", is_flag=True, help="Import records with schema errors in fields the ledger does not take "
                                              "(each reported as a warning); the mapped fields are still checked.")
@json_option
@pass_app
@click.pass_context
def import_cmd(ctx: click.Context, app: AppContext, targets: tuple[str, ...], mapping: Path | None, dry_run: bool,
               lenient: bool, as_json: bool) -> None:
    """Import OCDS release packages, record packages, releases, arrays or JSON Lines.

    Each record is registered whole or not at all; a bad one is named with its file, JSON path and reason
    and the others still go in. Exit 0 when nothing was refused, 1 otherwise."""
    config = _mapping(app, mapping)
    journal = Journal.for_data_dir(app.data_dir)
    try:
        report = OcdsImporter(app.app, config, journal, dry_run=dry_run, lenient=lenient).run(read_all(targets))
    finally:
        journal.close()
    emit(as_json, report.to_dict(), lambda: "\n".join(report.lines()))
    if report.counts.get("refused") or report.refused_items:
        ctx.exit(1)


@ocds.command("survey")
@click.argument("targets", nargs=-1, required=True, metavar="FILE|DIR|URL...")
def survey_cmd(targets: tuple[str, ...]) -> None:
    """Survey a publisher's data: buyers, suppliers, currencies, and a mapping-file skeleton to fill in."""
    from ..integrations.ocds.survey import survey

    click.echo(survey(read_all(targets)).skeleton(), nl=False)


@ocds.command("export")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.option("--records", is_flag=True, help="A record package (compiled releases) instead of a release package.")
@pass_app
def export_cmd(app: AppContext, out: Path, records: bool) -> None:
    """Export the ledger as an OCDS 1.1.5 release (or record) package, validated before it is written."""
    app.app.sync()
    journal = Journal.existing(app.data_dir)
    try:
        build = ocds_export.record_package if records else ocds_export.release_package
        package = build(app.app, journal)
    finally:
        journal.close()
    problems = ocds_export.validation_errors(package)
    if problems:
        path, reason = problems[0]
        raise GovLedgerValueError(f"the export breaks the OCDS 1.1.5 schema at {path}: {reason} "
                                  f"({len(problems)} error(s)); nothing written")
    ocds_export.write_atomically(out, package)
    n = len(package.get("records") or package.get("releases") or [])
    click.echo(f"{n} {'records' if records else 'releases'} written to {out}, valid against OCDS 1.1.5")


@ocds.command("sync")
@click.option("--source", required=True, help="URL of the paged OCDS release-package API (follows links.next).")
@click.option("--every", default="10m", show_default=True, help="How often to poll: 30s, 10m, 1h.")
@click.option("--once", is_flag=True, help="One round, then exit.")
@click.option("--publish", type=click.Path(path_type=Path, file_okay=False),
              help="Also write the export packages to this folder after every sync that changed the ledger.")
@click.option("--retries", type=click.IntRange(min=1), default=4, show_default=True)
@mapping_option
@pass_app
def sync_cmd(app: AppContext, source: str, every: str, once: bool, publish: Path | None, retries: int,
             mapping: Path | None) -> None:
    """Poll a procurement system's OCDS endpoint and import what is new, with a checkpoint and retries."""
    if not source.startswith(("http://", "https://")):
        raise GovLedgerValueError(f"--source {source!r} is not an http(s) URL")
    interval = parse_duration(every)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = _mapping(app, mapping)
    journal = Journal.for_data_dir(app.data_dir)
    publisher = ocds_export.Publisher(app.app, journal, publish) if publish is not None else None
    try:
        sync = OcdsSync(OcdsImporter(app.app, config, journal), source,
                        Checkpoint(app.data_dir / "ocds-sync-checkpoint.json"), retries=retries)
        if once:
            run = sync.run_once()
            click.echo(f"{run.pages} page(s): " + (", ".join(f"{n} {a}" for a, n in sorted(run.counts().items()))
                                                   or "nothing new"))
        else:
            sync.forever(interval)
    finally:
        if publisher is not None:
            publisher.close()
        journal.close()
