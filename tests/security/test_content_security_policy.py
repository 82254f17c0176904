"""Item 14: every page sends a Content-Security-Policy that runs only the app's own scripts and styles, and the
pages still work under it: charts (Plotly, charts.js) draw and the browser reports no violation."""

import re
from pathlib import Path

import pytest

from app import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).resolve().parents[2] / "static"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Collects every violation the browser reports, from the first script of each document on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_pages_send_the_policy(client):
    for path in ("/", "/estimate", "/schedules", "/auth/login"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_the_chart_macro_matches_the_plotly_served():
    """The chart macro links Plotly's stylesheet from the same build as the script (static/vendor/build/build.sh),
    and marks by their id any <style> the bundle would inject (it must inject none the policy refuses)."""
    script = (STATIC / "vendor" / "plotly.min.js").read_text(encoding="utf-8")
    macro = (TEMPLATES / "_charts.html").read_text(encoding="utf-8")
    assert re.search(r"plotly\.js v[\d.]+", script[:300])
    assert "vendor/plotly.css" in macro and 'class="no-inline-styles"' in macro
    assert ".js-plotly-plot" in (STATIC / "vendor" / "plotly.css").read_text(encoding="utf-8")
    injected = set(re.findall(r'getElementById\("([0-9a-f]{64})"\)', script))
    assert injected <= set(re.findall(r'id="([0-9a-f]{64})"', macro))


def test_evidence_keeps_its_stricter_sandbox_policy(app):
    from flask import Response

    with app.test_request_context():
        response = app.process_response(Response(headers={"Content-Security-Policy": "sandbox; default-src 'none'"}))
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.browser
def test_charts_draw_with_no_policy_violation(page, districts):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/estimate?district=dysart&school_year=2026-27&step=5&lane=BA&micro_credentials=5")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_selector("#annual-chart[data-drawn=true] .main-svg")
    page.locator("#annual-chart .nsewdrag").first.hover()  # hover labels and the mode bar are drawn on demand
    page.wait_for_selector("#annual-chart .modebar")
    assert page.evaluate("window.__cspViolations") == []
    page.goto("/schedules?district=cedar-valley&school_year=2026-27&step=5&lane=BA")
    page.wait_for_selector("[data-drawn=true] .main-svg")
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.browser
def test_a_teachers_pages_work_with_no_policy_violation(page, browser_login, make_user, make_teacher):
    user = make_user("teacher")
    make_teacher(user=user)
    page.add_init_script(RECORD_VIOLATIONS)
    browser_login(user)
    page.goto("/teacher/what-if")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("#cumulative-chart[data-drawn=true] .main-svg")
    assert page.evaluate("window.__cspViolations") == []
    for path in ("/teacher/", "/teacher/next", "/teacher/best", "/requests/", "/auth/account"):
        page.goto(path)
        assert page.evaluate("window.__cspViolations") == [], path
