"""`govledger privacy` (a person's data: export, erasure, retention, the access log) and `govledger backup`
(encrypted backups of the data directory, and their restore)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import click

from ..compliance.access_log import AccessLog, operator
from ..compliance.backup import (
    create_backup,
    load_backup_key,
    restore_backup,
    rotate,
    scheduled_name,
)
from ..compliance.erasure import erase_person, reapply_erasures
from ..compliance.export import export_person, resolve
from ..compliance.locations import PersonalData
from ..compliance.retention import run_retention
from ..compliance.store import PrivacyStore
from ._context import AppContext, emit, json_option, pass_app

db_option = click.option("--db", "db_url", envvar="GOVLEDGER_DB",
                         help="The read model's SQLAlchemy URL (default: DATA_DIR/readmodel.sqlite).")


@click.group()
def privacy() -> None:
    """Personal data (UU 27/2022): export on request, erasure, retention, the access log."""


@privacy.command()
@click.argument("person")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the export here (default: stdout).")
@click.option("--purpose", default="subject access request", show_default=True, help="Why it is read (logged).")
@db_option
@pass_app
def export(app: AppContext, person: str, out: Path | None, purpose: str, db_url: str | None) -> None:
    """Everything held about PERSON (a person id `issuer#subject`, or a subject), as JSON."""
    with PersonalData(app.data_dir, db_url) as stores:
        document = export_person(stores, resolve(stores, person), reader=operator(), purpose=purpose)
    text = json.dumps(document, indent=2, default=str)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        out.chmod(0o600)
        click.echo(f"personal data of {document['person']} written to {out}")


@privacy.command()
@click.argument("person")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Erase although the person still holds roles on chain.")
@db_option
@json_option
@pass_app
def erase(app: AppContext, person: str, yes: bool, force: bool, db_url: str | None, as_json: bool) -> None:
    """Erase PERSON's off-chain data; the chain and its evidence stay as they are."""
    with PersonalData(app.data_dir, db_url) as stores:
        who = resolve(stores, person)
        if not yes:
            click.confirm(f"Erase every off-chain record of {who}? This cannot be undone", abort=True)
        report = erase_person(stores, who, force=force)
    emit(as_json, asdict(report), lambda: f"erased {who}: {report.summary()}; now known as {report.pseudonym}")


@privacy.command("reapply-erasures")
@click.argument("register", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@db_option
@pass_app
def reapply_erasures_command(app: AppContext, register: Path, db_url: str | None) -> None:
    """After restoring a backup: erase again everyone erased in REGISTER (a copy of privacy.sqlite taken
    before the restore)."""
    with PersonalData(app.data_dir, db_url) as stores, PrivacyStore(register) as erased:
        count = reapply_erasures(stores, erased)
    click.echo(f"{count} people erased again")


@privacy.command()
@click.option("--run", is_flag=True, help="Remove what is past its period (default: only count it).")
@db_option
@json_option
@pass_app
def retention(app: AppContext, run: bool, db_url: str | None, as_json: bool) -> None:
    """Enforce the retention period of each kind of personal record (schedule it daily with --run)."""
    with PersonalData(app.data_dir, db_url) as stores:
        done = run_retention(stores, run=run)
    verb = "removed or trimmed" if run else "past their period (dry run; --run removes them)"
    emit(as_json, done, lambda: "\n".join(f"{kind:22} {count:>8} {verb}" for kind, count in done.items()))


@privacy.command("access-log")
@click.option("--person", help="Only the reads of this person's data.")
@click.option("--verify", is_flag=True, help="Check that no line was removed or altered.")
@json_option
@pass_app
def access_log(app: AppContext, person: str | None, verify: bool, as_json: bool) -> None:
    """Who read whose personal data, when, and why."""
    with PersonalData(app.data_dir) as stores:
        log = AccessLog(stores.privacy)
        if verify:
            count = log.verify()
            emit(as_json, {"lines": count, "intact": True}, lambda: f"access log intact: {count} lines")
            return
        entries = log.entries(resolve(stores, person) if person else None)
    emit(as_json, [asdict(e) for e in entries], lambda: "\n".join(
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(e.at))}  {e.reader}  read {e.what} of {e.subject}  ({e.purpose})"
        for e in entries) or "no reads of personal data recorded")


@click.group()
def backup() -> None:
    """Encrypted backups of the data directory (AES-256-GCM; key in $GOVLEDGER_BACKUP_KEY or --key-file)."""


key_option = click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False),
                          help="The backup key file (default: $GOVLEDGER_BACKUP_KEY).")


@backup.command()
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The backup file, or a directory to add a dated backup to (the scheduled form).")
@click.option("--keep", type=click.IntRange(min=0), default=0, help="With a directory: keep only the newest N backups.")
@key_option
@pass_app
def create(app: AppContext, out: Path, keep: int, key_file: Path | None) -> None:
    """Back up the data directory, consistently even while the server runs."""
    secret = load_backup_key(key_file)
    target = out / scheduled_name() if out.is_dir() else out
    manifest = create_backup(app.data_dir, target, secret)
    deleted = rotate(out, keep) if out.is_dir() and keep else []
    click.echo(f"backup of {app.data_dir} ({len(manifest['files'])} files) written to {target}"  # type: ignore[arg-type]
               + (f"; {len(deleted)} older backups deleted" if deleted else ""))


@backup.command()
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--into", "target", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="A new (or empty) directory to restore into.")
@key_option
def restore(archive: Path, target: Path, key_file: Path | None) -> None:
    """Restore ARCHIVE into a new directory; then `govledger --data-dir DIR audit check`."""
    manifest = restore_backup(archive, target, load_backup_key(key_file))
    click.echo(f"restored {len(manifest['files'])} files into {target}")  # type: ignore[arg-type]
