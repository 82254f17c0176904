"""Step labels as districts publish them, read into the engine's step numbers.

Inside the engine a step is a whole number; the label is for display. A label is
one of: a number ("5", step 0 too), a band of numbers ("10-14", "1 & 2"), an open
end ("25+"), a letter ("B", A = 1 ... Z = 26), a band or open end of letters
("L-N", "Y+"), or any label followed by its number in brackets ("D (1)",
"L.5 (10)"), where the number in brackets is the step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_JOIN = r"\s*(?:-|\u2013|\u2014|&|\band\b|\bto\b|\bthrough\b|\bthru\b)\s*"
_NUMBER = re.compile(r"^(\d{1,3})$")
_NUMBER_BAND = re.compile(rf"^(\d{{1,3}}){_JOIN}(\d{{1,3}})$", re.IGNORECASE)
_OPEN = re.compile(r"^(\d{1,3}|[A-Za-z])\s*\+$")
_LETTER = re.compile(r"^([A-Za-z])$")
_LETTER_BAND = re.compile(rf"^([A-Za-z]){_JOIN}([A-Za-z])$", re.IGNORECASE)
_BRACKETED = re.compile(r"^(.*?)\s*\(\s*(\d{1,3}(?:" + _JOIN + r"\d{1,3})?|\d{1,3}\s*\+)\s*\)$", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:step|steps|yr|year|years)\s+", re.IGNORECASE)

EXPECTED = ("expected a step label: a number ('5', or 0), a band ('10-14', '1 & 2'), an open end ('25+', 'Y+'), "
            "a letter ('B') or letters ('L-N'), or a label with its number in brackets ('D (1)', 'L.5 (10)')")


@dataclass(frozen=True)
class StepSpan:
    """The step numbers a label stands for: `first` to `last` (None: open, every step from `first` on)."""

    first: int
    last: int | None
    letters: bool = False
    bracketed: str | None = None  # the label's text before a number in brackets ("D" in "D (1)")

    @property
    def single(self) -> bool:
        return self.last == self.first


def letter_number(letter: str) -> int:
    """A step letter's number: A = 1 ... Z = 26."""
    return ord(letter.upper()) - ord("A") + 1


def normal_label(label: int | str) -> str:
    """A label with its spaces collapsed and its case folded, for matching what a person types."""
    return " ".join(str(label).split()).casefold()


@lru_cache(maxsize=4096)
def parse_label(label: int | str) -> StepSpan:
    """The steps a label stands for; ValueError says what was expected."""
    if isinstance(label, bool):
        raise ValueError(f"{EXPECTED}, got {label!r}")
    if isinstance(label, int):
        if label < 0:
            raise ValueError(f"expected a step >= 0, got {label}")
        return StepSpan(label, label)
    text = " ".join(str(label).split())
    text = _PREFIX.sub("", text)
    if match := _NUMBER.match(text):
        return StepSpan(int(match.group(1)), int(match.group(1)))
    if match := _NUMBER_BAND.match(text):
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise ValueError(f"the band {label!r} ends before it starts")
        return StepSpan(first, last)
    if match := _OPEN.match(text):
        value = match.group(1)
        return StepSpan(int(value), None) if value.isdigit() else StepSpan(letter_number(value), None, letters=True)
    if match := _LETTER.match(text):
        number = letter_number(match.group(1))
        return StepSpan(number, number, letters=True)
    if match := _LETTER_BAND.match(text):
        first, last = letter_number(match.group(1)), letter_number(match.group(2))
        if last < first:
            raise ValueError(f"the band {label!r} ends before it starts")
        return StepSpan(first, last, letters=True)
    if (match := _BRACKETED.match(text)) and match.group(1):
        inner = parse_label(match.group(2))
        return StepSpan(inner.first, inner.last, bracketed=normal_label(match.group(1)))
    raise ValueError(f"{EXPECTED}, got {label!r}")


def span_text(first: int, last: int | None) -> str:
    """Steps as words: 'step 5', 'steps 10-14', 'steps 25 on'."""
    if last is None:
        return f"steps {first} on"
    return f"step {first}" if first == last else f"steps {first}-{last}"
