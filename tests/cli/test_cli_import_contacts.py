"""`wfm import-contacts` through `main([...])`, and a per-contact export all the way to a rota."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre

CONNECT_COLUMNS = [
    "ContactId",
    "Channel",
    "InitiationMethod",
    "Queue.Name",
    "Queue.EnqueueTimestamp",
    "Queue.Duration",
    "Agent.Username",
    "Agent.ConnectedToAgentTimestamp",
    "Agent.AgentInteractionDuration",
    "Agent.CustomerHoldDuration",
    "Agent.AfterContactWorkDuration",
    "CustomerEndpoint.Address",
]


def contacts_from_history(history: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Amazon Connect records that add up to the given interval history (15-minute
    intervals): each interval's offered contacts arrive at random seconds inside it; the
    abandoned ones have no agent; handle = AHT split into talk, hold and wrap."""
    rng = np.random.default_rng(seed)
    rows = history.loc[history["offered"] > 0].reset_index(drop=True)
    counts = rows["offered"].astype(int).to_numpy()
    index = np.repeat(np.arange(len(rows)), counts)
    starts = pd.to_datetime(rows["interval_start"], utc=True).to_numpy()[index]
    arrival = pd.DatetimeIndex(starts) + pd.to_timedelta(rng.integers(0, 900, len(index)), "s")
    abandoned_count = rows["abandoned"].fillna(0).astype(int).to_numpy()
    rank = np.arange(len(index)) - np.repeat(np.cumsum(counts) - counts, counts)
    abandoned = rank < abandoned_count[index]
    aht = rows["aht_seconds"].fillna(180).to_numpy()[index]
    wait = rng.integers(0, 40, len(index))
    answer = arrival + pd.to_timedelta(wait, "s")
    talk = np.round(aht * 0.8)
    return pd.DataFrame(
        {
            "ContactId": [f"c-{i:07d}" for i in range(len(index))],
            "Channel": "VOICE",
            "InitiationMethod": "INBOUND",
            "Queue.Name": rows["queue"].to_numpy()[index],
            "Queue.EnqueueTimestamp": arrival.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Queue.Duration": wait,
            "Agent.Username": np.where(abandoned, "", "agent1"),
            "Agent.ConnectedToAgentTimestamp": np.where(
                abandoned, "", answer.strftime("%Y-%m-%dT%H:%M:%SZ")
            ),
            "Agent.AgentInteractionDuration": np.where(abandoned, np.nan, talk),
            "Agent.CustomerHoldDuration": np.where(abandoned, np.nan, 0),
            "Agent.AfterContactWorkDuration": np.where(abandoned, np.nan, np.round(aht) - talk),
            "CustomerEndpoint.Address": "+4412345",
        }
    )[CONNECT_COLUMNS]


