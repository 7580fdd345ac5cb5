"""`govledger identity`: the people the server signs for, and their roles on chain against the provider's."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from ..compliance.access_log import operator, record_access
from ..identity.config import IdentityConfig
from ..identity.directory import PersonDirectory
from ..identity.sync import LastSeenSource, ProviderSource, RosterSource, sync_roles
from ._context import AppContext, emit, json_option, pass_app, signer, signer_options

CONFIG_ENV = "GOVLEDGER_IDENTITY_CONFIG"


def config_option(func):  # type: ignore[no-untyped-def]
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), envvar=CONFIG_ENV,
                        help=f"Identity configuration (TOML; default DATA_DIR/identity.toml, or ${CONFIG_ENV}).")(func)


def _config(app: AppContext, path: Path | None) -> IdentityConfig:
    return IdentityConfig.load(path or app.data_dir / "identity.toml")


@click.group()
def identity() -> None:
    """Sign-in through the identity provider: people, custodial accounts, roles on chain."""


@identity.command()
@config_option
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False),
              help="The provider's export of people and claims (JSON); absent people lose their roles.")
@click.option("--from-provider", is_flag=True, help="Ask the provider about each person (kept refresh tokens, userinfo).")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@signer_options
@json_option
@pass_app
def sync(app: AppContext, config_path: Path | None, roster: Path | None, from_provider: bool, dry_run: bool,
         as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Revoke on chain the roles the provider took away (and grant what it added, if sync.grant = true).

    Without --roster or --from-provider, the roles each person's token carried at their latest sign-in
    are used. Signed by the platform admin (--as / --keystore).
    """
    if roster is not None and from_provider:
        raise click.UsageError("give --roster or --from-provider, not both")
    config = _config(app, config_path)
    directory = PersonDirectory(config.custody.directory_path(app.data_dir))
    if roster is not None:
        source = RosterSource.load(config, roster)
    elif from_provider:
        source = _provider_source(config, app.data_dir)
    else:
        source = LastSeenSource()
    admin = signer(as_, keystore)
    report = sync_roles(app.ledger, admin, directory, source, grant_added=config.sync_grants, dry_run=dry_run,
                        on_action=None if as_json else lambda a: click.echo(a.line()))
    emit(as_json, {"people": report.people, "changed": report.changed, "failed": report.failed,
                   "actions": report.actions},
         lambda: f"{report.people} people checked against the {source.name}, {report.changed} roles changed on chain"
                 + (f", {report.failed} failed" if report.failed else "") + (" (dry run: nothing changed)" if dry_run else ""))
    if report.failed:
        raise SystemExit(1)


def _provider_source(config: IdentityConfig, data_dir: Path) -> ProviderSource:
    from ..identity.custody import CustodialSigner
    from ..identity.tokens import TokenValidator

    return ProviderSource(config, TokenValidator(config.provider), CustodialSigner.from_config(config.custody, data_dir),
                          config.provider.secret(os.environ))


@identity.command()
@config_option
@json_option
@pass_app
def people(app: AppContext, config_path: Path | None, as_json: bool) -> None:
    """The people the server holds keys for: their account, roles as last seen, grants made by sync."""
    config = _config(app, config_path)
    known = PersonDirectory(config.custody.directory_path(app.data_dir)).people().values()
    rows = [{"person": p.person, "name": p.name, "address": p.address, "roles": list(p.roles), "agency": p.agency,
             "granted": list(p.granted), "last_seen": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(p.last_seen_at))}
            for p in known]
    record_access(app.data_dir, operator(), (r["person"] for r in rows), "directory entry", "identity people")
    emit(as_json, rows, lambda: "\n".join(
        f"{r['person']}  {r['address']}  roles: {', '.join(r['roles']) or '-'}"
        + (f"  agency: {r['agency']}" if r["agency"] else "") + f"  last seen {r['last_seen']}" for r in rows)
        or "nobody has signed in yet")


@identity.command()
@config_option
@click.option("--new-key-env", required=True, metavar="VAR", help="Environment variable holding the new server key.")
@pass_app
def rekey(app: AppContext, config_path: Path | None, new_key_env: str) -> None:
    """Re-encrypt every custodial key under a new server key (the old one as configured). Resumable.

    Stop the server first; start it again with the new key in place of the old.
    """
    from ..identity.custody import CustodialSigner, load_server_key

    config = _config(app, config_path)
    custody = CustodialSigner.from_config(config.custody, app.data_dir)
    new_key = load_server_key(replace(config.custody, server_key_env=new_key_env, server_key_file=None))
    done, already = custody.rekey(new_key)
    click.echo(f"{done} custodial keys re-encrypted, {already} already under the new key; "
               f"now give the server the new key (${config.custody.server_key_env} or custody.server_key_file)")


@identity.command("check-token")
@config_option
@click.argument("token")
@pass_app
def check_token(app: AppContext, config_path: Path | None, token: str) -> None:
    """Check a token as the server would and show who it names and the roles it maps to."""
    from ..identity.tokens import TokenValidator

    config = _config(app, config_path)
    verified = TokenValidator(config.provider).validate(token)
    entitlements = config.entitlements(verified.claims)
    click.echo(json.dumps({"person": verified.person, "roles": sorted(entitlements.roles), "agency": entitlements.agency,
                           "expires_at": verified.expires_at}, indent=2))


@identity.command("dev-provider")
@config_option
@click.option("--port", type=int, help="Port on 127.0.0.1 (default: the issuer's port in the config).")
@click.option("--user", "users", multiple=True, metavar="JSON",
              help='A person and their claims, e.g. \'{"sub": "ppk1", "groups": ["govledger-ppk"], "agency": "DEMO"}\' '
                   "(default: the demo people).")
@pass_app
def dev_provider(app: AppContext, config_path: Path | None, port: int | None, users: tuple[str, ...]) -> None:
    """DEVELOPMENT ONLY: run the development identity provider until interrupted (refused in production)."""
    from urllib.parse import urlparse

    from ..identity.devprovider import BANNER, DEMO_PEOPLE, start_development_provider

    config = _config(app, config_path)
    try:
        people = [json.loads(u) for u in users]
    except ValueError as exc:
        raise click.BadParameter(f"--user must be JSON: {exc}") from None
    provider = start_development_provider(config, people or DEMO_PEOPLE, port=port or urlparse(config.provider.issuer).port)
    click.echo(f"{BANNER}\nissuer {provider.issuer} (Ctrl-C stops it)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the provider process on TERM too
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()
