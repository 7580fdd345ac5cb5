"""Sessions: a signed cookie that expires; a forged or altered one is a new visitor."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from govledger.web.sessions import SESSION_COOKIE, SessionCodec, WebUser, new_session

from .conftest import sign_in

USER = WebUser(subject="dev:official", name="official", roles=("official",), signer_key="official",
               address="0x" + "11" * 20, agency="DEMO")


def test_a_sealed_session_opens_again_until_it_expires() -> None:
    codec = SessionCodec(b"key")
    session = new_session(USER)
    sealed = codec.seal(session)
    opened = codec.open(sealed)
    assert opened is not None and opened.user == USER and opened.csrf == session.csrf
    assert codec.open(sealed, now=time.time() + 9 * 3600) is None


def test_a_session_altered_or_sealed_under_another_key_does_not_open() -> None:
    sealed = SessionCodec(b"key").seal(new_session(USER))
    assert SessionCodec(b"other").open(sealed) is None
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    assert SessionCodec(b"key").open(flipped) is None
    assert SessionCodec(b"key").open("garbage") is None and SessionCodec(b"key").open("!!") is None


def test_the_cookie_cannot_be_read_by_the_browser() -> None:
    sealed = SessionCodec(b"key").seal(new_session(USER))
    import base64

    assert b"official" not in base64.urlsafe_b64decode(sealed) and "official" not in sealed


def test_a_forged_cookie_is_not_signed_in(browser_client: TestClient) -> None:
    sign_in(browser_client, "auditor")
    assert browser_client.get("/auditor").status_code == 200
    browser_client.cookies.set(SESSION_COOKIE, SessionCodec(b"guessed").seal(new_session(USER)))
    assert browser_client.get("/auditor").status_code == 401


def test_signing_out_ends_the_session(browser_client: TestClient) -> None:
    sign_in(browser_client, "auditor")
    from .conftest import csrf_of

    token = csrf_of(browser_client.get("/auditor").text)
    assert browser_client.post("/signout", data={"csrf": token}).status_code == 303
    assert browser_client.get("/auditor").status_code == 401


def test_pages_carry_their_content_security_policy_and_the_development_mark(browser_client: TestClient) -> None:
    page = browser_client.get("/signin")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="development-banner"' in page.text
    assert page.headers["content-language"] == "id" and "Masuk" in page.text
    assert "Sign in" in browser_client.get("/signin?lang=en").text
    assert "Sign in" in browser_client.get("/signin").text  # the choice is kept in a cookie