def test_import_contacts_writes_history_patience_and_problems(tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds\n"
        "a,2026-03-02T08:00:00Z,q,answered,10,100\n"
        "b,2026-03-02T08:01:00Z,q,abandoned,30,\n"
        "c,2026-03-02T08:02:00Z,q,TIMEOUT,30,\n",
        encoding="utf-8",
    )
    out = tmp_path / "history.csv"
    code = main(
        [
            "import-contacts",
            str(path),
            "--outcome",
            "TIMEOUT=abandoned",
            "--answer-threshold-seconds",
            "15",
            "--patience-output",
            str(tmp_path / "patience.csv"),
            "-q",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    history = pd.read_csv(out)
    assert history.loc[0, "offered"] == 3 and history.loc[0, "abandoned"] == 2
    assert history.loc[0, "answered_within_threshold"] == 1
    patience = pd.read_csv(tmp_path / "patience.csv")
    assert patience.loc[0, "patience_seconds"] == pytest.approx((10 + 30 + 30) / 2)
    assert "mean patience 35 s" in capsys.readouterr().out


def test_unusable_contacts_exit_2_and_write_nothing(tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text("arrival_time,queue,outcome\n2026-03-02T08:00:00Z,q,maybe\n", encoding="utf-8")
    out = tmp_path / "history.csv"
    code = main(["import-contacts", str(path), "-q", "-o", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert "no contact in the file could be used" in error and "Traceback" not in error
    assert "line 2" in error and "maybe" in error
    assert not out.exists()


def test_unknown_layout_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["import-contacts", "x.csv", "--layout", "nope", "-o", str(tmp_path / "h.csv")])
    assert exit_info.value.code == 2


@pytest.mark.slow
def test_contact_records_to_a_rota_through_the_cli(tmp_path, sample_centre_path, capsys):
    """Amazon Connect records made from three weeks of the sample centre's history ->
    import-contacts -> forecast -> staff -> schedule -> check-rota, with no file edited."""
    centre = load_centre(sample_centre_path)
    history = pd.read_csv(sample_centre_path.parent / "history.csv")
    last = pd.to_datetime(history["interval_start"], utc=True)
    history = history.loc[last >= last.max() - pd.Timedelta(days=21)]
    contacts = contacts_from_history(history)
    records = tmp_path / "ctr.csv"
    contacts.to_csv(records, index=False)

    imported = tmp_path / "history.csv"
    assert (
        main(
            [
                "import-contacts",
                str(records),
                "--layout",
                "amazon-connect",
                "--centre",
                str(sample_centre_path),
                "-q",
                "-o",
                str(imported),
            ]
        )
        == 0
    )
    table = pd.read_csv(imported)
    assert table["offered"].sum() == history["offered"].sum()
    assert table["abandoned"].sum() == history["abandoned"].fillna(0).sum()

    forecast = tmp_path / "forecast.csv"
    assert (
        main(
            [
                "forecast",
                str(imported),
                "--centre",
                str(sample_centre_path),
                "--model",
                "seasonal_naive",
                "-q",
                "-o",
                str(forecast),
            ]
        )
        == 0
    )
    requirements = tmp_path / "requirements.csv"
    queue = centre.queues[0]
    assert (
        main(
            [
                "staff",
                str(forecast),
                "--service-level",
                str(queue.service_level_target),
                "--answer-seconds",
                str(queue.answer_threshold_seconds),
                "-o",
                str(requirements),
            ]
        )
        == 0
    )
    rota_dir = tmp_path / "rota"
    assert (
        main(
            [
                "schedule",
                str(requirements),
                "--centre",
                str(sample_centre_path),
                "--time-limit-seconds",
                "30",
                "--relative-gap",
                "0.05",
                "-q",
                "-o",
                str(rota_dir),
            ]
        )
        == 0
    )
    rota = pd.read_csv(rota_dir / "rota.csv")
    assert (rota["activity"] == "work").any()
    assert rota["agent_id"].nunique() > 10
    assert main(
        ["check-rota", str(rota_dir / "rota.csv"), "--centre", str(sample_centre_path)]
    ) in (0, 3)


def test_volume_only_bank_data_asks_for_aht_and_staffing_explains(
    tmp_path, bank_calls_path, capsys
):
    """The bank data has no handle time: the forecast says so (not a silent NaN), staffing
    names the missing AHT without quoting numpy, and a per-queue AHT fills it."""
    forecast = tmp_path / "forecast.csv"
    base = [
        "forecast",
        str(bank_calls_path),
        "--map",
        "datetime=interval_start",
        "--map",
        "calls=offered",
        "--timezone",
        "America/New_York",
        "--horizon-days",
        "4",
        "--model",
        "same_slot_average",
        "-q",
    ]
    assert main([*base, "-o", str(forecast)]) == 0
    err = capsys.readouterr().err
    assert "no handle time for queue(s) 'default'" in err and "--aht-seconds" in err
    code = main(["staff", str(forecast), "-o", str(tmp_path / "req.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "AHT is missing" in err and "np.float64" not in err and "nan" not in err.lower()
    assert main([*base, "--aht-seconds", "default=280", "-o", str(forecast)]) == 0
    assert pd.read_csv(forecast)["aht_seconds"].eq(280).all()
    assert main(["staff", str(forecast), "-o", str(tmp_path / "req.csv")]) == 0
