"""Fixtures for the rota-engine tests; builders live in scheduling_synthetic.py."""

import datetime as dt

import pytest
from scheduling_synthetic import MONDAY


@pytest.fixture
def monday() -> dt.date:
    return MONDAY
