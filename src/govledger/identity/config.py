"""The identity configuration file (TOML): which provider to trust, and how its claims become ledger roles.

See docs/identity.md and examples/identity.toml. Everything is checked when the file is read, so a
bad setting is one clear error at start-up, never a surprise at the first sign-in.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import IdentityConfigError

MODES = ("production", "development")
# Asymmetric algorithms only: with HS* the verifier holds the signing secret, and `none` signs nothing.
SAFE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEDGER_ROLES = ("official", "contractor", "inspector", "auditor", "admin", "arbiter", "pauser", "treasury")


@dataclass(frozen=True)
class ProviderConfig:
    """The OpenID provider the server trusts, and how strictly its tokens are checked."""

    issuer: str
    audience: str
    client_id: str
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    leeway_seconds: int = 30
    jwks_cache_seconds: int = 300
    jwks_cooldown_seconds: int = 30
    timeout_seconds: float = 5.0
    client_secret_env: str | None = None
    client_secret: str | None = None  # development only: the development provider accepts any secret

    def secret(self, environ: Mapping[str, str]) -> str | None:
        """The client secret of a confidential client: from `client_secret_env`, else the development one."""
        return environ.get(self.client_secret_env) if self.client_secret_env else self.client_secret


@dataclass(frozen=True)
class ClaimsConfig:
    """Which claims carry the groups, the agency and the display name, and which group is which role.

    Claim names may be dotted paths into nested claims (Keycloak's `realm_access.roles`).
    """

    groups: str = "groups"
    agency: str = "agency"
    name: str = "name"
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CustodyConfig:
    """Where the server keeps each person's encrypted key and the person -> account directory.

    Relative paths are inside the ledger's data directory. The server key comes from the environment
    variable `server_key_env`, else from the file `server_key_file`; it is never in this file.
    """

    keys_dir: Path = Path("identity/keys")
    directory: Path = Path("identity/people.json")
    server_key_env: str = "GOVLEDGER_SERVER_KEY"
    server_key_file: Path | None = None
    gas_funder_keystore: Path | None = None  # on a node that charges gas: the account that funds new ones
    gas_funder_password_env: str = "GOVLEDGER_GAS_FUNDER_PASSWORD"
    gas_wei: int = 10**17  # given to each new custodial account (hundreds of actions at a few gwei)

    def keys_path(self, data_dir: Path) -> Path:
        return data_dir / self.keys_dir

    def directory_path(self, data_dir: Path) -> Path:
        return data_dir / self.directory


@dataclass(frozen=True)
class Entitlements:
    """What a person's claims entitle them to: ledger role names, and the agency an official acts for."""

    roles: frozenset[str]
    agency: str | None = None


@dataclass(frozen=True)
class IdentityConfig:
    mode: str
    provider: ProviderConfig
    claims: ClaimsConfig = ClaimsConfig()
    custody: CustodyConfig = CustodyConfig()
    sync_grants: bool = False

    @property
    def development(self) -> bool:
        return self.mode == "development"

    @classmethod
    def load(cls, path: Path | str) -> IdentityConfig:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IdentityConfigError(f"no identity configuration at {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise IdentityConfigError(f"identity configuration {path} is not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise IdentityConfigError(f"identity configuration {path} cannot be read: {exc}") from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "identity configuration") -> IdentityConfig:
        reader = _Reader(data, source)
        mode = reader.text("mode", "production")
        if mode not in MODES:
            raise IdentityConfigError(f"{source}: mode must be one of {', '.join(MODES)}, got {mode!r}")
        config = cls(mode=mode, provider=_provider(reader.section("provider"), mode),
                     claims=_claims(reader.section("claims", required=False), reader.section("roles", required=False)),
                     custody=_custody(reader.section("custody", required=False)),
                     sync_grants=reader.section("sync", required=False).flag("grant", False))
        reader.refuse_unknown({"mode", "provider", "claims", "roles", "custody", "sync"})
        return config

    def entitlements(self, claims: Mapping[str, Any]) -> Entitlements:
        """The ledger roles the token's claims map to; an official's agency comes from the agency claim."""
        groups = claim_value(claims, self.claims.groups)
        names = [groups] if isinstance(groups, str) else list(groups) if isinstance(groups, (list, tuple)) else []
        roles = frozenset(role for group in names if isinstance(group, str)
                          for role in self.claims.roles.get(group, ()))
        agency = claim_value(claims, self.claims.agency)
        return Entitlements(roles, agency if isinstance(agency, str) and agency else None)


def claim_value(claims: Mapping[str, Any], path: str) -> Any:
    """The claim at a dotted `path` (`realm_access.roles`), or None when any step is absent."""
    value: Any = claims
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


def _provider(reader: _Reader, mode: str) -> ProviderConfig:
    issuer = reader.text("issuer").rstrip("/")
    url = urlparse(issuer)
    loopback = url.hostname in ("127.0.0.1", "localhost", "::1")
    if url.scheme not in ("https", "http") or not url.hostname or url.fragment or url.query:
        raise IdentityConfigError(f"{reader.source}: provider.issuer must be an https URL without query or fragment, got {issuer!r}")
    if url.scheme == "http" and not (mode == "development" and loopback):
        raise IdentityConfigError(
            f"{reader.source}: provider.issuer {issuer!r} is plain http; only a development provider on loopback may be")
    audience = reader.text("audience")
    algorithms = tuple(reader.texts("algorithms", ["RS256", "ES256"]))
    unsafe = [a for a in algorithms if a not in SAFE_ALGORITHMS]
    if unsafe or not algorithms:
        raise IdentityConfigError(
            f"{reader.source}: provider.algorithms may name only {', '.join(SAFE_ALGORITHMS)}; refused: {unsafe or 'empty list'}")
    config = ProviderConfig(
        issuer=issuer, audience=audience, client_id=reader.text("client_id", audience), algorithms=algorithms,
        leeway_seconds=reader.number("leeway_seconds", 30, 0, 300),
        jwks_cache_seconds=reader.number("jwks_cache_seconds", 300, 0, 86400),
        jwks_cooldown_seconds=reader.number("jwks_cooldown_seconds", 30, 0, 3600),
        timeout_seconds=reader.number("timeout_seconds", 5, 1, 60),
        client_secret_env=reader.text("client_secret_env", None), client_secret=reader.text("client_secret", None))
    if config.client_secret is not None and mode != "development":
        raise IdentityConfigError(f"{reader.source}: provider.client_secret is for development only; "
                                  "in production name an environment variable in provider.client_secret_env")
    reader.refuse_unknown({f.name for f in ProviderConfig.__dataclass_fields__.values()})
    return config


def _claims(reader: _Reader, roles_reader: _Reader) -> ClaimsConfig:
    roles: dict[str, tuple[str, ...]] = {}
    for group in roles_reader.data:
        names = tuple(roles_reader.texts(group))
        unknown = [name for name in names if name not in LEDGER_ROLES]
        if unknown:
            raise IdentityConfigError(
                f"{reader.source}: roles.{group} names {unknown}; ledger roles are {', '.join(LEDGER_ROLES)}")
        roles[group] = names
    config = ClaimsConfig(groups=reader.text("groups", "groups"), agency=reader.text("agency", "agency"),
                          name=reader.text("name", "name"), roles=roles)
    reader.refuse_unknown({"groups", "agency", "name"})
    return config


def _custody(reader: _Reader) -> CustodyConfig:
    key_file = reader.text("server_key_file", None)
    funder = reader.text("gas_funder_keystore", None)
    config = CustodyConfig(keys_dir=Path(reader.text("keys_dir", "identity/keys")),
                           directory=Path(reader.text("directory", "identity/people.json")),
                           server_key_env=reader.text("server_key_env", "GOVLEDGER_SERVER_KEY"),
                           server_key_file=Path(key_file) if key_file else None,
                           gas_funder_keystore=Path(funder) if funder else None,
                           gas_funder_password_env=reader.text("gas_funder_password_env", "GOVLEDGER_GAS_FUNDER_PASSWORD"),
                           gas_wei=int(reader.number("gas_wei", 10**17, 1, 10**24)))
    reader.refuse_unknown({"keys_dir", "directory", "server_key_env", "server_key_file", "gas_funder_keystore",
                           "gas_funder_password_env", "gas_wei"})
    return config


class _Reader:
    """Typed reads from one TOML table, each failure naming the file and the key."""

    def __init__(self, data: Mapping[str, Any], source: str, prefix: str = "") -> None:
        self.data, self.source, self.prefix = data, source, prefix

    def section(self, name: str, required: bool = True) -> _Reader:
        value = self.data.get(name, None if required else {})
        if not isinstance(value, Mapping):
            raise IdentityConfigError(f"{self.source}: needs a [{self.prefix}{name}] table")
        return _Reader(value, self.source, f"{self.prefix}{name}.")

    def text(self, key: str, default: Any = ...) -> Any:
        value = self.data.get(key, default)
        if value is ...:
            raise IdentityConfigError(f"{self.source}: {self.prefix}{key} is required")
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise IdentityConfigError(f"{self.source}: {self.prefix}{key} must be a non-empty string, got {value!r}")
        return value

    def texts(self, key: str, default: Any = ...) -> list[str]:
        value = self.data.get(key, default)
        value = [value] if isinstance(value, str) else value
        if value is ... or not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise IdentityConfigError(f"{self.source}: {self.prefix}{key} must be a string or a list of strings")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> Any:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise IdentityConfigError(f"{self.source}: {self.prefix}{key} must be a number from {low} to {high}, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise IdentityConfigError(f"{self.source}: {self.prefix}{key} must be true or false, got {value!r}")
        return value

    def refuse_unknown(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise IdentityConfigError(f"{self.source}: unknown setting {', '.join(self.prefix + k for k in unknown)}")
