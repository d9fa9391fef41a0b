"""``--as-of`` at a wall-clock time the clocks skip or repeat (found by the third hostile-input
sweep, fuzz3): ``wfm forecast --as-of 2026-03-29T01:30`` (London skips 01:00-02:00) and
``--as-of 2026-10-25T01:30`` (London shows it twice) were pandas' NonExistentTimeError and
AmbiguousTimeError, exit 1; the intraday feed's full-timestamp form said only "not a time of
day". One place now puts a user's wall-clock time on a zone's clock
(:func:`wfm.data.timestamps.local_instant`), and the message names the option and, for a
repeated time, the two offsets that tell them apart (checked against zoneinfo's fold).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wfm.cli import main
from wfm.data.timestamps import local_instant
from wfm.errors import InputError
from wfm.intraday.feed import parse_as_of

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
LONDON = "Europe/London"


def offset_text(when: dt.datetime) -> str:
    minutes = int(when.utcoffset().total_seconds() // 60)
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def test_a_repeated_time_names_both_offsets_as_zoneinfo_has_them():
    naive = dt.datetime(2026, 10, 25, 1, 30)
    first = offset_text(naive.replace(tzinfo=ZoneInfo(LONDON), fold=0))
    second = offset_text(naive.replace(tzinfo=ZoneInfo(LONDON), fold=1))
    assert first != second  # the hour really is repeated
    with pytest.raises(InputError, match="happens twice") as caught:
        local_instant("2026-10-25T01:30", LONDON)
    assert f"2026-10-25T01:30{first}" in caught.value.fix
    assert f"2026-10-25T01:30{second}" in caught.value.fix
    # each of the two answers it suggests is read back as that instant
    for offset in (first, second):
        stamp = local_instant(f"2026-10-25T01:30{offset}", LONDON)
        assert stamp.strftime("%H:%M") == "01:30" and offset_text(stamp) == offset


def test_a_skipped_time_is_refused_and_an_ordinary_one_read():
    with pytest.raises(InputError, match="does not exist in Europe/London"):
        local_instant(dt.datetime(2026, 3, 29, 1, 30), LONDON)
    stamp = local_instant("2026-03-29T02:30", LONDON)
    assert stamp.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("as_of", "problem"),
    [("2026-03-29T01:30", "does not exist"), ("2026-10-25T01:30", "happens twice")],
)
def test_forecast_as_of_on_a_clock_change_exits_2_naming_the_option(
    tmp_path, capsys, as_of, problem
):
    out = tmp_path / "forecast.csv"
    argv = ["forecast", str(SAMPLE / "history.csv"), "--timezone", LONDON, "--as-of", as_of]
    assert main([*argv, "-q", "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert "option --as-of" in error and problem in error and "internal error" not in error
    assert not out.exists()


def test_the_intraday_feed_names_the_clock_change():
    with pytest.raises(InputError, match="happens twice") as caught:
        parse_as_of("2026-10-25T01:30", dt.date(2026, 10, 25), LONDON)
    assert caught.value.option == "--as-of"
