"""Request bodies of the JSON API. Amounts are integers in sen (1 Rupiah = 100 sen), dates ISO 8601,
hashes 32 bytes of 0x hex, accounts 0x addresses. Unknown fields are refused."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from eth_utils import to_checksum_address
from pydantic import BaseModel, ConfigDict, Field

from ..types import Address, Category, MilestoneChange, MilestoneSpec, Sen

Hash32 = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{64}$", examples=["0x" + "ab" * 32])]
Account = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$", examples=["0x" + "12" * 20])]
Amount = Annotated[int, Field(ge=0, le=10**30, strict=True, description="sen (1 Rupiah = 100 sen)")]
CategoryName = Literal["works", "goods", "services", "consulting"]
Day = Annotated[date, Field(ge=date(1970, 1, 2), le=date(9999, 12, 31))]
ZERO_HASH = "0x" + "00" * 32


class Body(BaseModel):
    """Unknown fields are refused; numbers and flags must be JSON numbers and booleans (no `true` for 1)."""

    model_config = ConfigDict(extra="forbid")


class MilestoneIn(Body):
    amount: Annotated[int, Field(gt=0, le=10**30, strict=True)]
    due: Day
    required_approvals: Annotated[int, Field(ge=1, le=255, strict=True)] = 1
    inspectors: Annotated[list[Account], Field(min_length=1, max_length=32)]

    def spec(self) -> MilestoneSpec:
        return MilestoneSpec(amount=Sen(self.amount), due=self.due, required_approvals=self.required_approvals,
                             inspectors=tuple(Address(to_checksum_address(a)) for a in self.inspectors))


class RegisterIn(Body):
    ocid: Annotated[str, Field(min_length=1, max_length=200)]
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    contractor: Account
    category: CategoryName
    value: Annotated[int, Field(gt=0, le=10**30, strict=True)]
    advance: Amount = 0
    start: Day
    end: Day
    milestones: Annotated[list[MilestoneIn], Field(min_length=1, max_length=100)]
    document_hash: Hash32 = ZERO_HASH
    metadata_uri: Annotated[str, Field(max_length=2000)] = ""

    @property
    def category_enum(self) -> Category:
        return Category[self.category.upper()]


class FundIn(Body):
    amount: Annotated[int, Field(gt=0, le=10**30, strict=True)]


class ReasonIn(Body):
    reason_hash: Hash32


class ResolutionIn(Body):
    resolution_hash: Hash32


class EvidenceIn(Body):
    evidence_hash: Hash32


class ReportIn(Body):
    report_hash: Hash32


class ChangeIn(Body):
    index: Annotated[int, Field(ge=0, le=255, strict=True)]
    amount: Amount
    due: Day
    required_approvals: Annotated[int, Field(ge=1, le=255, strict=True)] = 1
    inspectors: Annotated[list[Account], Field(max_length=32)] = []

    def change(self) -> MilestoneChange:
        return MilestoneChange(index=self.index, amount=Sen(self.amount), due=self.due,
                               required_approvals=self.required_approvals,
                               inspectors=tuple(Address(to_checksum_address(a)) for a in self.inspectors))


class AmendmentIn(Body):
    value: Annotated[int, Field(gt=0, le=10**30, strict=True)]
    rationale_hash: Hash32
    changes: Annotated[list[ChangeIn], Field(max_length=100)] = []


class AllowIn(Body):
    categories: Annotated[list[CategoryName], Field(max_length=4)]


class OfficialIn(Body):
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    account: Account


class InspectorIn(Body):
    account: Account
    revoke: Annotated[bool, Field(strict=True)] = False


class AcceptIn(Body):
    terms_hash: Hash32 | None = Field(None, description="the terms hash the contractor has seen "
                                      "(GET .../terms); default: the registered terms")


class SignedAcceptanceIn(Body):
    deadline: Annotated[int, Field(ge=0, lt=2**64, strict=True, description="unix seconds")]
    signature: Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{130}$")]
    terms_hash: Hash32 | None = None


Bps = Annotated[int, Field(ge=0, le=10_000, strict=True)]


class ParametersIn(Body):
    """The policy for contracts registered from now on; fields left out keep their value."""

    amendment_cap_bps: Bps | None = None
    works_retention_bps: Bps | None = None
    penalty_per_day_bps: Bps | None = None
    penalty_cap_bps: Bps | None = None
    maintenance_period_s: Annotated[int, Field(ge=0, le=3650 * 86400, strict=True)] | None = None


class ErrorOut(BaseModel):
    """Every refusal: `code` for programs, `message` for people; `error` and `arguments` when the chain
    refused (the Solidity custom error and its arguments)."""

    code: str
    message: str
    error: str | None = None
    arguments: dict[str, object] | None = None


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI `responses` naming the error shape for `statuses`."""
    what = {400: "malformed JSON", 401: "not signed in, or a token that does not check out",
            403: "the role does not allow it (by the token, or on chain)", 404: "unknown contract",
            409: "refused by the ledger or the chain", 413: "body too large",
            422: "a field breaks its schema", 429: "rate limited",
            503: "the chain (or the identity provider) did not answer"}
    return {status: {"model": ErrorOut, "description": what[status]} for status in statuses}
