"""A worker keeps stored rosters between parts; an id alone must not bring back another roster (a deleted roster's id
taken again, or a database rebuilt under a running worker, as the test suite does)."""
from services import roster as rosters
from services.runs import WorkerCache
from engine.budget.roster import synthesize


def test_a_roster_id_taken_again_is_not_served_from_the_cache(session, districts):
    cache = WorkerCache()
    cedar, dysart = districts["cedar-valley"], districts["dysart"]
    first = rosters.save_roster(session=session, rules=cedar, name="Cedar", roster=synthesize(cedar, 30, seed=1))
    assert len(cache.roster(session, cedar, first.id)) == 30
    rosters.delete_roster(session=session, roster_id=first.id)
    second = rosters.save_roster(session=session, rules=dysart, name="Dysart", roster=synthesize(dysart, 12, seed=2))
    loaded = cache.roster(session, dysart, second.id)
    assert len(loaded) == 12  # Dysart's 12 teachers, not Cedar Valley's 30 under the same id
