"""Wiring of tracking, notifications and support into the server: their tables, the notifier subscribed to
the App's syncs (email after each when GOVLEDGER_SMTP_HOST is set), and who is who for the inboxes (each
person at sign-in; the demo people up front under the development sign-in)."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request

from ...accounts import DEMO_ADDRESSES, DEMO_ROLES
from ...notifications import Notifier, Person, SmtpSettings, remember, send_pending
from ...pilot import PILOT_AGENCY
from ...server.auth import DevelopmentAuthenticator, demo_role
from ...support import create_tables
from .. import i18n
from ..sessions import WebUser

log = logging.getLogger(__name__)


def setup(api: Any) -> None:
    app = api.state.server.app
    create_tables(app.engine)
    notifier = Notifier(app)
    smtp = SmtpSettings.from_env()

    def after_sync(result: Any) -> None:
        try:
            notifier(result)
            if smtp is not None:
                send_pending(app.engine, smtp, lambda m: i18n.gettext(i18n.DEFAULT_LANGUAGE, m))
        except Exception:  # an inbox or a mail server must never stop the ledger's sync
            log.exception("notifications after sync failed")

    app.subscribe(after_sync)
    # The demo people of the development sign-in (an OIDC provider in development mode has its own people).
    if isinstance(api.state.authenticator, DevelopmentAuthenticator):
        for name in DEMO_ROLES:
            role = demo_role(name)
            remember(app.engine, Person(f"dev:{name}", name, DEMO_ADDRESSES.get(name), (role,),
                                        PILOT_AGENCY if role == "official" else None))


def remember_user(request: Request, user: WebUser) -> None:
    """Called at sign-in: the inboxes know the person's account, roles and agency."""
    remember(request.app.state.server.app.engine,
             Person(user.subject, user.name, user.address, tuple(user.roles), user.agency))


def engine_of(request: Request) -> Any:
    return request.app.state.server.app.engine
