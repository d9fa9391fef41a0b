"""The time zone of a command's input file (:func:`wfm.cli.common.centre_and_timezone`)."""

from __future__ import annotations

import argparse

import pytest

from wfm.cli.common import centre_and_timezone
from wfm.errors import InputError


def args(timezone=None):
    return argparse.Namespace(centre=None, timezone=timezone)


def write(path, stamps, column="interval_start"):
    path.write_text(f"{column},queue\n" + "".join(f"{stamp},sales\n" for stamp in stamps))
    return str(path)


@pytest.mark.parametrize("lenient", [False, True])
def test_one_whole_hour_offset_is_that_fixed_zone(tmp_path, lenient):
    path = write(tmp_path / "f.csv", ["2026-06-01T08:00:00+02:00", "2026-06-01T08:15:00+02:00"])
    # POSIX signs are inverted: Etc/GMT-2 is UTC+02:00
    assert centre_and_timezone(args(), path, unreadable_file_ok=lenient) == (None, "Etc/GMT-2")


@pytest.mark.parametrize("lenient", [False, True])
def test_changing_offsets_without_a_zone_is_an_error_naming_the_option(tmp_path, lenient):
    path = write(tmp_path / "f.csv", ["2026-03-28T08:00:00+00:00", "2026-03-30T08:00:00+01:00"])
    with pytest.raises(InputError, match="--timezone"):
        centre_and_timezone(args(), path, unreadable_file_ok=lenient)


def test_given_zone_wins_and_the_file_is_not_read(tmp_path):
    missing = str(tmp_path / "missing.csv")
    assert centre_and_timezone(args("Europe/Paris"), missing) == (None, "Europe/Paris")


def test_unreadable_file_is_an_error_unless_the_reader_that_follows_names_it(tmp_path):
    missing = str(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="missing.csv"):
        centre_and_timezone(args(), missing)
    assert centre_and_timezone(args(), missing, unreadable_file_ok=True) == (None, "UTC")
    other = write(tmp_path / "other.csv", ["2026-06-01T08:00:00+02:00"], column="start")
    with pytest.raises(InputError, match="interval_start"):
        centre_and_timezone(args(), other)
    assert centre_and_timezone(args(), other, unreadable_file_ok=True) == (None, "UTC")
    assert centre_and_timezone(args(), other, "start") == (None, "Etc/GMT-2")
