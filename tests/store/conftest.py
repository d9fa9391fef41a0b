"""Fixtures of the store tests: a fresh SQLite store per test, and the sample centre's data."""

from pathlib import Path

import pytest

from wfm.store import init

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TIMEZONE = "Europe/London"


@pytest.fixture
def store_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    init(url)
    return url


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE
