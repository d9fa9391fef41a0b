"""TOML input (centre and capacity files, and the app's uploaded copy) that is not UTF-8, not
TOML or nested beyond any real file is a ConfigError naming the file: found by the
hostile-input sweep, where `[[[...]]]` 100,000 deep was a RecursionError (CLI exit 1) and a
UTF-16 capacity file uploaded to the app was a UnicodeDecodeError behind the app's
"did not expect" message."""

from __future__ import annotations

import pytest

from wfm.capacity.settings import load_capacity_settings
from wfm.config import load_centre
from wfm.errors import ConfigError
from wfm.toml_files import parse_toml

DEEP = "nested = " + "[" * 100_000 + "]" * 100_000 + "\n"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (DEEP.encode(), "nested too deeply"),
        ("x = 1\n".encode("utf-16"), r"not UTF-8 text \(line 1\)"),
        (b"a = 1\n\xff\n", r"not UTF-8 text \(line 2\)"),
        (b"[hiring\n", "not valid TOML"),
    ],
)
def test_unreadable_toml_names_the_file(data, problem):
    with pytest.raises(ConfigError, match=problem) as caught:
        parse_toml(data, "upload.toml")
    assert caught.value.source == "upload.toml"


def test_a_byte_order_mark_is_ignored():
    assert parse_toml(b"\xef\xbb\xbfa = 1\n", "bom.toml") == {"a": 1}


@pytest.mark.parametrize("load", [load_centre, load_capacity_settings])
def test_the_file_loaders_share_the_checks(tmp_path, load):
    path = tmp_path / "file.toml"
    path.write_text(DEEP)
    with pytest.raises(ConfigError, match="nested too deeply") as caught:
        load(path)
    assert caught.value.source == str(path)
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is a folder"):
        load(tmp_path)
