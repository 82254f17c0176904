"""`credentials verify`: check credential files offline (plain click, registered on the Flask CLI by the app)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from credentials.catalog import CatalogEntry, TrustedIssuer, map_to_catalog
from credentials.reader import UnreadableCredential, read_credentials
from credentials.verify import VerificationResult, load_documents, verify_credential

MARKS = {True: "ok", False: "FAIL", None: "--"}


def _district_trust(district_id: str, rules_dir: Path) -> tuple[list[TrustedIssuer], list[CatalogEntry]]:
    """Trusted issuers and credential catalog from district_rules/<ID>.yaml."""
    from engine.rules.load import parse_rules
    from engine.rules.reader import RuleFileError

    path = Path(rules_dir) / f"{district_id}.yaml"
    try:
        rules = parse_rules(path)
    except OSError as exc:
        raise click.UsageError(f"no rule file for district {district_id}: {exc.strerror}") from exc
    except RuleFileError as exc:
        raise click.UsageError(f"the rule file has errors:\n{exc}") from exc
    return list(rules.trusted_issuers), list(rules.credential_catalog)


def _as_json(result: VerificationResult, catalog: list[CatalogEntry]) -> dict:
    """One credential's JSON object, with its catalog match and those of any nested credentials."""
    data = result.as_json()
    match = map_to_catalog(result, catalog)
    data["catalog_match"] = match.as_json() if match else None
    data["nested"] = [_as_json(n, catalog) for n in result.nested]
    return data


def _print(data: dict, indent: str = "") -> None:
    """Human-readable report of one credential."""
    verdict = "VALID" if data["valid"] else "INVALID"
    trust = "issuer trusted" if data["trusted"] else "issuer not trusted"
    issuer = data["issuer"]["name"] or data["issuer"]["id"]
    click.echo(f"{indent}{data['file']}: {data['type']} from {issuer} -- {verdict}, {trust}")
    if data["achievement"]:
        click.echo(f"{indent}  achievement: {data['achievement'].get('name')} ({data['achievement'].get('id')})")
    for check in data["checks"]:
        click.echo(f"{indent}  {check['name']:<11} {MARKS[check['passed']]:<4} {check['message']}")
    match = data["catalog_match"]
    if match:
        click.echo(f"{indent}  catalog     {match['micro_credentials']} MC, {match['credit_hours']} credit hours, "
                   f"{match['cpe_hours']} CPE hours (creditsAvailable: {match['credits_available']})")
    for nested in data["nested"]:
        _print(nested, indent + "    ")


@click.group("credentials")
def credentials() -> None:
    """Verify micro-credentials (Open Badges 2.0/3.0, CLR 2.0) offline."""


@credentials.command("verify")
@click.option("--district", help="District id: trusted issuers and catalog from its rule file.")
@click.option("--rules-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("district_rules"),
              show_default=True, help="Folder of district rule files.")
@click.option("--documents", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of OB 2.0 linked documents (keys, issuers, badges, revocation lists).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per credential.")
@click.option("--now", help="Check dates at this ISO 8601 instant instead of the clock.")
@click.option("--recipient", help="Expected recipient id or email.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(district, rules_dir, documents, as_json, now, recipient, files) -> None:
    """Verify credential FILES; exit 0 only when every credential is valid."""
    trusted, catalog = _district_trust(district, rules_dir) if district else ([], [])
    try:
        moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    linked = load_documents(documents) if documents else {}
    reports, all_valid = [], True
    for path in files:
        try:
            found = read_credentials(path.read_bytes(), str(path))
        except UnreadableCredential as exc:
            reports.append({"file": str(path), "error": str(exc), "valid": False})
            all_valid = False
            continue
        for credential in found:
            result = verify_credential(credential, trusted_issuers=trusted, documents=linked,
                                       recipient=recipient, now=moment)
            all_valid = all_valid and result.valid
            reports.append(_as_json(result, catalog))
    if as_json:
        click.echo(json.dumps(reports, indent=2))
    else:
        for report in reports:
            if "error" in report:
                click.echo(f"{report['file']}: unreadable -- {report['error']}")
            else:
                _print(report)
    raise SystemExit(0 if all_valid else 1)
