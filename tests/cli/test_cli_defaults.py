"""Defaults a user expects: the forecast continues right after the history; one UTC offset in
every timestamp is the site's fixed offset when no zone is given."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli import main


def write_history(path, end_day: str, end_time: str, offset: str = "+00:00", weeks: int = 3):
    """Weekdays 09:00-17:00 (30-minute intervals) up to ``end_day`` ``end_time`` (exclusive)."""
    rows = []
    last = pd.Timestamp(f"{end_day} {end_time}")
    for day in pd.date_range(last.normalize() - pd.Timedelta(weeks=weeks), last.normalize()):
        if day.day_of_week >= 5:
            continue
        for k in range(16):
            start = day + pd.Timedelta(hours=9, minutes=30 * k)
            if start >= last:
                break
            rows.append(f"{start:%Y-%m-%dT%H:%M:%S}{offset},sales,{10 + k % 5},180")
    path.write_text("interval_start,queue,offered,aht_seconds\n" + "\n".join(rows) + "\n")
    return path


def starts(path) -> pd.Series:
    return pd.read_csv(path)["interval_start"]


def forecast(tmp_path, history, *extra):
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(history),
            "--model",
            "same_slot_average",
            "--horizon-days",
            "2",
            "-q",
            "-o",
            str(out),
            *extra,
        ]
    )
    assert code == 0
    return out


def test_forecast_starts_the_day_after_a_history_ending_at_closing(tmp_path):
    # the history ends on Wednesday 2026-03-04 at 17:00, closing time
    history = write_history(tmp_path / "h.csv", "2026-03-04", "17:00")
    first = starts(forecast(tmp_path, history, "--timezone", "UTC")).iloc[0]
    assert first == "2026-03-05T09:00:00+00:00"  # Thursday, not "the Monday after"


def test_forecast_continues_a_history_ending_mid_day(tmp_path):
    history = write_history(tmp_path / "h.csv", "2026-03-04", "12:00")
    out = forecast(tmp_path, history, "--timezone", "UTC")
    values = starts(out)
    assert values.iloc[0] == "2026-03-04T12:00:00+00:00"
    assert (pd.to_datetime(values, utc=True).dt.date.astype(str) <= "2026-03-05").all()


def test_one_offset_everywhere_is_the_sites_fixed_offset(tmp_path, caplog):
    history = write_history(tmp_path / "h.csv", "2026-03-04", "17:00", offset="+02:00")
    out = forecast(tmp_path, history)  # no --timezone
    values = starts(out)
    assert values.iloc[0] == "2026-03-05T09:00:00+02:00"  # local days, written with +02:00
    assert values.str.endswith("+02:00").all()
    assert "carries UTC+02:00" in caplog.text and "fixed offset" in caplog.text


@pytest.mark.parametrize("command", ["check-rota"])
def test_rota_with_one_offset_needs_no_zone(tmp_path, command, capsys, caplog):
    rota = tmp_path / "rota.csv"
    rota.write_text(
        "agent_id,date,activity,start,end\n"
        "A1,2026-03-02,work,2026-03-02T09:00:00+00:00,2026-03-02T17:00:00+00:00\n"
        "A1,2026-03-03,work,2026-03-03T09:00:00+00:00,2026-03-03T17:00:00+00:00\n"
    )
    assert main([command, str(rota)]) in (0, 3)
    assert "carries UTC+00:00" in caplog.text
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "agent_id,date,activity,start,end\n"
        "A1,2026-03-28,work,2026-03-28T09:00:00+00:00,2026-03-28T17:00:00+00:00\n"
        "A1,2026-03-30,work,2026-03-30T09:00:00+01:00,2026-03-30T17:00:00+01:00\n"
    )
    assert main([command, str(mixed)]) == 2
    assert "--timezone" in capsys.readouterr().err


def test_a_horizon_of_closed_days_is_an_error_not_an_empty_file(tmp_path, capsys):
    history = write_history(tmp_path / "h.csv", "2026-03-06", "17:00")  # ends Friday
    out = tmp_path / "forecast.csv"
    code = main(
        ["forecast", str(history), "--timezone", "UTC", "--horizon-days", "2", "-q", "-o", str(out)]
    )
    assert code == 2
    assert "closed" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("given", [None, "calls"])
def test_a_history_without_a_queue_column_is_one_named_queue_and_the_user_is_told(
    tmp_path, capsys, given
):
    """The same rule as the app's Data page: DEFAULT_QUEUE unless --queue names one."""
    from wfm.data.schemas import DEFAULT_QUEUE

    text = write_history(tmp_path / "h.csv", "2026-03-06", "17:00").read_text()
    no_queue = tmp_path / "calls.csv"
    no_queue.write_text(text.replace(",queue", "").replace(",sales", ""))
    out = tmp_path / "f.csv"
    options = [] if given is None else ["--queue", given]
    code = main(["forecast", str(no_queue), "--horizon-days", "3", "-q", *options, "-o", str(out)])
    err = capsys.readouterr().err
    queue = given or DEFAULT_QUEUE
    assert code == 0
    assert (
        f"note: {no_queue} has no queue column: every row is in queue '{queue}' "
        "(name it with --queue NAME)"
    ) in err
    assert set(pd.read_csv(out)["queue"]) == {queue}
    # a file that names its queues gets no such note
    main(["forecast", str(tmp_path / "h.csv"), "--horizon-days", "3", "-q", "-o", str(out)])
    assert "no queue column" not in capsys.readouterr().err
