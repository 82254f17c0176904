"""The catalog and trusted-issuer models, and mapping a verified credential to MC count and hours."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from credentials import (
    CatalogEntry,
    TrustedIssuer,
    map_to_catalog,
    read_credentials,
    verify_credential,
)

ISSUER = "https://example.com/issuers/876543"
TEAMWORK = "https://example.com/achievements/21st-century-skills/teamwork"
FIXTURE_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


@pytest.fixture
def verified(obdata, manifest_day):
    """simple.json verified with its issuer on the district list."""
    (found,) = read_credentials((obdata / "real/1edtech-validator/ob30/simple.json").read_bytes())
    trusted = [TrustedIssuer(id=ISSUER, name="Example Corp", keys=[FIXTURE_KEY])]
    return verify_credential(found, trusted_issuers=trusted, now=manifest_day)


def test_most_specific_entry_wins(verified):
    """An achievement-id entry beats an issuer-wide one, whatever the order."""
    catalog = [
        CatalogEntry(issuer_id=ISSUER, credit_hours=Decimal("0.5"), cpe_hours=Decimal("5")),
        CatalogEntry(achievement_id=TEAMWORK, issuer_id=ISSUER, micro_credentials=2,
                     credit_hours=Decimal("1"), cpe_hours=Decimal("10")),
    ]
    match = map_to_catalog(verified, catalog)
    assert (match.micro_credentials, match.credit_hours, match.cpe_hours) == (2, Decimal("1"), Decimal("10"))
    assert match.credits_available is None


def test_name_matches_case_insensitively(verified):
    """A catalog name matches the achievement name regardless of case."""
    match = map_to_catalog(verified, [CatalogEntry(name="TEAMWORK", credit_hours=Decimal("1"), cpe_hours=Decimal("0"))])
    assert match is not None and match.micro_credentials == 1


def test_no_matching_entry(verified):
    """A credential the catalog does not list earns nothing."""
    assert map_to_catalog(verified, [CatalogEntry(name="Other", credit_hours=Decimal(1), cpe_hours=Decimal(1))]) is None


def test_untrusted_credential_does_not_map(obdata, manifest_day):
    """Without the district's trust a matching name earns nothing: anyone can claim a name."""
    (found,) = read_credentials((obdata / "real/1edtech-validator/ob30/simple.json").read_bytes())
    result = verify_credential(found, now=manifest_day)
    assert map_to_catalog(result, [CatalogEntry(name="Teamwork", credit_hours=Decimal(1), cpe_hours=Decimal(1))]) is None


def test_models_are_strict():
    """Unknown keys, entries matching everything, and keyless trust are refused; hours are Decimal."""
    with pytest.raises(ValidationError):
        CatalogEntry(name="x", credit_hours=Decimal(1), cpe_hours=Decimal(1), bonus=1)
    with pytest.raises(ValidationError):
        CatalogEntry(credit_hours=Decimal(1), cpe_hours=Decimal(1))
    with pytest.raises(ValidationError):
        TrustedIssuer(id=ISSUER, name="No keys")
    entry = CatalogEntry.model_validate({"name": "x", "credit_hours": "1.25", "cpe_hours": 15})
    assert entry.credit_hours == Decimal("1.25") and isinstance(entry.cpe_hours, Decimal)
    assert TrustedIssuer(id="did:key:" + FIXTURE_KEY, name="DID").keys == []
