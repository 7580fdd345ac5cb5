"""Sign-in and sign-out. With an OpenID provider configured: the authorization code flow with PKCE through
the identity service; without one: the DEVELOPMENT sign-in (pick a demo account), marked on every page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...accounts import DEMO_ADDRESSES, DEMO_ROLES
from ...pilot import PILOT_AGENCY
from ...server.auth import client_address
from ...server.errors import ApiError
from ..context import redirect, render, session_of, store_session, translate
from ..guards import PageRefused, form_of, text
from ..i18n import LANG_COOKIE, LANGUAGES, N_
from ..sessions import WebUser, new_session
from .desk import remember_user

router = APIRouter(include_in_schema=False)

ROLE_HOMES = {"official": "/official", "contractor": "/contractor", "inspector": "/inspector",
              "auditor": "/auditor", "admin": "/admin", "pauser": "/admin", "arbiter": "/arbiter"}


# What each demo account stands for, in the page's language (DEMO_ROLES says it in English for the CLI).
DEMO_DESCRIPTIONS = {
    "admin": N_("platform admin (national procurement policy body)"), "treasury": N_("state treasury"),
    "official": N_("PPK, official of the pilot agency"), "contractor": N_("penyedia, a contractor"),
    "contractor2": N_("penyedia, a second contractor"), "inspector1": N_("PPHP, inspector"),
    "inspector2": N_("PPHP, inspector"), "inspector3": N_("PPHP, inspector"),
    "auditor": N_("APIP auditor (reads only)"), "guardian": N_("emergency pauser, held apart from the admin"),
    "arbiter": N_("dispute arbiter"),
}


def home_of(user: WebUser) -> str:
    for role in user.roles:
        if role in ROLE_HOMES:
            return ROLE_HOMES[role]
    return "/"


def _oidc_service(request: Request):  # type: ignore[no-untyped-def]
    return getattr(request.app.state.authenticator, "service", None)


@router.get("/signin")
def signin_page(request: Request) -> Response:
    demo = [(name, DEMO_DESCRIPTIONS.get(name, role), DEMO_ADDRESSES[name]) for name, role in DEMO_ROLES.items()]
    return render(request, "signin.html", oidc=_oidc_service(request) is not None, demo=demo)


@router.post("/signin/dev")
async def signin_development(request: Request) -> Response:
    """DEVELOPMENT ONLY: sign in as a demo account; refused when the server has a real identity provider."""
    form = await form_of(request)
    authenticator = request.app.state.authenticator
    if not getattr(authenticator, "development", False) or _oidc_service(request) is not None:
        raise PageRefused(403, translate(request, N_("The development sign-in is switched off on this server.")))
    name = text(form, "account")
    limits = request.app.state.limits
    try:
        limits.check_sign_in(client_address(request))
        principal = authenticator.principal(f"dev:{name}")
    except ApiError as exc:
        limits.failed_sign_in(client_address(request))
        raise PageRefused(exc.status, exc.message) from None
    user = WebUser(subject=principal.subject, name=name, roles=tuple(sorted(principal.roles)),
                   signer_key=principal.signer_key, address=DEMO_ADDRESSES.get(name),
                   agency=PILOT_AGENCY if "official" in principal.roles else None, development=True)
    return _signed_in(request, user)


def _signed_in(request: Request, user: WebUser) -> Response:
    response = redirect(home_of(user), translate(request, N_("Signed in as %(name)s.")) % {"name": user.name})
    store_session(request, response, new_session(user))  # a fresh session (and CSRF token) at sign-in
    remember_user(request, user)  # the inboxes know who they are
    return response


@router.get("/signin/start")
async def signin_start(request: Request) -> Response:
    service = _oidc_service(request)
    if service is None:
        return redirect("/signin")
    callback = str(request.url_for("signin_callback"))
    sign_in = await run_in_threadpool(service.begin_sign_in, callback)
    session = session_of(request)
    session.extra = {"state": sign_in.state, "nonce": sign_in.nonce, "verifier": sign_in.code_verifier,
                     "redirect_uri": sign_in.redirect_uri, "url": sign_in.url}
    response = RedirectResponse(sign_in.url, status_code=303)
    store_session(request, response, session)
    return response


@router.get("/signin/callback", name="signin_callback")
async def signin_callback(request: Request) -> Response:
    from ...identity.errors import IdentityError
    from ...identity.signin import SignInRequest

    service = _oidc_service(request)
    extra = session_of(request).extra
    if service is None or not extra.get("state"):
        raise PageRefused(400, translate(request, N_("This sign-in was not started here. Start again.")))
    pending = SignInRequest(extra["url"], extra["state"], extra["nonce"], extra["verifier"], extra["redirect_uri"])
    limits = request.app.state.limits
    limits.check_sign_in(client_address(request))
    try:
        signed_in, _tokens = await run_in_threadpool(service.finish_sign_in, pending, str(request.url))
    except IdentityError as exc:
        limits.failed_sign_in(client_address(request))
        raise PageRefused(401, translate(request, N_("Sign-in refused")) + f": {exc}") from None
    person = signed_in.person
    user = WebUser(subject=signed_in.who, name=person.name or signed_in.who, roles=tuple(sorted(signed_in.roles)),
                   signer_key=signed_in.who, address=person.address, agency=signed_in.entitlements.agency,
                   development=bool(service.development))
    return _signed_in(request, user)


@router.post("/signout")
async def signout(request: Request) -> Response:
    await form_of(request)
    response = redirect("/", translate(request, N_("Signed out.")))
    store_session(request, response, new_session())
    return response


@router.get("/lang/{lang}")
def choose_language(lang: str, request: Request) -> Response:
    """The language switch for pages that cannot carry `?lang=` (after a form)."""
    back = request.query_params.get("next", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = RedirectResponse(back, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response
