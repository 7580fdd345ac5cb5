"""Token validation: good tokens pass; every bad token is refused with its own error and sentence."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from govledger.errors import GovLedgerError
from govledger.identity.config import ProviderConfig
from govledger.identity.errors import (
    BadSignature, MalformedToken, MissingClaim, ProviderUnreachable, TokenExpired, TokenNotYetValid,
    UnknownKey, UnsignedToken, WrongAudience, WrongIssuer,
)
from govledger.identity.tokens import ProviderMetadata, TokenValidator, person_id

from .local_provider import AUDIENCE, LocalProvider, SigningKey


def test_validate_acceptsASignedTokenAndReturnsItsClaims(provider: LocalProvider) -> None:
    verified = TokenValidator(provider.config()).validate(provider.token())
    assert (verified.issuer, verified.subject) == (provider.issuer, "alice")
    assert verified.claims["groups"] == ["pphp"]
    assert verified.person == person_id(provider.issuer, "alice") == f"{provider.issuer}#alice"


def test_validate_remembersACheckedTokenButNotPastItsExpiry(provider: LocalProvider,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    validator = TokenValidator(provider.config(leeway_seconds=0))
    token = provider.token(exp=int(time.time()) + 2)
    validator.validate(token)
    provider.keys = []  # a second check of the signature would now fail: the remembered result answers
    assert validator.validate(token).subject == "alice"
    monkeypatch.setattr(time, "time", lambda: 1e10)  # far past the token's expiry
    with pytest.raises(TokenExpired):
        validator.validate(token)


def test_validate_acceptsES256WhenAllowed(provider: LocalProvider) -> None:
    provider.keys.append(SigningKey("ec-1", "ES256"))
    assert TokenValidator(provider.config()).validate(provider.token(provider.keys[1])).subject == "alice"


def test_validate_refusesAnAlgorithmTheConfigDoesNotAllow(provider: LocalProvider) -> None:
    provider.keys.append(SigningKey("ec-1", "ES256"))
    with pytest.raises(UnsignedToken, match="signed with 'ES256'; accepted: RS256"):
        TokenValidator(provider.config(algorithms=("RS256",))).validate(provider.token(provider.keys[1]))


def test_validate_refusesAnExpiredToken(provider: LocalProvider) -> None:
    now = int(time.time())
    with pytest.raises(TokenExpired, match=r"token expired at .* UTC \(leeway 5 s\)"):
        TokenValidator(provider.config()).validate(provider.token(iat=now - 600, exp=now - 60))


def test_validate_acceptsATokenExpiredWithinTheLeeway(provider: LocalProvider) -> None:
    now = int(time.time())
    validator = TokenValidator(provider.config(leeway_seconds=30))
    assert validator.validate(provider.token(iat=now - 600, exp=now - 10)).subject == "alice"


def test_validate_refusesATokenNotYetValid(provider: LocalProvider) -> None:
    now = int(time.time())
    with pytest.raises(TokenNotYetValid, match="not valid before"):
        TokenValidator(provider.config()).validate(provider.token(nbf=now + 120))


def test_validate_refusesTheWrongAudience(provider: LocalProvider) -> None:
    with pytest.raises(WrongAudience, match=f"for audience 'another-app', not '{AUDIENCE}'"):
        TokenValidator(provider.config()).validate(provider.token(aud="another-app"))


def test_validate_refusesTheWrongIssuerEvenWithAKnownKey(provider: LocalProvider) -> None:
    with pytest.raises(WrongIssuer, match="issued by 'https://evil.example', not 'http://127.0.0.1"):
        TokenValidator(provider.config()).validate(provider.token(iss="https://evil.example"))


def test_validate_refusesAnUnsignedToken(provider: LocalProvider) -> None:
    unsigned = jwt.encode(provider.claims(), None, algorithm="none", headers={"kid": "key-1"})
    with pytest.raises(UnsignedToken, match="unsigned"):
        TokenValidator(provider.config()).validate(unsigned)


def test_validate_refusesHS256SignedWithThePublicKey(provider: LocalProvider) -> None:
    # The classic key-confusion attack: the public key (known to all) used as an HMAC secret.
    public_pem = provider.keys[0].private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    forged = _hmac_token(provider.claims(), public_pem)
    with pytest.raises(UnsignedToken, match="signed with 'HS256'"):
        TokenValidator(provider.config()).validate(forged)


def test_validate_refusesATamperedPayload(provider: LocalProvider) -> None:
    header, payload, signature = provider.token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["groups"] = ["admin"]
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignature, match="altered or forged"):
        TokenValidator(provider.config()).validate(f"{header}.{altered}.{signature}")


def test_validate_refusesATokenSignedByAnUnpublishedKey(provider: LocalProvider) -> None:
    validator = TokenValidator(provider.config(jwks_cooldown_seconds=60))
    validator.validate(provider.token())
    fetches = provider.jwks_fetches
    stranger = SigningKey("not-published")
    for _ in range(5):
        with pytest.raises(UnknownKey, match="key 'not-published', which the provider does not publish"):
            validator.validate(provider.token(stranger))
    assert provider.jwks_fetches - fetches <= 1  # one refetch at most per cooldown, however many tries


def test_validate_refusesAForeignKeyThatReusesAPublishedKid(provider: LocalProvider) -> None:
    impostor = SigningKey("key-1")
    with pytest.raises(BadSignature):
        TokenValidator(provider.config()).validate(provider.token(impostor))


def test_validate_refusesATokenWhoseAlgorithmDoesNotFitTheKeyItNames(provider: LocalProvider) -> None:
    provider.keys.append(SigningKey("ec-1", "ES256"))
    with pytest.raises(BadSignature, match="does not fit the key it names"):
        TokenValidator(provider.config()).validate(SigningKey("ec-1", "RS256").sign(provider.claims()))


def test_validate_picksUpAKeyTheProviderRotatedIn(provider: LocalProvider) -> None:
    validator = TokenValidator(provider.config())
    validator.validate(provider.token())
    provider.keys = [SigningKey("key-2")]
    assert validator.validate(provider.token()).subject == "alice"
    with pytest.raises(UnknownKey, match="key-1"):  # the retired key is gone once the set is refetched
        validator.validate(provider.token(SigningKey("key-1")))


def test_validate_takesTheOnlyPublishedKeyForATokenWithoutKid(provider: LocalProvider) -> None:
    token = jwt.encode(provider.claims(), provider.keys[0].private, algorithm="RS256")
    assert TokenValidator(provider.config()).validate(token).subject == "alice"
    provider.keys.append(SigningKey("key-2"))
    with pytest.raises(UnknownKey, match=r"kid header missing\) and the provider publishes 2"):
        TokenValidator(provider.config()).validate(token)


@pytest.mark.parametrize("claim", ["sub", "exp", "aud"])
def test_validate_refusesATokenMissingARequiredClaim(provider: LocalProvider, claim: str) -> None:
    with pytest.raises(MissingClaim, match=f"no '{claim}' claim"):
        TokenValidator(provider.config()).validate(provider.token(**{claim: None}))


def test_validate_checksTheNonceOfASignIn(provider: LocalProvider) -> None:
    validator = TokenValidator(provider.config())
    assert validator.validate(provider.token(nonce="n-1"), nonce="n-1").subject == "alice"
    with pytest.raises(MissingClaim, match="nonce 'n-1' is not the one of this sign-in"):
        validator.validate(provider.token(nonce="n-1"), nonce="n-2")


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "....", "x" * 10_000])
def test_validate_refusesMalformedTokens(provider: LocalProvider, token: str) -> None:
    with pytest.raises(MalformedToken):
        TokenValidator(provider.config()).validate(token)


def test_validate_saysTheProviderIsUnreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    validator = TokenValidator(ProviderConfig(issuer=closed, audience=AUDIENCE, client_id=AUDIENCE, timeout_seconds=1))
    with pytest.raises(ProviderUnreachable, match="does not answer") as refused:
        validator.validate(SigningKey("k").sign({"sub": "x"}))
    assert refused.value.http_status == 503 and isinstance(refused.value, GovLedgerError)


def test_validate_failsFastWhileDiscoveryIsDownThenRecovers(provider: LocalProvider) -> None:
    provider.announced_issuer = "https://evil.example"
    patient, eager = TokenValidator(provider.config(jwks_cooldown_seconds=60)), TokenValidator(provider.config())
    for validator in (patient, eager):
        with pytest.raises(ProviderUnreachable, match="names issuer"):
            validator.validate(provider.token())
    provider.announced_issuer = None
    with pytest.raises(ProviderUnreachable, match="names issuer"):  # within the cooldown: not asked again
        patient.validate(provider.token())
    assert eager.validate(provider.token()).subject == "alice"  # after the cooldown: asked again, and recovered


def test_discover_refusesADocumentNamingAnotherIssuer(provider: LocalProvider) -> None:
    provider.announced_issuer = "https://evil.example"
    with pytest.raises(ProviderUnreachable, match="names issuer 'https://evil.example'"):
        ProviderMetadata.discover(provider.issuer)


def test_tokenErrorsAreUnauthorized(provider: LocalProvider) -> None:
    with pytest.raises(TokenExpired) as refused:
        TokenValidator(provider.config()).validate(provider.token(exp=int(time.time()) - 60))
    assert refused.value.http_status == 401


def _hmac_token(claims: dict, secret: bytes) -> str:
    """HS256 by hand: PyJWT itself refuses to use a PEM public key as an HMAC secret."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "key-1"}).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
