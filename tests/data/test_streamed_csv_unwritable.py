"""StreamedCsv where no file can be made: an input error naming the target, and nothing left
(found by benchmarks/fuzz_cli.py with ``-o /proc/version``)."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.data.streamed import StreamedCsv
from wfm.errors import InputError


def test_spill_folder_that_cannot_be_made_is_an_input_error(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"

    def refuse(self, *args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr("pathlib.Path.mkdir", refuse)
    with pytest.raises(InputError) as caught, StreamedCsv(target, ["a"]) as sink:
        sink.add(0, pd.DataFrame({"a": [1]}))
    assert str(target) in str(caught.value)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
