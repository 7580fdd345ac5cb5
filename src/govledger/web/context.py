"""What every page shares: the web state (templates, sessions, documents), the signed-in person, the
language, and rendering with the pages' Content-Security-Policy (scripts and styles from the package only)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..accounts import label
from . import i18n, nav
from .documents import MAX_DOCUMENT_BYTES, DocumentStore
from .sessions import SESSION_COOKIE, Session, SessionCodec, WebUser, new_session

TEMPLATES = Path(__file__).parent / "templates"
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
KEY_ENV = "GOVLEDGER_SERVER_KEY"


def web_key(data_dir: Path | None) -> bytes:
    """The key that signs sessions and encrypts documents: the server key from the environment, else a
    random key kept in DATA_DIR/web/web.key (created once, readable by the owner only)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode()
    if data_dir is None:
        return secrets.token_bytes(32)
    path = Path(data_dir) / "web" / "web.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
    return path.read_bytes()


class WebState:
    """Held on `api.state.web`: templates per language, the session codec, the document store."""

    def __init__(self, data_dir: Path | None, documents_dir: Path | None = None,
                 max_document_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        key = web_key(data_dir)
        self.sessions = SessionCodec(key)
        if documents_dir is None:
            if data_dir is None:
                import tempfile

                documents_dir = Path(tempfile.mkdtemp(prefix="govledger-documents-"))
            else:
                documents_dir = Path(data_dir) / "documents"
        self.documents = DocumentStore(documents_dir, key, max_document_bytes)
        self.environments = {lang: self._environment(lang) for lang in i18n.LANGUAGES}

    @staticmethod
    def _environment(lang: str) -> Environment:
        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                          extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
        env.filters["rupiah"] = i18n.rupiah
        env.filters["day"] = lambda value: i18n.day(value, lang)
        env.filters["percent"] = lambda bps: i18n.percent(bps, lang)
        env.filters["moment"] = lambda value: i18n.moment(value, lang)
        env.filters["who"] = label
        env.filters["short"] = lambda h: f"{h[:10]}…{h[-6:]}" if h and len(h) > 20 else h
        return env


def web(request: Request) -> WebState:
    return request.app.state.web


def session_of(request: Request) -> Session:
    """The request's session (opened once per request); a new anonymous one when there is none."""
    cached = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    session = web(request).sessions.open(request.cookies.get(SESSION_COOKIE))
    if session is None:
        session = new_session()
        request.state.web_session_new = True
    request.state.web_session = session
    return session


def user_of(request: Request) -> WebUser | None:
    return session_of(request).user


def store_session(request: Request, response: Response, session: Session) -> None:
    request.state.web_session = session
    response.set_cookie(SESSION_COOKIE, web(request).sessions.seal(session), max_age=int(session.expires - _now()),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")


def _now() -> float:
    import time

    return time.time()


def translate(request: Request, message: str) -> str:
    return i18n.gettext(i18n.language_of(request), message)


def render(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the request's language, with the session cookie (kept fresh) and the page CSP."""
    lang = i18n.language_of(request)
    session = session_of(request)
    state = request.app.state
    development = bool(getattr(state.authenticator, "development", False))
    flash = request.cookies.get("flash")
    body = web(request).environments[lang].get_template(template).render(
        request=request, lang=lang, user=session.user, csrf=session.csrf, nav=nav.items_for(session.user),
        development=development, flash=_flash_text(flash, lang), flash_kind=(flash or "ok:").split(":", 1)[0],
        path=request.url.path, **context)
    response = HTMLResponse(body, status_code=http_status, headers={"Content-Security-Policy": PAGE_CSP,
                                                               "Content-Language": lang})
    if getattr(request.state, "web_session_new", False):
        store_session(request, response, session)
    if "lang" in request.query_params and request.query_params["lang"] in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    if flash:
        response.delete_cookie("flash", path="/")
    return response


def _flash_text(flash: str | None, lang: str) -> str | None:
    if not flash:
        return None
    from urllib.parse import unquote

    _kind, _, text = flash.partition(":")
    return unquote(text)


def redirect(url: str, flash: str | None = None, ok: bool = True) -> RedirectResponse:
    """303 after a form, with a one-time message for the next page."""
    from urllib.parse import quote

    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie("flash", ("ok:" if ok else "error:") + quote(flash[:600]), max_age=60,
                            httponly=True, samesite="lax", path="/")
    return response
