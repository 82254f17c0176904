"""The district's trusted issuers and credential catalog, and mapping a verified credential to it."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from credentials.verify import VerificationResult


class TrustedIssuer(BaseModel):
    """An issuer the district trusts, with the public keys it signs with (JWK, multibase or PEM)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    keys: list[str | dict[str, str]] = Field(default_factory=list)
    note: str | None = None
    illustrative: bool = False

    @model_validator(mode="after")
    def _has_a_key(self) -> "TrustedIssuer":
        """Trust without a key would trust anyone who claims the id; a did:key id is its own key."""
        if not self.keys and not self.id.startswith("did:key:"):
            raise ValueError(f"trusted issuer {self.id} needs at least one key")
        return self


class CatalogEntry(BaseModel):
    """What one kind of earned credential is worth to the district."""

    model_config = ConfigDict(extra="forbid")

    achievement_id: str | None = None
    issuer_id: str | None = None
    name: str | None = None
    micro_credentials: int = Field(default=1, ge=0)
    credit_hours: Decimal = Field(ge=0)
    cpe_hours: Decimal = Field(ge=0)
    note: str | None = None
    illustrative: bool = False

    @model_validator(mode="after")
    def _matches_something(self) -> "CatalogEntry":
        """An entry with no achievement id, issuer id or name would match every credential."""
        if not (self.achievement_id or self.issuer_id or self.name):
            raise ValueError("a catalog entry needs achievement_id, issuer_id or name")
        return self

    def matches(self, achievement_id: str | None, issuer_id: str | None, name: str | None) -> bool:
        """Whether every criterion this entry sets holds for the credential."""
        return (
            (self.achievement_id is None or self.achievement_id == achievement_id)
            and (self.issuer_id is None or self.issuer_id == issuer_id)
            and (self.name is None or (name is not None and self.name.casefold() == name.casefold()))
        )

    @property
    def specificity(self) -> int:
        """How many criteria the entry sets; the most specific match wins."""
        return sum(v is not None for v in (self.achievement_id, self.issuer_id, self.name))


@dataclass(frozen=True)
class CatalogMatch:
    """The catalog's value for a verified credential; creditsAvailable is shown, the catalog decides."""

    entry: CatalogEntry
    micro_credentials: int
    credit_hours: Decimal
    cpe_hours: Decimal
    credits_available: Decimal | None

    def as_json(self) -> dict:
        """JSON-ready form, hours as strings."""
        return {
            "micro_credentials": self.micro_credentials,
            "credit_hours": str(self.credit_hours),
            "cpe_hours": str(self.cpe_hours),
            "credits_available": None if self.credits_available is None else str(self.credits_available),
            "entry": self.entry.model_dump(mode="json", exclude_none=True),
        }


def _credits_available(achievement: dict | None) -> Decimal | None:
    """The achievement's own creditsAvailable, if it states a number."""
    value = (achievement or {}).get("creditsAvailable")
    try:
        return None if value is None or isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        return None


def map_to_catalog(credential_result: "VerificationResult", catalog: list[CatalogEntry]) -> CatalogMatch | None:
    """The catalog entry a valid credential from a trusted issuer earns, or None."""
    if not (credential_result.valid and credential_result.trusted):
        return None
    achievement = credential_result.achievement or {}
    candidates = [
        e for e in catalog
        if e.matches(achievement.get("id"), credential_result.issuer_id, achievement.get("name"))
    ]
    if not candidates:
        return None
    entry = max(candidates, key=lambda e: e.specificity)
    return CatalogMatch(entry, entry.micro_credentials, entry.credit_hours, entry.cpe_hours,
                        _credits_available(achievement))
