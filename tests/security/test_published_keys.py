"""Item 4: no shipped rule file trusts a key whose private half is published; tests bring such keys in themselves.

1EdTech publishes the key pair of its OB 3.0 test issuer. A district that trusted it would pay
for any badge anyone signs with it; here the shipped files trust none, and the one test that
needs the issuer trusted writes its own rule file.
"""

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from credentials.cli import credentials as credentials_group
from credentials.keys import IssuerKey, from_multibase, trusted_keys
from engine import load_districts
from tests.credentials.conftest import obdata_dir

SHIPPED_RULES = Path(__file__).resolve().parents[2] / "district_rules"
# 1EdTech's OB 3.0 test issuer: its secret key is in the implementation guide (and in obdata's keypair.json).
ONE_EDTECH_TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
ONE_EDTECH_TEST_ISSUER = "https://example.edu/issuers/565049"


def published_keys() -> dict[bytes, str]:
    """Fingerprints of every public key whose private half is published: 1EdTech's, and each obdata key pair."""
    keys = {ONE_EDTECH_TEST_KEY: "1EdTech OB 3.0 test issuer"}
    for path in sorted(obdata_dir().glob("**/keypair*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        if pair.get("secretKeyMultibase") or any("private" in name.lower() for name in pair):
            keys[pair["publicKeyMultibase"]] = str(path.relative_to(obdata_dir()))
    return {IssuerKey(from_multibase(key), where).fingerprint: where for key, where in keys.items()}


def test_no_shipped_rule_file_trusts_a_published_key():
    published = published_keys()
    trusted = [(district_id, entry.name, key) for district_id, rules in load_districts(SHIPPED_RULES).items()
               for entry in rules.trusted_issuers for key in trusted_keys(entry)]
    offenders = [f"{district_id}: {name} ({published[key.fingerprint]})" for district_id, name, key in trusted
                 if key.fingerprint in published]
    assert offenders == []


@pytest.fixture
def rules_trusting_the_test_issuer(tmp_path) -> Path:
    """A folder holding Cedar Valley's rules plus the 1EdTech test issuer: how a test brings a published key in."""
    rules = yaml.safe_load((SHIPPED_RULES / "cedar-valley.yaml").read_text(encoding="utf-8"))
    rules["trusted_issuers"] = [{"id": ONE_EDTECH_TEST_ISSUER, "name": "1EdTech OB 3.0 test issuer (tests only)",
                                 "keys": [ONE_EDTECH_TEST_KEY], "illustrative": True}]
    rules["credential_catalog"] = [{"achievement_id": "https://example.com/achievements/21st-century-skills/teamwork",
                                    "issuer_id": ONE_EDTECH_TEST_ISSUER, "micro_credentials": 1, "credit_hours": 1,
                                    "cpe_hours": 15, "illustrative": True}]
    (tmp_path / "cedar-valley.yaml").write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_the_test_issuer_is_trusted_only_where_a_test_says_so(rules_trusting_the_test_issuer):
    badge = obdata_dir() / "ob3" / "obv3p0" / "credential-signed.json"
    if not badge.is_file():
        pytest.skip(f"Open Badges test data not found at {obdata_dir()}")
    verify = ["verify", "--json", "--district", "cedar-valley", "--now", "2026-11-23T00:00:00Z", str(badge)]

    shipped = json.loads(CliRunner().invoke(credentials_group, [*verify, "--rules-dir", str(SHIPPED_RULES)]).output)
    fixture = json.loads(CliRunner().invoke(credentials_group, [*verify, "--rules-dir",
                                                                 str(rules_trusting_the_test_issuer)]).output)
    assert (shipped[0]["valid"], shipped[0]["trusted"], shipped[0]["catalog_match"]) == (True, False, None)
    assert (fixture[0]["valid"], fixture[0]["trusted"]) == (True, True)
    assert fixture[0]["catalog_match"]["micro_credentials"] == 1
