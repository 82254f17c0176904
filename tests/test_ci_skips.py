"""In CI a skipped PostgreSQL, Redis or browser test fails the run; locally it only says so."""
import pytest

SUITE = '''
import pytest

POSTGRES = pytest.param("postgresql", marks=pytest.mark.skipif(True, reason="LANEWISE_TEST_POSTGRES_URL is not set"))


@pytest.mark.parametrize("backend", ["sqlite", POSTGRES])
def test_on_each_backend(backend):
    assert backend


def test_plain():
    assert True
'''


@pytest.fixture
def suite(pytester):
    pytester.makeconftest('pytest_plugins = ["tests.ci_skips"]')
    return pytester


def run(suite, source: str, *args):
    suite.makepyfile(test_suite=source)
    return suite.runpytest_inprocess("-p", "no:cacheprovider", *args)


def test_in_ci_a_run_whose_postgresql_tests_skipped_fails(suite, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = run(suite, SUITE)
    result.assert_outcomes(passed=2, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*test_on_each_backend?postgresql?: needs PostgreSQL*"])


def test_outside_ci_the_same_run_passes_and_names_the_skip(suite, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = run(suite, SUITE)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*CI (CI=true) would fail on these*", "*needs PostgreSQL*"])


@pytest.mark.parametrize(("source", "service"), [
    ("import pytest\n\n@pytest.mark.browser\ndef test_page():\n    pytest.skip('/usr/bin/chromium is not installed')\n",
     "the browser"),
    ("import pytest\n\ndef test_queue():\n    pytest.importorskip('no_such_redis_module_here', reason='redis is not installed')\n",
     "Redis"),
    ("import pytest\n\ndef test_worker():\n    pytest.skip('no Redis server on 127.0.0.1:6379')\n", "Redis"),
], ids=["browser", "redis-module", "redis-server"])
def test_in_ci_a_skipped_browser_or_redis_test_fails(suite, monkeypatch, source, service):
    monkeypatch.setenv("CI", "true")
    result = run(suite, source)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"*needs {service}*"])


def test_in_ci_other_skips_and_expected_failures_do_not_fail_the_run(suite, monkeypatch):
    monkeypatch.setenv("CI", "true")
    source = ("import pytest\n\ndef test_optional_data():\n    pytest.skip('Open Badges test data not found')\n\n"
              "@pytest.mark.xfail(strict=True, reason='issue 9: a wrong number')\ndef test_known_bug():\n    assert False\n")
    result = run(suite, source)
    result.assert_outcomes(skipped=1, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
