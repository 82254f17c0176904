"""Judging the policy by its results, worked out by hand from a small Harmony history ($200 a micro-credential, at
most 8 a year, bands 5 and 6)."""
from decimal import Decimal

from engine.budget.outcomes import History, outcomes

# school year -> (pay band, years of service); granted micro-credentials by the year they count for.
HISTORY = [
    History(1, "A", {"2024-25": ("5", 3), "2025-26": ("5", 4), "2026-27": ("5", 5)}, {"2024-25": 8, "2025-26": 10}),
    History(2, "A", {"2024-25": ("5", 2), "2025-26": ("5", 3)}, {"2025-26": 5}),          # left after 2025-26
    History(3, "B", {"2024-25": ("3", 12), "2025-26": ("3", 13), "2026-27": ("3", 14)}, {"2024-25": 4}),
    History(4, "B", {"2024-25": ("5", 1)}),                                                 # left after 2024-25
    History(5, "A", {"2025-26": ("6", 8), "2026-27": ("6", 9)}),
]


def test_uptake_cost_retention_and_the_defaults_a_projection_should_take(shipped):
    found = outcomes(shipped["harmony"], HISTORY, program_cost_per_micro_credential=Decimal("50.00"))
    # 2024-25: 4 on staff, teachers 1 and 3 earn (8 + 4 = 12); the stipend pays teacher 1 (band 5) 8 x 200.00,
    #          teacher 3 is in band 3 (not eligible); program 12 x 50.00 = 600.00
    # 2025-26: 4 on staff, teachers 1 (10, capped at 8: 1,600.00) and 2 (5: 1,000.00) earn; program 15 x 50.00
    # 2026-27: 3 on staff, no one earns
    assert [(y["school_year"], y["staff"], y["earners"], y["share"], y["micro_credentials"], y["stipends"], y["program"])
            for y in found["years"]] == [
        ("2024-25", 4, 2, Decimal("50.0"), 12, Decimal("1600.00"), Decimal("600.00")),
        ("2025-26", 4, 2, Decimal("50.0"), 15, Decimal("2600.00"), Decimal("750.00")),
        ("2026-27", 3, 0, Decimal("0"), 0, Decimal("0"), Decimal("0.00"))]
    # 1,600 + 600 + 2,600 + 750 = 5,550.00 for 27 micro-credentials: 205.555... -> 205.56
    assert (found["cost"], found["micro_credentials"], found["cost_per_micro_credential"]) == \
        (Decimal("5550.00"), 27, Decimal("205.56"))
    # School A: 7 teacher-years, 3 earning (1, 1, 2), 8 + 10 + 5 = 23; school B: 4 teacher-years, 1 earning, 4.
    assert [(s["name"], s["staff"], s["earners"], s["share"], s["micro_credentials"]) for s in found["by_school"]] == [
        ("A", 7, 3, Decimal("42.9"), 23), ("B", 4, 1, Decimal("25.0"), 4)]
    assert [(b["name"], b["earners"], b["share"]) for b in found["by_band"]] == [
        ("3", 1, Decimal("33.3")), ("5", 3, Decimal("50.0")), ("6", 0, Decimal("0"))]
    # Retention to the next year. Earners: 1 (2024-25, kept), 3 (kept), 1 (2025-26, kept), 2 (left): 3 of 4, 75.0%.
    # Comparable non-earners: 0-4 years in band 5: teachers 2 (2024-25, kept) and 4 (left): 1 of 2; 10-19 years in
    # band 3: teacher 3 (2025-26, kept): 1 of 1. Weighted by the earners (3 in the first group, 1 in the second):
    # (3 x 0.5 + 1 x 1.0) / 4 = 62.5%. Retained beyond: 4 x (0.75 - 0.625) = 0.50 teacher; 5,550.00 / 0.5 = 11,100.00
    retention = found["retention"]
    assert (retention["earners"], retention["kept"], retention["earner_rate"], retention["comparable_rate"],
            retention["retained_beyond"]) == (4, 3, Decimal("75.0"), Decimal("62.5"), Decimal("0.50"))
    assert found["cost_per_teacher_retained"] == Decimal("11100.00")
    # Defaults: of non-earners with a next year (2 in 2024-25; 3 and 5 in 2025-26), 1 of 3 starts: 33.3%; of earners
    # with a next year (1 and 3 in 2024-25, 1 in 2025-26), 1 of 3 goes on: 33.3%; 27 / 4 earner-years = 6.75 -> 7.
    assert {k: found["defaults"][k] for k in ("uptake_percent", "persistence_percent", "micro_credentials_per_participant")} == \
        {"uptake_percent": Decimal("33.3"), "persistence_percent": Decimal("33.3"), "micro_credentials_per_participant": 7}


def test_the_outcomes_page_reads_the_ledger_and_the_roster_history_and_hands_its_uptake_to_a_new_scenario(
        client, login_as, session):
    from datetime import date

    from models.teachers import CredentialKind, CredentialStatus, EarnedCredentialCreate, PlacementCreate, TeacherCreate
    from services import teachers

    for h in HISTORY:
        teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
            district_id="harmony", employee_id=f"H{h.teacher_id}", name=f"Teacher {h.teacher_id}", school=h.school,
            hire_date=date(2015, 8, 1)))
        for label, (band, years) in h.placements.items():
            teachers.set_placement(session=session, placement=PlacementCreate(
                teacher_id=teacher.id, school_year=label, step=3, lane="T", fte=Decimal(1), years_of_service=years, band=band))
        for label, count in h.granted.items():
            teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
                teacher_id=teacher.id, kind=CredentialKind.micro_credential, title="MC", amount=Decimal(count),
                school_year=label))
        # A denied one and a submitted one do not count.
        teachers.add_credential(session=session, status=CredentialStatus.denied, credential=EarnedCredentialCreate(
            teacher_id=teacher.id, kind=CredentialKind.micro_credential, title="MC", amount=Decimal(3), school_year="2025-26"))
    login_as("finance")
    page = client.get("/finance/outcomes?district_id=harmony&program_cost=50").get_data(as_text=True)
    assert 'data-testid="cost-per-mc">$205.56<' in page
    assert 'data-testid="cost-per-retained">$11,100.00<' in page and "75.0% vs 62.5%" in page
    link = page[page.index('data-testid="use-defaults" href="') + 33:].split('"')[0].replace("&amp;", "&")
    assert "uptake_percent=33.3" in link and "persistence_percent=33.3" in link
    form = client.get(link).get_data(as_text=True)
    assert 'id="uptake_percent" name="uptake_percent" type="text" inputmode="decimal" value="33.3"' in form
    assert 'id="micro_credentials_per_participant" name="micro_credentials_per_participant" type="text" inputmode="numeric" value="7"' in form
    assert client.get("/finance/outcomes?district_id=harmony&program_cost=lots").status_code == 400
