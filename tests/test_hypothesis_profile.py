"""The property tests' profile (tests/conftest.py): no time limit per example and the same
examples every run, so a busy machine cannot fail a correct property test."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_the_loaded_profile_has_no_deadline_and_fixed_examples():
    assert settings.default.deadline is None
    assert settings.default.derandomize is True
    assert HealthCheck.too_slow in settings.default.suppress_health_check


SEEN: list[list[int]] = []


@settings(max_examples=15)
@given(st.lists(st.integers(0, 10**6), max_size=5))
def collect(values):
    SEEN.append(values)


def test_two_runs_try_the_same_examples():
    collect()
    first = list(SEEN)
    SEEN.clear()
    collect()
    assert SEEN == first and len(first) > 1
