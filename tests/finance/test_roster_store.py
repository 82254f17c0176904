"""A stored roster comes back as it went in: the columns a projection loads (numbers packed by the database, text
keyed by length) hold every teacher's values, whatever characters their text holds."""
from datetime import date
from decimal import Decimal

from engine.budget.roster import Roster, RosterTeacher
from models.finance import RosterColumns
from services import roster as rosters

AWKWARD = ["1:x", "-1:", ":", "a;b", "\x1f\x1e", "ünïcode ✓", "12:34:56", "", "band 5"]


def test_awkward_text_and_extreme_numbers_round_trip(session, districts):
    rules = districts["harmony"]
    lanes = [lane.id for lane in rules.lanes]
    teachers = [RosterTeacher(employee_id=f"E{i}", step=[0, 1, 9999][i % 3], lane=lanes[i % len(lanes)],
                              fte=[Decimal("1.00"), Decimal("0.01"), Decimal("0.75")][i % 3],
                              school=AWKWARD[i % len(AWKWARD)], hire_date=[None, date(1940, 1, 1), date(2026, 11, 30)][i % 3],
                              degree=None, band=[None, AWKWARD[i % len(AWKWARD)] or None][i % 2],
                              micro_credentials=[0, 9999, 7][i % 3],
                              credit_hours=[Decimal("0"), Decimal("999.99"), Decimal("1.5")][i % 3],
                              # subjects are stored joined by ";" (a file's cell is split on it): never inside one
                              subjects=tuple(sorted({AWKWARD[i % len(AWKWARD)].replace(";", ""), "math"} - {""})),
                              certifications=(("nbct",) if i % 4 == 0 else ()), certified=i % 5 != 0)
                for i in range(60)]
    stored = rosters.save_roster(session=session, rules=rules, name="awkward",
                                 roster=Roster.from_teachers(rules.id, teachers, rules))
    loaded = rosters.load_roster(session=session, rules=rules, roster_id=stored.id)
    expected = [t.__class__(**{**t.__dict__, "degree": t.degree or rules.lane(t.lane).degree}) for t in teachers]
    assert list(loaded.teachers()) == expected
    from_columns = rosters.load_roster(session=session, rules=rules, roster_id=stored.id, with_ids=False)
    # A roster stored before its columns were kept beside its rows loads from the rows, the database packing them.
    session.delete(session.get(RosterColumns, stored.id))
    session.commit()
    from_rows = rosters.load_roster(session=session, rules=rules, roster_id=stored.id, with_ids=False)
    for bare in (from_columns, from_rows):
        assert_same_teachers(bare, teachers)


def assert_same_teachers(bare, teachers):
    assert len(bare) == 60 and bare.employee_ids is None
    mine = sorted(((int(s), bare.lanes[int(la)], int(f), int(h), int(m), int(c), bare.profiles[int(p)])
                  for s, la, f, h, m, c, p in zip(bare.step, bare.lane, bare.fte_hundredths, bare.hire_ordinal,
                                                  bare.micro_credentials, bare.credit_hundredths, bare.profile)), key=repr)
    theirs = sorted(((t.step, t.lane, int(t.fte * 100), t.hire_date.toordinal() if t.hire_date else 0, t.micro_credentials,
                     int(t.credit_hours * 100), (t.band, t.subjects, t.certifications, t.certified)) for t in teachers), key=repr)
    assert mine == theirs
