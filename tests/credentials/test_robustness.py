"""Whatever arrives in a file, reading and verifying report problems instead of crashing."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials import UnreadableCredential, read_credentials, verify_credential
from credentials.reader import Credential

# The autouse no-network guard is function scoped on purpose: it must hold across every example.
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every path to a value inside a JSON document."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_read_or_refuse(data):
    """Arbitrary bytes give credentials or UnreadableCredential, nothing else."""
    try:
        read_credentials(data)
    except UnreadableCredential:
        pass


@SETTINGS
@given(data=st.data())
def test_mutated_credential_is_reported_not_raised(obdata, manifest_day, data):
    """Replacing any field of a signed CLR with any JSON value yields a consistent report, never an exception."""
    document = json.loads((obdata / "real/1edtech-validator/clr20/simple.json").read_text(encoding="utf-8"))
    mutated = copy.deepcopy(document)
    path = data.draw(st.sampled_from(list(_paths(mutated))))
    target = mutated
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(JSON_VALUES)
    result = verify_credential(Credential(mutated, "mutated.json"), now=manifest_day, recipient="a@example.org")
    assert json.dumps(result.as_json())
    if result.valid:
        assert all(result.check(name).passed is True for name in ("signature", "issuer_key", "dates", "shape"))
    if any(c.passed is False for c in result.checks):
        assert not result.valid
