"""Words a person reads in place of the rule files' ids: subjects, ratings, degrees, kinds of pay line, school years.

Ids stay in URLs, forms' values and exports; templates show these labels (the `label` filter).
"""

from __future__ import annotations

from datetime import date

from engine.rules import DistrictRules
from engine.school_year import SchoolYear

# Ids whose words are not their spelling with spaces.
KNOWN = {
    "ba": "BA", "ma": "MA", "phd": "PhD", "esl": "ESL", "ela": "ELA (English language arts)", "k3": "K-3",
    "gifted": "Gifted and talented (GT)", "computer_science": "Computer science (CS)",
    "special_education": "Special education (SPED)", "nbct": "National Board certification",
    "esl_endorsement": "ESL endorsement", "hr": "HR", "fica": "FICA", "cola": "COLA",
    "growth_step": "growth step", "growth_steps": "growth steps", "lane_change": "lane change",
    "micro_credential": "micro-credential", "micro_credentials": "micro-credentials",
    "per_micro_credential": "per micro-credential", "stipend_only": "stipend only",
    "graduate_credit": "graduate credit", "cpe_hours": "CPE hours", "pd_points": "PD points",
    "bachelor": "Bachelor's", "master": "Master's", "specialist": "Specialist", "doctorate": "Doctorate",
    "highly_effective": "Highly effective", "full-year": "full year",
}


def label(value) -> str:
    """Give the words for an id: 'special_education' -> 'Special education (SPED)', 'social_studies' -> 'Social studies'."""
    if value is None:
        return ""
    text = str(getattr(value, "value", value))
    known = KNOWN.get(text.lower())
    if known:
        return known
    words = text.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else words


def school_year_names(rules: DistrictRules, today: date) -> dict[str, str]:
    """Give {label: 'this school year'} for last, this and next school year, by the district's calendar."""
    month, day = (int(part) for part in rules.district.school_year_starts.split("-"))
    current = SchoolYear.containing(today, month, day)
    return {current.plus(-1).label: "last school year", current.label: "this school year",
            current.plus(1).label: "next school year"}
