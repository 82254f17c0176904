"""axe-core on every page, for every role, at desktop and phone width: no serious or critical violation; and at
phone width, no page that scrolls sideways and no amount broken over two lines (WCAG 1.4.10, reflow).

Pages are read from the app's routes, so a new page is checked as soon as it exists (and this test fails until
it can be opened here); endpoints that answer no page (downloads, JSON, files, htmx fragments) are listed apart.
Violations on pages another engineer is rewriting are listed in PENDING, by endpoint: the test fails on any
violation not listed, and on a listed one that is gone, so the list only shrinks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.budget.roster import roster_csv, synthesize
from engine.budget.scenario import Policy, Scenario
from services import finance, hr
from services import roster as rosters
from tests.a11y import FITS, assert_accessible, assert_fits, axe_violations, settle
from tests.conftest import sign_in
from tests.web.test_access import ANONYMOUS, ROLES, expected_access

pytestmark = pytest.mark.browser

# Endpoints that answer no HTML page of their own.
NOT_PAGES = {
    "static", "public.asset", "public.favicon", "public.plotly_js", "auth.logout",
    "public.estimator_fields",  # an htmx fragment: checked inside /estimate after a swap
    "requests.new_fields",      # an htmx fragment: checked inside /requests/new after a swap
    "finance.run_status", "finance.export_csv", "finance.export_xlsx", "finance.scenario_fields",
    "finance.report_xlsx", "finance.report_pdf", "finance.export_scenario",
    "hr.payroll_csv", "hr.payroll_export", "hr.evidence_file", "requests.evidence_file",
}
# Pages other engineers own and are rewriting (issue 9): known violations, endpoint -> axe rule ids.
PENDING: dict[str, set[str]] = {}
WIDTHS = (1280, 390)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(app, session, make_user, make_teacher, districts, tmp_path):
    """One of everything a page can show: a teacher with a filed request, rosters, scenarios, runs, accounts."""
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    app.config["LANEWISE_EVIDENCE_ROOT"] = str(tmp_path / "instance")
    app.config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    users = {role: make_user(role) for role in ROLES}
    teacher = make_teacher(user=users["teacher"], district_id="harmony")
    rules = districts["harmony"]
    request = hr.create_request(session=session, rules=rules, teacher=teacher, actor=users["teacher"], kind="role",
                                role="mentor", today=date(2026, 9, 15))
    hr.add_evidence(session=session, change_request=request, actor=users["teacher"], filename="mentor.pdf", data=PDF,
                    instance_path=tmp_path / "instance", rules=None)
    hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version, action="submit",
                  actor=users["teacher"], today=date(2026, 9, 15))
    roster = rosters.save_roster(session=session, rules=rules, name="Harmony staff", roster=synthesize(rules, 120, seed=5))
    runs = []
    for name, policy in (("Stipends for band 4", Policy(stipend_per_micro_credential=Decimal("200.00"),
                                                        stipend_bands=["4"])), ("No change", Policy())):
        scenario = finance.save_scenario(session=session, rules=rules, roster_id=roster.id,
                                         scenario=Scenario(name=name, district_id="harmony", years=5, policy=policy))
        run = finance.queue_run(session=session, scenario_id=scenario.id)
        finance.execute_run(session=session, run_id=run.id, districts=districts)
        runs.append(run)
    upload = tmp_path / "uploads"
    upload.mkdir(parents=True, exist_ok=True)
    (upload / "axe-token.csv").write_text(roster_csv(synthesize(rules, 5, seed=1)))
    samples = {"district_id": "harmony", "school_year": rules.school_years()[-1], "teacher_id": teacher.id,
               "request_id": request.id, "roster_id": roster.id, "scenario_id": scenario.id, "run_id": runs[0].id,
               "user_id": users["teacher"].id, "token": "axe-token"}
    queries = {"finance.map_roster": {"district_id": "harmony"},
               "finance.compare": {"run": [run.id for run in runs]},
               "public.estimator": {"district": "harmony", "school_year": samples["school_year"], "step": 3,
                                    "lane": "T", "micro_credentials": 8, "band": "5", "role": "mentor",
                                    "rating": "effective", "years_of_service": 4},
               "public.schedule": {"district": "harmony"}}
    return users, samples, queries


def _pages(app, role: str, samples: dict, queries: dict) -> list[tuple[str, str]]:
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("api."):
            continue
        if role not in expected_access(rule.endpoint):
            continue
        if role != ANONYMOUS and rule.endpoint.startswith("public.") and rule.endpoint != "public.index":
            continue  # public pages are the same for everyone but the navigation, which the home page shows
        with app.test_request_context():
            values = {name: samples[name] for name in rule.arguments}
            url = app.url_for(rule.endpoint, **values, **queries.get(rule.endpoint, {}))
        pages.append((rule.endpoint, url))
    return pages


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_for_every_role_has_no_serious_accessibility_violation(app, browser, live_server, demo):
    users, samples, queries = demo
    found: dict[str, set[str]] = {}
    details: list[str] = []
    checked = set()
    for role in [ANONYMOUS, *ROLES]:
        for width in WIDTHS:
            context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
            page = context.new_page()
            if role != ANONYMOUS:
                sign_in(page, users[role])
            for endpoint, url in _pages(app, role, samples, queries):
                response = page.goto(url)
                assert response.status < 400, f"{role} {url}: {response.status}"
                settle(page)
                checked.add(endpoint)
                for violation in axe_violations(page):
                    found.setdefault(endpoint, set()).add(violation.rule)
                    details.append(f"{role} at {width}px {url}: {violation}")
                if width < 400:  # reflow: no sideways scroll at phone width, no amount broken over two lines
                    layout = page.evaluate(FITS)
                    if layout["overflow"] > 0:
                        found.setdefault(endpoint, set()).add("reflow")
                        details.append(f"{role} at {width}px {url}: reflow: {layout['overflow']} px too wide")
                    if layout["broken"]:
                        found.setdefault(endpoint, set()).add("amount-wraps")
                        details.append(f"{role} at {width}px {url}: amount-wraps: {layout['broken'][:3]}")
            context.close()
    page_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                      if "GET" in rule.methods and rule.endpoint not in NOT_PAGES and not rule.endpoint.startswith("api.")}
    assert checked == page_endpoints
    unexpected = {endpoint: rules - PENDING.get(endpoint, set()) for endpoint, rules in found.items()
                  if rules - PENDING.get(endpoint, set())}
    fixed = {endpoint: rules - found.get(endpoint, set()) for endpoint, rules in PENDING.items()
             if rules - found.get(endpoint, set())}
    assert not unexpected, "serious or critical axe violations:\n" + "\n".join(details)
    assert not fixed, f"fixed since listed: remove from PENDING: {fixed}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_staff_district_pages_have_no_serious_accessibility_violation(app, browser, live_server, make_user):
    """The administrator's district choices for an HR account, and what HR and finance see before an
    administrator has given them a district (the crawl above signs in staff of every district)."""
    admin, officer = make_user("admin"), make_user("hr", districts=[])
    analyst = make_user("finance", districts=[])
    pages = [(admin, [f"/admin/users/{officer.id}", "/admin/users", "/admin/users/new"]),
             (officer, ["/hr/", "/hr/teachers", "/hr/teachers/new", "/hr/payroll"]),
             (analyst, ["/finance/", "/finance/rosters/new"])]
    for width in WIDTHS:
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
        for user, paths in pages:
            page = context.new_page()
            sign_in(page, user)
            for path in paths:
                assert page.goto(path).status < 400, path
                if user is not admin:
                    assert page.get_by_test_id("no-districts").is_visible(), path
                assert_accessible(page)
                if width < 400:
                    assert_fits(page)
            page.close()
            context.clear_cookies()
        context.close()
