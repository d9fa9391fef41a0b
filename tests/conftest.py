"""Shared fixtures: paths of the repository, the sample centre and the shared real data."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CENTRE = REPO / "data" / "sample" / "centre.toml"
BANK_CALLS = REPO.parent / "shared" / "data" / "us_bank_calls_5min_2003.csv"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_CENTRE.parent


@pytest.fixture
def store_url(tmp_path) -> str:
    """A fresh SQLite store in the test's temporary folder."""
    from wfm.store import init

    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    init(url)
    return url


@pytest.fixture(scope="session")
def sample_centre_path() -> Path:
    return SAMPLE_CENTRE


@pytest.fixture(scope="session")
def bank_calls_path() -> Path:
    if not BANK_CALLS.exists():
        pytest.skip("../shared/data/us_bank_calls_5min_2003.csv is not beside the repository")
    return BANK_CALLS


@pytest.fixture(autouse=True)
def _private_user_data_folder(tmp_path_factory, monkeypatch):
    """Keep tests out of the user's own store: the default store (``wfm.db`` in the user data
    folder, see :func:`wfm.store.default_store_path`) lives in a temporary folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
