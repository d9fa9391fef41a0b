"""Shared fixtures: paths of the repository, the sample centre and the shared real data."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CENTRE = REPO / "data" / "sample" / "centre.toml"
BANK_CALLS = REPO.parent / "shared" / "data" / "us_bank_calls_5min_2003.csv"


@pytest.fixture(scope="session")
def sample_centre_path() -> Path:
    return SAMPLE_CENTRE


@pytest.fixture(scope="session")
def bank_calls_path() -> Path:
    if not BANK_CALLS.exists():
        pytest.skip("../shared/data/us_bank_calls_5min_2003.csv is not beside the repository")
    return BANK_CALLS
