"""Accessibility checks for browser tests: axe-core (bundled in axe-playwright-python, no network) on a page.

    from tests.a11y import assert_accessible
    assert_accessible(page)                       # fails on any serious or critical violation, listing each
    problems = axe_violations(page)               # the same violations as data, to report or compare
    assert_fits(page)                             # no sideways scroll, and no amount broken over two lines

The check runs on the page as it is now, so call it after the page has settled (charts drawn, htmx swapped).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

SERIOUS = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page: its id, impact, help text and where (a few CSS selectors)."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.targets[:3]) + (f" (+{len(self.targets) - 3} more)" if len(self.targets) > 3 else "")
        return f"{self.impact}: {self.rule}: {self.help} at {where}"


@cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def settle(page) -> None:
    """Wait until every chart on the page is drawn (static/charts.js marks each with data-drawn)."""
    # A locator, not wait_for_function: the page's Content-Security-Policy refuses the eval that one needs.
    from playwright.sync_api import expect

    expect(page.locator("[data-figure]:not([data-drawn='true'])")).to_have_count(0)


def axe_violations(page, impacts: tuple[str, ...] = SERIOUS) -> list[Violation]:
    """Give the axe violations of the given impacts on the page as it is now (WCAG 2.x A and AA, and best practice)."""
    results = _axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in impacts:
            targets = tuple(" ".join(map(str, node["target"])) for node in violation["nodes"])
            found.append(Violation(violation["id"], violation["impact"], violation["help"], targets))
    return found


def assert_accessible(page, impacts: tuple[str, ...] = SERIOUS, ignore: set[str] | frozenset[str] = frozenset()) -> None:
    """Fail with every serious or critical axe violation on the page (rules in `ignore` aside)."""
    problems = [v for v in axe_violations(page, impacts) if v.rule not in ignore]
    assert not problems, f"{page.url}:\n  " + "\n  ".join(map(str, problems))


# WCAG 1.4.10 (reflow): at 320-400 px the page must not scroll sideways; amounts must not break mid-number.
FITS = """() => {
  const page = document.documentElement;
  const broken = Array.from(document.querySelectorAll('.amount, td.num, th.num'))
    .filter(e => e.offsetParent !== null && e.getClientRects().length > 0)
    .filter(e => { const r = document.createRange(); r.selectNodeContents(e);
                   const tops = Array.from(r.getClientRects()).map(x => x.top);
                   return tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 8; })  // a second line, not a bold box
    .map(e => e.textContent.trim());
  return {overflow: page.scrollWidth - page.clientWidth, broken: broken};
}"""


def assert_fits(page) -> None:
    """The page does not scroll sideways, and every amount stays on one line."""
    layout = page.evaluate(FITS)
    assert layout["overflow"] <= 0, f"{page.url} is {layout['overflow']} px too wide"
    assert not layout["broken"], f"amounts broken over lines: {layout['broken'][:5]}"
