"""A SQLite store URL naming a device, pipe or socket is refused before SQLite opens it:
found by the hostile-input sweep, where `--store sqlite:////dev/null` made SQLite create
`/dev/null-journal`. A named pipe stands in for the device (any user can make one)."""

from __future__ import annotations

import os

import pytest

from wfm.errors import InputError
from wfm.store import init, status


@pytest.mark.parametrize("action", [init, status])
def test_a_pipe_is_not_a_store(tmp_path, action):
    pipe = tmp_path / "store.db"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="device, pipe or socket") as caught:
        action(f"sqlite:///{pipe}")
    assert caught.value.value == f"sqlite:///{pipe}"  # (the message shows 60 characters)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.db"]  # no journal beside it


def test_a_store_at_an_old_version_names_the_store(tmp_path):
    from sqlalchemy import create_engine

    from wfm.store.migrations import SchemaError, require_current

    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as conn, pytest.raises(SchemaError) as caught:
        require_current(conn)
    assert str(tmp_path / "empty.db") in str(caught.value)
