"""`wfm staff --centre`: each queue's own target; one timestamp convention in the output."""

import math

import pandas as pd
import pytest

from wfm.cli import main


def erlang_c_service_level(agents: int, traffic: float, aht_seconds: float, seconds: float):
    """SL(T) = 1 - C(N, A) exp(-(N - A) T / AHT), Erlang C by the textbook sum (independent of
    wfm's recursion)."""
    terms = sum(traffic**k / math.factorial(k) for k in range(agents))
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    wait_probability = top / (terms + top)
    return 1 - wait_probability * math.exp(-(agents - traffic) * seconds / aht_seconds)


def first_meeting(traffic, aht_seconds, seconds, target=0.8, max_occupancy=0.85):
    agents = math.floor(traffic) + 1
    while (
        erlang_c_service_level(agents, traffic, aht_seconds, seconds) < target
        or traffic / agents > max_occupancy
    ):
        agents += 1
    return agents


def write_forecast(path, start="2026-07-06 08:00", periods=2):
    """Two queues with A = 100 x 180 / 1800 = 10 Erlangs a half hour (DOMAIN.md's vector)."""
    starts = pd.date_range(start, periods=periods, freq="30min", tz="Europe/London")
    rows = [(s.isoformat(), queue, 100.0, 180.0) for queue in ("sales", "support") for s in starts]
    pd.DataFrame(rows, columns=["interval_start", "queue", "offered", "aht_seconds"]).to_csv(
        path, index=False
    )


def test_each_queue_gets_its_own_threshold_from_the_centre(tmp_path, sample_centre_path, capsys):
    write_forecast(tmp_path / "f.csv")
    code = main(
        ["staff", str(tmp_path / "f.csv"), "--centre", str(sample_centre_path)]
        + ["--interval-minutes", "30", "-o", str(tmp_path / "r.csv")]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "r.csv")
    by_queue = table.groupby("queue")["agents_required"].first()
    # sample centre: sales 80 % within 20 s, support 80 % within 30 s, both capped at 85 %.
    assert by_queue["sales"] == first_meeting(10.0, 180.0, 20) == 14  # DOMAIN.md: 13 -> 0.796
    assert by_queue["support"] == first_meeting(10.0, 180.0, 30) == 13  # 30 s: 13 are enough
    # 30 % shrinkage from the centre file: 13 / 0.7 = 18.6 -> 19, 14 / 0.7 = 20
    scheduled = table.groupby("queue")["agents_scheduled_required"].first()
    assert scheduled.to_dict() == {"sales": 20, "support": 19}
    out = capsys.readouterr().out
    assert "support: 80 % within 30 s, occupancy at most 85 %" in out
    assert "sales: 80 % within 20 s" in out


def test_an_option_given_overrides_every_queue(tmp_path, sample_centre_path):
    write_forecast(tmp_path / "f.csv")
    code = main(
        ["staff", str(tmp_path / "f.csv"), "--centre", str(sample_centre_path)]
        + ["--answer-seconds", "20", "--interval-minutes", "30", "-o", str(tmp_path / "r.csv")]
    )
    assert code == 0
    by_queue = pd.read_csv(tmp_path / "r.csv").groupby("queue")["agents_required"].first()
    assert by_queue["support"] == by_queue["sales"] == 14


def test_a_queue_missing_from_the_centre_is_a_user_error(tmp_path, sample_centre_path, capsys):
    write_forecast(tmp_path / "f.csv")
    frame = pd.read_csv(tmp_path / "f.csv").replace({"queue": {"support": "billing"}})
    frame.to_csv(tmp_path / "f.csv", index=False)
    code = main(
        ["staff", str(tmp_path / "f.csv"), "--centre", str(sample_centre_path)]
        + ["-o", str(tmp_path / "r.csv")]
    )
    assert code == 2
    assert "billing" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("with_centre", [True, False])
def test_timestamps_are_local_time_with_the_offset(tmp_path, sample_centre_path, with_centre):
    write_forecast(tmp_path / "f.csv")  # July in London: +01:00
    centre = ["--centre", str(sample_centre_path)] if with_centre else []
    assert main(["staff", str(tmp_path / "f.csv"), *centre, "-o", str(tmp_path / "r.csv")]) == 0
    starts = pd.read_csv(tmp_path / "r.csv")["interval_start"]
    assert set(starts) == {"2026-07-06T08:00:00+01:00", "2026-07-06T08:30:00+01:00"}
    assert (
        main(
            ["simulate", str(tmp_path / "r.csv"), *centre, "--replications", "5"]
            + ["-o", str(tmp_path / "s.csv")]
        )
        == 0
    )
    simulated = pd.read_csv(tmp_path / "s.csv")
    intervals = simulated.loc[simulated["level"] == "interval", "interval_start"]
    assert set(intervals) == set(starts)


def test_offsets_that_change_need_a_time_zone(tmp_path, capsys):
    write_forecast(tmp_path / "f.csv", start="2026-10-24 08:00", periods=4 * 48)  # over DST end
    assert main(["staff", str(tmp_path / "f.csv"), "-o", str(tmp_path / "r.csv")]) == 2
    assert "--timezone" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()
    assert (
        main(
            ["staff", str(tmp_path / "f.csv"), "--timezone", "Europe/London"]
            + ["-o", str(tmp_path / "r.csv")]
        )
        == 0
    )
    starts = pd.read_csv(tmp_path / "r.csv")["interval_start"]
    assert starts.str.endswith("+01:00").any() and starts.str.endswith("+00:00").any()
