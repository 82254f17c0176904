"""In CI (`CI=true`), a test skipped for want of PostgreSQL, Redis or the browser fails the run.

Locally those tests may skip (no server, no Chromium); in CI a run where they all skipped would
pass while testing nothing on the real database, queue or pages. A skip counts as one of these
when the test is a browser test (the `browser` mark), runs on the PostgreSQL backend, or its
reason names what was missing (PostgreSQL, Redis, Chromium, Playwright).
"""
from __future__ import annotations

import os

import pytest

# What was missing, and the words in a test's id, marks or skip reason that say so.
SERVICES = {
    "PostgreSQL": ("postgres",),
    "Redis": ("redis",),
    "the browser": ("chromium", "playwright", "browser"),
}


def in_ci() -> bool:
    """Whether this run is CI's: `CI` set to true (GitHub, GitLab and most others set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing_service(report) -> str | None:
    """The service a skipped test lacked (PostgreSQL, Redis, the browser), or None for any other skip."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return None
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
    marks = {name.lower() for name in report.keywords}
    words = f"{report.nodeid} {reason}".lower()
    for service, clues in SERVICES.items():
        if any(clue in words or clue in marks for clue in clues):
            return service
    return None


class _Watcher:
    """Collects the skips CI must not allow, and fails the session on them when CI is set."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str, str]] = []

    def pytest_runtest_logreport(self, report):
        service = missing_service(report)
        if service is not None:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.skipped.append((report.nodeid, service, reason))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if in_ci() and self.skipped and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        if not self.skipped:
            return
        if in_ci():
            terminalreporter.section("skipped in CI, which fails the run (CI=true)", red=True, bold=True)
        else:
            terminalreporter.section("skipped here; CI (CI=true) would fail on these", yellow=True)
        for nodeid, service, reason in self.skipped:
            terminalreporter.write_line(f"{nodeid}: needs {service} ({reason})")


def pytest_configure(config):
    config.pluginmanager.register(_Watcher(), "lanewise-ci-skips")
