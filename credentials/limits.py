"""How much work reading and verifying one credential file may take; beyond it the file is refused, not worked on.

A 1.7 KB credential whose subject links 7 blank nodes to each other makes RDF canonicalization
try every ordering of them (6 s; 8 nodes 77 s), and a 500 KB baked PNG can inflate to 500 MB.
Every bound here is far above what real Open Badges need (the largest 1EdTech fixture, a complete
OB 3.0 credential, takes 356 quads and 2,916 steps of N-degree hashing; most take none).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

MAX_JSON_DEPTH = 32  # arrays and objects inside each other
MAX_JSON_VALUES = 50_000  # values in one credential document
MAX_BAKED_BYTES = 1024 * 1024  # a baked PNG's openbadges chunk, inflated
MAX_CREDENTIALS_PER_FILE = 10  # credentials baked into one SVG
MAX_NESTED_CREDENTIALS = 50  # credentials one CLR may bundle, at every level together
MAX_QUADS = 5_000  # RDF statements of one document to canonicalize
MAX_BLANK_NODES = 500
MAX_CANONICALIZATION_STEPS = 20_000  # orderings tried by N-degree hashing, over a whole verification
MAX_SECONDS = 5.0  # wall-clock time of a whole verification, a backstop behind the counts


class TooComplex(ValueError):
    """A credential would need more work to read or verify than the bounds allow; the message says which."""


@dataclass
class Budget:
    """The work one verification may still do: canonicalization steps, nested credentials and time."""

    steps: int = MAX_CANONICALIZATION_STEPS
    nested: int = MAX_NESTED_CREDENTIALS
    seconds: float = MAX_SECONDS
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def spend(self, steps: int, what: str) -> None:
        """Take `steps` of canonicalization work, or raise TooComplex when the budget or the time is gone."""
        self.steps -= steps
        if self.steps < 0:
            raise TooComplex(f"{what} needs more than {MAX_CANONICALIZATION_STEPS:,} steps")
        self.check_time(what)

    def take_nested(self, count: int) -> None:
        """Take `count` nested credentials, or raise TooComplex when a CLR bundles too many."""
        self.nested -= count
        if self.nested < 0:
            raise TooComplex(f"more than {MAX_NESTED_CREDENTIALS} nested credentials")

    def check_time(self, what: str) -> None:
        """Raise TooComplex once the verification has run past its time."""
        if time.monotonic() > self.deadline:
            raise TooComplex(f"{what} took longer than {self.seconds:g} s")


_active: ContextVar[Budget | None] = ContextVar("credential_budget", default=None)


@contextmanager
def budget(**limits) -> Iterator[Budget]:
    """Run a verification under one budget; a verification inside another (a CLR's nested credential) shares it."""
    current = _active.get()
    if current is not None:
        yield current
        return
    fresh = Budget(**limits)
    token = _active.set(fresh)
    try:
        yield fresh
    finally:
        _active.reset(token)


def current_budget() -> Budget:
    """The budget of the verification under way, or a fresh one for work done outside any."""
    return _active.get() or Budget()
