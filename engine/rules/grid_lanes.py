"""A salary grid's lane names read: the degree and credit each says ("MA+30", "BA+60/MA", "APC w/Master's +30")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.rules.values import DEGREES

# --- lanes: the degree and credit a lane's name says ------------------------------------------------

_DEGREE_WORDS = [
    ("none", r"non[- ]?licen[cs]ed|unlicen[cs]ed|no[- ]degree|non[- ]?degreed?|uncertified|nl"),
    ("doctorate", r"ph\.?\s?d\.?|ed\.?\s?d\.?|doctorate|doctoral|doctor|doc|dr"),
    ("specialist", r"ed\.?\s?s\.?|specialist|spec|cags"),
    ("master", r"master'?s?|masters'?|mast|m\.?a\.?|m\.?s\.?|m\.?ed\.?|mat|m"),
    ("bachelor", r"bachelor'?s?|bachelors'?|bach|b\.?a\.?|b\.?s\.?|b"),
]
_WORD = re.compile(r"(?<![A-Za-z])(?:" + "|".join(f"(?P<{d}>{p})" for d, p in _DEGREE_WORDS) + r")(?![A-Za-z])",
                   re.IGNORECASE)
_CREDITS = re.compile(r"\s*\+\s*(\d{1,3})(?!\d)")
_ANOTHER_DEGREE = re.compile(r"\+\s*[A-Za-z]")


@dataclass
class LaneReading:
    """What a lane's name says: its degree and credit beyond it, other ways in, and whether it is a guess."""

    label: str
    degree: str | None
    credits: int = 0
    equivalent: list[tuple[str, int]] = field(default_factory=list)
    sure: bool = True
    given: bool = False  # set by the person, not read from the name

    @property
    def id(self) -> str:
        return self.label

    def describe(self) -> str:
        if self.degree is None:
            return "no degree read: say which"
        text = _requirement(self.degree, self.credits)
        if self.equivalent:
            text += " (or " + ", or ".join(_requirement(d, c) for d, c in self.equivalent) + ")"
        return text


def _requirement(degree: str, credits: int) -> str:
    if degree == "none":
        return "no degree"
    return degree + (f" + {credits}" if credits else "")


def read_lane(label: str) -> LaneReading:
    """A lane's degree and credit from its published name; `sure` is False where the name leaves doubt."""
    text = re.sub(r"\bw/", "with ", label, flags=re.IGNORECASE)
    alternatives = [part for part in re.split(r"/|\bor\b", text, flags=re.IGNORECASE) if part.strip()]
    found: list[tuple[str, int]] = []
    sure = True
    for part in alternatives:
        matches = list(_WORD.finditer(part))
        if not matches:
            credits = _CREDITS.search(part)
            if credits and found:  # "MA/+15": credit on the previous alternative's degree
                found.append((found[-1][0], int(credits.group(1))))
            else:
                sure = False
            continue
        if len({m.lastgroup for m in matches}) > 1 or _ANOTHER_DEGREE.search(part):
            sure = False  # "MA+MA", "MA+60 Specialist": more than one degree in one part
        for match in matches:
            # Credit belongs to the degree it follows ("MA+60"); a lone "+30" goes with the part's only degree.
            credits = _CREDITS.match(part, match.end())
            if credits is None and len(matches) == 1:
                credits = _CREDITS.search(part)
            found.append((match.lastgroup, int(credits.group(1)) if credits else 0))
    if not found:
        return LaneReading(label, None, sure=False)
    found.sort(key=lambda need: (DEGREES.index(need[0]), -need[1]), reverse=True)
    primary = found[0]
    equivalent = []
    for need in found[1:]:
        if need != primary and need not in equivalent:
            equivalent.append(need)
    return LaneReading(label, primary[0], primary[1], equivalent, sure)


def parse_requirement(text: str) -> tuple[str, int]:
    """'master+30', 'none', 'bachelor' as (degree, credits); ValueError says what was expected."""
    match = re.fullmatch(r"\s*([a-z]+)\s*(?:\+\s*(\d{1,3}))?\s*", text.lower())
    if not match or match.group(1) not in DEGREES:
        raise ValueError(f"expected a degree ({', '.join(DEGREES)}) and optional credits, e.g. master+30; got {text!r}")
    return match.group(1), int(match.group(2) or 0)
