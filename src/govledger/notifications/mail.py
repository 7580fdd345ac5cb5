"""Email over SMTP (smtplib): host, port, TLS and sender from configuration. Each notification is mailed
at most once: it is claimed (`pending` -> `sending`) in its own transaction before the message goes out,
and marked `sent` after; a crash in between leaves it `sending`, never sent again (its Message-ID is
derived from its id, so a receiving server can drop a copy too)."""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import Engine, select, update

from ..errors import GovLedgerValueError
from . import schema
from .store import KINDS


class MailConfigError(GovLedgerValueError):
    """An SMTP setting that cannot work."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    tls: str = "none"  # none | starttls | ssl
    sender: str = "govledger@localhost"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    base_url: str = "http://localhost:8000"  # links in the messages

    def __post_init__(self) -> None:
        if self.tls not in ("none", "starttls", "ssl"):
            raise MailConfigError(f"SMTP tls must be none, starttls or ssl, not {self.tls!r}")
        if not 0 < int(self.port) < 65536:
            raise MailConfigError(f"SMTP port must be 1..65535, not {self.port}")
        if "@" not in self.sender:
            raise MailConfigError(f"SMTP sender must be an email address, not {self.sender!r}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings | None:
        """GOVLEDGER_SMTP_HOST (none: no email), _PORT, _TLS, _FROM, _USER, _PASSWORD, GOVLEDGER_BASE_URL."""
        env = dict(os.environ if env is None else env)
        host = env.get("GOVLEDGER_SMTP_HOST")
        if not host:
            return None
        port = env.get("GOVLEDGER_SMTP_PORT", "25")
        if not port.isdigit():
            raise MailConfigError(f"GOVLEDGER_SMTP_PORT must be a number, not {port!r}")
        return cls(host=host, port=int(port), tls=env.get("GOVLEDGER_SMTP_TLS", "none"),
                   sender=env.get("GOVLEDGER_SMTP_FROM", "govledger@localhost"),
                   username=env.get("GOVLEDGER_SMTP_USER"), password=env.get("GOVLEDGER_SMTP_PASSWORD"),
                   base_url=env.get("GOVLEDGER_BASE_URL", "http://localhost:8000"))


Translate = Callable[[str], str]


def _message(settings: SmtpSettings, to: str, row: object, translate: Translate) -> EmailMessage:
    kind, params = row.kind, __import__("json").loads(row.params)  # type: ignore[attr-defined]
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = translate(KINDS[kind]) + (f": {params['ocid']}" if params.get("ocid") else "")
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = f"<notification-{row.id}@govledger>"  # type: ignore[attr-defined]
    details = "\n".join(f"{k}: {v}" for k, v in sorted(params.items()))
    msg.set_content(f"{translate(KINDS[kind])}\n\n{details}\n\n{settings.base_url}{row.link}\n")  # type: ignore[attr-defined]
    return msg


def send_pending(engine: Engine, settings: SmtpSettings, translate: Translate = lambda s: s) -> int:
    """Mail every notification waiting for email over one SMTP connection; returns how many were sent.
    A refused recipient marks that one `failed`; an unreachable server leaves the rest pending."""
    n, p = schema.notifications.c, schema.people.c
    with engine.connect() as conn:
        waiting = conn.execute(select(schema.notifications, p.email).join_from(
            schema.notifications, schema.people, n.subject == p.subject)
            .where(n.email_state == "pending").order_by(n.id)).all()
    if not waiting:
        return 0
    sent = 0
    with _connect(settings) as smtp:
        for row in waiting:
            with engine.begin() as conn:  # claim it: only one sender ever gets it
                claimed = conn.execute(update(schema.notifications).where(
                    n.id == row.id, n.email_state == "pending").values(email_state="sending")).rowcount
            if not claimed:
                continue
            try:
                smtp.send_message(_message(settings, row.email, row, translate))
                state = "sent"
            except smtplib.SMTPRecipientsRefused:
                state = "failed"
            with engine.begin() as conn:
                conn.execute(update(schema.notifications).where(n.id == row.id).values(
                    email_state=state, emailed_at=int(time.time())))
            sent += state == "sent"
    return sent


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password or "")
    return smtp
