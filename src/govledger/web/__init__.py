"""The web pages: server-rendered (Jinja2, a little htmx shipped in `static/`), Bahasa Indonesia by default and
English at a click, one router per role or concern, over the server's application object.

`install(api)` mounts the pages, the static files and the error page into the server's FastAPI app. Later parts
add a router module and register their menu entries (`govledger.web.nav.register`); templates extend
`base.html` and fill its blocks (`content`, `aside`, `head`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from .context import WebState, render
from .guards import PageRefused
from .routes import desk

STATIC = Path(__file__).parent / "static"
FORM_OVERHEAD = 64_000  # bytes of a multipart form besides its file


def routers() -> list[Any]:
    from .routes import admin, arbiter, auditor, contract, contractor, inspector, official, public, signin
    from .routes import inbox, portal, support, tracking  # tracking, portal, notifications, support desk
    from .routes import oversight  # feedback, complaints, monitoring, profiles, publication

    return [m.router for m in (signin, public, contract, official, contractor, inspector, arbiter, auditor, admin,
                               portal, tracking, inbox, support, oversight)]


def install(api: FastAPI, documents_dir: Path | None = None) -> None:
    app = api.state.server.app
    # A document fits in one upload under the server's limit for page forms, with room for the form around it.
    max_document = max(api.state.server.settings.max_upload_bytes - FORM_OVERHEAD, 1024)
    api.state.web = WebState(getattr(app, "data_dir", None), documents_dir, max_document)
    desk.setup(api)  # notifications and support tables, the notifier on the App's syncs
    for router in routers():
        api.include_router(router)
    api.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageRefused)
        return render(request, "error.html", http_status=exc.status, status_code=exc.status, message=exc.message)

    api.add_exception_handler(PageRefused, refused)


def too_large_page(scope: Scope, limit: int) -> Response:
    """The error page (in the page's language) for a form above the server's limit, refused unread (413)."""
    from babel.numbers import format_decimal

    from .context import translate
    from .i18n import LOCALES, N_, language_of

    request = Request(scope)
    megabytes = max(limit - FORM_OVERHEAD, 0) / 1_000_000
    size = format_decimal(megabytes, format="#,##0.0", locale=LOCALES[language_of(request)]) + " MB"
    message = translate(request, N_("The file is too large: each upload may have at most %(size)s. Go back and "
                                    "send a smaller file (a photo at a lower resolution, or a PDF).")) % {"size": size}
    return render(request, "error.html", http_status=413, status_code=413, message=message)


__all__ = ["install", "too_large_page"]
