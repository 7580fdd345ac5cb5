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
    # A document fits in one request under the server's body limit, with room for the form around it.
    max_document = max(api.state.server.settings.max_body_bytes - FORM_OVERHEAD, 1024)
    api.state.web = WebState(getattr(app, "data_dir", None), documents_dir, max_document)
    desk.setup(api)  # notifications and support tables, the notifier on the App's syncs
    for router in routers():
        api.include_router(router)
    api.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageRefused)
        return render(request, "error.html", http_status=exc.status, status_code=exc.status, message=exc.message)

    api.add_exception_handler(PageRefused, refused)


__all__ = ["install"]
