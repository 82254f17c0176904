"""`credentials verify`: the printed report, the --json shape, the district's trust and catalog, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from credentials.cli import credentials

V = "real/1edtech-validator"
KEYS = {"file", "type", "issuer", "achievement", "valid", "trusted", "checks", "catalog_match", "nested"}


def run(*args):
    """Invoke the command group."""
    return CliRunner().invoke(credentials, ["verify", "--now", "2026-11-23T00:00:00Z", *map(str, args)])


def test_prints_each_check(obdata):
    """The text report names every check and the verdict."""
    result = run(obdata / V / "ob30/simple.json")
    assert result.exit_code == 0, result.output
    assert "VALID, issuer not trusted" in result.output
    for name in ("signature", "issuer_key", "dates", "recipient", "shape", "revocation"):
        assert name in result.output


def test_json_shape_and_exit_code(obdata):
    """--json prints one object per credential; any invalid credential exits 1."""
    result = run("--json", obdata / V / "ob30/simple.json", obdata / V / "ob30/simple-err-expired.json")
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["valid"] for r in reports] == [True, False]
    for report in reports:
        assert set(report) == KEYS
        assert {"name", "passed", "message"} == set(report["checks"][0])
    assert reports[1]["checks"][2] == {"name": "dates", "passed": False,
                                       "message": "expired: validUntil 2010-01-01T00:00:00+00:00"}


def test_clr_nested_in_json(obdata):
    """A CLR's nested credentials appear under `nested` with the same shape."""
    (report,) = json.loads(run("--json", obdata / V / "clr20/simple.json").output)
    assert report["type"] == "ClrCredential" and set(report["nested"][0]) == KEYS


def test_district_trust_and_catalog(obdata, tmp_path):
    """--district loads trusted_issuers and credential_catalog from the rule file."""
    rules = {
        "trusted_issuers": [{"id": "https://example.com/issuers/876543", "name": "Example Corp",
                             "keys": ["z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"]}],
        "credential_catalog": [{"name": "teamwork", "micro_credentials": 1, "credit_hours": "0.5", "cpe_hours": "10"}],
    }
    base = (Path(__file__).parents[1] / "engine" / "broken" / "_base.yaml.txt").read_text(encoding="utf-8")
    base = base.replace("id: broken", "id: springfield")
    (tmp_path / "springfield.yaml").write_text(base + yaml.safe_dump(rules), encoding="utf-8")
    args = ["--district", "springfield", "--rules-dir", tmp_path]
    (report,) = json.loads(run("--json", *args, obdata / V / "ob30/simple.json").output)
    assert report["trusted"] is True
    assert report["catalog_match"]["micro_credentials"] == 1
    assert report["catalog_match"]["credit_hours"] == "0.5" and report["catalog_match"]["cpe_hours"] == "10"
    text = run(*args, obdata / V / "ob30/simple.json").output
    assert "issuer trusted" in text and "1 MC, 0.5 credit hours, 10 CPE hours" in text


def test_unknown_district_is_a_usage_error(obdata, tmp_path):
    """A district without a rule file stops with a usage error."""
    result = run("--district", "nowhere", "--rules-dir", tmp_path, obdata / V / "ob30/simple.json")
    assert result.exit_code == 2 and "no rule file" in result.output


def test_documents_and_recipient(obdata):
    """--documents supplies OB 2.0 linked documents; --recipient is checked."""
    result = run("--json", "--documents", obdata / V / "ob20/assets", "--recipient", "x@example.org",
                 obdata / V / "ob20/simple-revoked.jwt")
    (report,) = json.loads(result.output)
    checks = {c["name"]: c["passed"] for c in report["checks"]}
    assert checks["signature"] is True and checks["revocation"] is False and checks["recipient"] is False
    assert result.exit_code == 1


def test_unreadable_file(tmp_path):
    """A file holding no credential is reported and exits 1."""
    path = tmp_path / "notes.txt"
    path.write_text("not a credential", encoding="utf-8")
    result = run(path)
    assert result.exit_code == 1 and "unreadable" in result.output


def test_package_never_imports_flask():
    """credentials (and its CLI) stay free of Flask so workers and scripts can use them."""
    code = "import sys, credentials, credentials.cli; print(any(m.split('.')[0] == 'flask' for m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2]).stdout
    assert output.strip() == "False"
