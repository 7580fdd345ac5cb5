"""`govledger serve`: one process holds the ledger and serves the JSON API, /rpc and operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._context import AppContext, pass_app

IDENTITY_FILE = "identity.toml"  # the identity configuration's default place in the data directory


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="GOVLEDGER_HOST", help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), envvar="GOVLEDGER_PORT",
              help="Port to listen on (0: any free port; the chosen one is written to DATA_DIR/server.json).")
@click.option("--db", "db_url", envvar="GOVLEDGER_READMODEL_URL", metavar="URL",
              help="SQLAlchemy URL of the read model (default: sqlite:///DATA_DIR/readmodel.sqlite).")
@click.option("--identity", "identity_config", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              envvar="GOVLEDGER_IDENTITY_CONFIG",
              help="Identity configuration (OIDC provider, claims to roles, custody; default DATA_DIR/identity.toml "
                   "when it exists). Without one the server uses the DEVELOPMENT sign-in "
                   "('Bearer dev:<demo account>'), which --production refuses.")
@click.option("--production", is_flag=True, envvar="GOVLEDGER_PRODUCTION",
              help="Refuse the development identity provider and other demo conveniences.")
@click.option("--max-body-bytes", default=1_000_000, show_default=True, type=click.IntRange(1024),
              help="Refuse request bodies above this size (413); the API's JSON and every page form without files.")
@click.option("--max-upload-bytes", default=12_000_000, show_default=True, type=click.IntRange(65_536),
              help="Refuse a page's form with documents above this size (413 page); each document may have this "
                   "less 64 kB.")
@click.option("--writes-per-minute", default=120, show_default=True, type=click.IntRange(1),
              help="Writes allowed per person per minute (429 beyond).")
@click.option("--index/--no-index", default=True, show_default=True,
              help="Index the chain into the read model here. Behind a load balancer one process indexes; "
                   "the others pass --no-index and wait for it after each write.")
@click.option("--rpc/--no-rpc", "rpc_enabled", default=True, show_default=True,
              help="Answer Ethereum JSON-RPC at /rpc (the CLI, the SDK and ape reach the chain through it).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@pass_app
def serve(app_ctx: AppContext, host: str, port: int, db_url: str | None, identity_config: Path | None,
          production: bool, max_body_bytes: int, max_upload_bytes: int, writes_per_minute: int, index: bool, rpc_enabled: bool,
          log_level: str) -> None:
    """Serve the JSON API (/api/v1, spec at /openapi.json), Ethereum JSON-RPC (/rpc) and /healthz,
    /readyz, /metrics. Holds the embedded chain of DATA_DIR (or uses --rpc-url) and keeps the read
    model in sync; CLI commands on DATA_DIR go through this server while it runs."""
    from ..app import App
    from ..server import ServerSettings
    from ..server.runner import serve as run

    if identity_config is None and (app_ctx.data_dir / IDENTITY_FILE).is_file():
        identity_config = app_ctx.data_dir / IDENTITY_FILE
    app = App.open(app_ctx.data_dir, rpc_url=app_ctx.rpc_url, manifest=app_ctx.manifest, db_url=db_url,
                   gas_price=app_ctx.gas_price)
    try:
        authenticator, app.signer = identity_for(identity_config, app_ctx, app)
        settings = ServerSettings(production=production or not authenticator.development,
                                  max_body_bytes=max_body_bytes, max_upload_bytes=max_upload_bytes,
                                  writes_per_minute=writes_per_minute, index=index,
                                  rpc_enabled=rpc_enabled)
        run(app, host=host, port=port, data_dir=app_ctx.data_dir if app_ctx.rpc_url is None else None,
            settings=settings, authenticator=authenticator, log_level=log_level,
            on_ready=lambda url: click.echo(f"serving {url} (JSON-RPC at {url}/rpc, API docs at {url}/docs)",
                                            err=True))
    finally:
        app.close()


def identity_for(config: Path | None, app_ctx: AppContext, app: Any) -> tuple[Any, Any]:
    """The authenticator and the signer: the identity service's (new accounts funded with gas where the
    chain charges for it, see `identity.funding`), or the development pair."""
    if config is None:
        from ..server import DevelopmentAuthenticator
        from ..signers import DemoSigner

        return DevelopmentAuthenticator(), DemoSigner()
    from ..identity.service import IdentityService
    from ..server.identity_auth import IdentityAuthenticator

    from ..identity.config import IdentityConfig
    from ..identity.funding import gas_funding

    loaded = IdentityConfig.load(config)
    fund = gas_funding(app.ledger, loaded.custody, app_ctx.data_dir, embedded=app_ctx.rpc_url is None,
                       gas_price=app_ctx.gas_price)
    service = IdentityService(loaded, app_ctx.data_dir, on_create=fund)
    return IdentityAuthenticator(service), service.signer
