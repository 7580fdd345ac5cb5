"""What the oversight pages share: the App's Oversight (anchoring under the server's write lock), the person as
oversight knows them, and oversight refusals shown as pages with the right status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ...oversight import (
    Actor,
    NotAllowed,
    OversightError,
    OversightSettings,
    RateLimited,
    UnknownContract,
    UnknownRecord,
    of_app,
)
from ...oversight.service import Oversight
from ..guards import PageRefused
from ..sessions import WebUser

T = TypeVar("T")


def oversight_of(request: Request) -> Oversight:
    """The server App's oversight; made on first use, when it also starts telling auditors of escalations."""
    state = request.app.state.server
    fresh = getattr(state.app, "_oversight", None) is None
    ov = of_app(state.app, lock=state.write_lock, settings=OversightSettings.from_env())
    if fresh:
        from ...oversight.escalation import notify_after_each_sync

        notify_after_each_sync(ov)
    return ov


def actor_of(user: WebUser | None) -> Actor | None:
    if user is None:
        return None
    return Actor(user.subject, tuple(user.roles), user.agency, user.address)


def status_of(exc: OversightError) -> int:
    if isinstance(exc, (UnknownRecord, UnknownContract)):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    return 422


async def run(request: Request, work: Callable[[Oversight], T]) -> T:
    """`work(oversight)` in a thread; an oversight refusal becomes an error page saying why."""
    ov = oversight_of(request)
    try:
        return await run_in_threadpool(work, ov)
    except OversightError as exc:
        raise PageRefused(status_of(exc), str(exc)) from None


def rupiah_to_sen(request: Request, value: str) -> int:
    """An amount typed in the page's language as sen; '' -> 0."""
    from ..i18n import language_of, parse_rupiah

    return parse_rupiah(value, language_of(request)) if value.strip() else 0


def number(value: str, default: Any = None) -> Any:
    try:
        return int(value) if value.strip() else default
    except ValueError:
        return default
