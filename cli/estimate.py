"""`flask estimate`: a teacher's pay now and over the next years, as a table or JSON."""
from __future__ import annotations

import json
from decimal import Decimal

import click
from pydantic import ValidationError

from engine.errors import RuleInputError
from engine.rules.load import load_districts
from engine.rules.reader import RuleFileError
from engine.teacher.options import EstimateOptions, run_estimate


@click.command("estimate")
@click.option("--district", required=True, help="district id, e.g. dysart")
@click.option("--school-year", required=True, help="e.g. 2026-27")
@click.option("--step", required=True, type=int)
@click.option("--lane", required=True)
@click.option("--micro-credentials", type=int, default=0, show_default=True, help="earned this school year")
@click.option("--credits", type=str, default="0", show_default=True, help="semester hours earned this school year")
@click.option("--years", type=int, default=10, show_default=True)
@click.option("--fte", type=str, default="1", show_default=True)
@click.option("--degree", type=click.Choice(["bachelor", "master", "specialist", "doctorate"]))
@click.option("--band")
@click.option("--years-of-service", type=int)
@click.option("--subject", "subjects", multiple=True, help="repeatable, e.g. --subject math")
@click.option("--certification", "certifications", multiple=True, help="repeatable, e.g. --certification nbct")
@click.option("--non-certified", is_flag=True, help="the teacher holds no teaching certificate")
@click.option("--role", help="a teacher-leader role to aim for")
@click.option("--growth-steps", type=int, default=0, show_default=True, help="growth steps already held")
@click.option("--json", "as_json", is_flag=True, help="print the estimate as JSON")
def estimate_command(district, school_year, step, lane, micro_credentials, credits, years, fte, degree, band,
                     years_of_service, subjects, certifications, non_certified, role, growth_steps, as_json):
    """A teacher's pay now and year by year, with the arithmetic."""
    try:
        options = EstimateOptions(
            district=district, school_year=school_year, step=step, lane=lane, micro_credentials=micro_credentials,
            credits=Decimal(credits), years=years, fte=Decimal(fte), degree=degree, band=band,
            years_of_service=years_of_service, subjects=list(subjects), certifications=list(certifications),
            certified=not non_certified, role=role, growth_steps=growth_steps)
    except (ValidationError, ArithmeticError) as exc:
        raise click.UsageError(_describe(exc)) from None
    try:
        districts = load_districts()
    except RuleFileError as exc:
        raise click.ClickException(f"the rule files have errors:\n{exc}") from None
    if district not in districts:
        raise click.UsageError(f"unknown district {district!r} (districts: {', '.join(sorted(districts))})")
    try:
        result = run_estimate(districts, options)
    except (RuleInputError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    data = result.to_json()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    _print_table(data)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"--{'-'.join(str(p) for p in e['loc']).replace('_', '-')}: {e['msg']}" for e in exc.errors())
    return f"expected a number: {exc}"


def _print_table(data: dict) -> None:
    click.echo(f"{data['district_name']}, {data['school_year']}: step {data['step']}, lane {data['lane']}"
               + (" (illustrative figures)" if data["illustrative"] else ""))
    click.echo(f"  Base salary {data['base_salary']:>14}")
    for line in data["additions"]:
        click.echo(f"  {line['name'][:40]:<40} {line['amount']:>12}")
    click.echo(f"  Total       {data['total']:>14}")
    click.echo("")
    header = f"{'Year':<9}{'Step':>5}  {'Lane':<8}{'Base':>13}{'Additions':>12}{'Total':>13}{'Cumulative':>15}"
    click.echo(header)
    click.echo("-" * len(header))
    for year in data["timeline"]:
        mark = " *" if year["assumed"] else ""
        click.echo(f"{year['school_year']:<9}{year['step']:>5}  {year['lane']:<8}{year['base_salary']:>13}"
                   f"{year['additions_total']:>12}{year['total']:>13}{year['cumulative']:>15}{mark}")
    if data["assumed_years"]:
        click.echo("* assumed: no schedule adopted yet; the latest is carried forward by the COLA assumption")
