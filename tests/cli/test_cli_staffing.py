"""`wfm staff` options beyond Erlang C and `wfm simulate`, through `main([...])`."""

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main
from wfm.staffing import staff_erlang_a
from wfm.staffing.shrinkage import compound_shrinkage


def write_forecast(path, offered=(100.0, 100.0, 40.0, 0.0), aht=180.0):
    starts = pd.date_range(
        "2026-03-02 08:00", periods=len(offered), freq="30min", tz="Europe/London"
    )
    pd.DataFrame(
        {
            "interval_start": [s.isoformat() for s in starts],
            "queue": "sales",
            "offered": offered,
            "aht_seconds": aht,
        }
    ).to_csv(path, index=False)


def staff(tmp_path, *options):
    write_forecast(tmp_path / "f.csv")
    code = main(
        [
            "staff",
            str(tmp_path / "f.csv"),
            "--max-occupancy",
            "0",
            *options,
            "-o",
            str(tmp_path / "r.csv"),
        ]
    )
    assert code == 0
    return pd.read_csv(tmp_path / "r.csv")


def test_erlang_a_option(tmp_path):
    table = staff(tmp_path, "--patience-seconds", "120")
    expected = staff_erlang_a(
        [10.0, 10.0, 4.0], 180.0, 120.0, service_level_target=0.8, answer_threshold_seconds=20
    )
    assert table["agents_required"].tolist()[:3] == expected.tolist()
    assert "abandon_probability" in table
    capped = staff(
        tmp_path, "--patience-seconds", "120", "--service-level", "0.5", "--max-abandon", "0.01"
    )
    assert (capped["abandon_probability"].iloc[:3] <= 0.01).all()
    assert "abandonment" in set(capped["binding_target"])


def test_shrinkage_components_compound(tmp_path):
    table = staff(
        tmp_path, "--shrinkage-component", "holidays=0.1", "--shrinkage-component", "sickness=0.2"
    )
    assert table["shrinkage_fraction"].iloc[0] == pytest.approx(
        float(compound_shrinkage([0.1, 0.2]))
    )
    assert table["agents_scheduled_required"].iloc[0] == 20  # ceil(14 / 0.72)


def test_shrinkage_profile_file(tmp_path):
    pd.DataFrame({"weekday": [0], "time": ["08:30"], "shrinkage_fraction": [0.5]}).to_csv(
        tmp_path / "p.csv", index=False
    )
    table = staff(
        tmp_path,
        "--shrinkage-component",
        "base=0.2",
        "--shrinkage-profile",
        str(tmp_path / "p.csv"),
    )
    assert table["shrinkage_fraction"].tolist() == pytest.approx([0.2, 0.6, 0.2, 0.2])


def test_chat_and_deferred_and_fractional(tmp_path):
    chat = staff(tmp_path, "--chat-concurrency", "2", "--chat-slowdown", "0.5")
    assert (chat["agents_required"] * 2 >= chat["slots_required"]).all()
    assert chat["chat_aht_seconds"].iloc[0] == pytest.approx(270.0)
    deferred = staff(tmp_path, "--deferred-response-hours", "24")
    assert (
        deferred["agents_required"].nunique() == 1
        and (deferred["binding_target"].iloc[:3] == "response_time").all()
    )
    fractional = staff(tmp_path, "--fractional")
    assert (
        np.ceil(fractional["agents_required_fractional"] - 1e-9) == fractional["agents_required"]
    ).all()


def test_bad_options_exit_2_with_a_message(tmp_path, capsys):
    write_forecast(tmp_path / "f.csv")
    assert (
        main(
            [
                "staff",
                str(tmp_path / "f.csv"),
                "--shrinkage-component",
                "holidays=10",
                "-o",
                str(tmp_path / "r.csv"),
            ]
        )
        == 2
    )
    assert "percentage" in capsys.readouterr().err
    assert (
        main(
            [
                "staff",
                str(tmp_path / "f.csv"),
                "--sl-definition",
                "nonsense",
                "-o",
                str(tmp_path / "r.csv"),
            ]
        )
        == 2
    )
    assert "answered_only" in capsys.readouterr().err


def test_measured_service_level_from_history(tmp_path, capsys):
    starts = pd.date_range("2026-03-02 08:00", periods=2, freq="30min", tz="Europe/London")
    pd.DataFrame(
        {
            "interval_start": [s.isoformat() for s in starts],
            "queue": "sales",
            "offered": [100, 50],
            "aht_seconds": 180.0,
            "handled": [90, 50],
            "abandoned": [10, 0],
            "answered_within_threshold": [80, 40],
        }
    ).to_csv(tmp_path / "h.csv", index=False)
    staff(tmp_path, "--history", str(tmp_path / "h.csv"), "--sl-definition", "answered_only")
    assert "sales: 85.7 %" in capsys.readouterr().out  # 120 / 140


def test_simulate_writes_quantiles_beside_the_formula(tmp_path, capsys):
    staff(tmp_path)
    code = main(
        [
            "simulate",
            str(tmp_path / "r.csv"),
            "--replications",
            "30",
            "--seed",
            "3",
            "-o",
            str(tmp_path / "s.csv"),
        ]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "s.csv")
    assert table["level"].tolist() == ["interval"] * 4 + ["day"]
    day = table.iloc[-1]
    assert day["service_level_p10"] <= day["service_level_p50"] <= day["service_level_p90"]
    assert abs(day["service_level_p50"] - day["service_level_formula"]) < 0.1
    assert "P50" in capsys.readouterr().out
    again = main(
        [
            "simulate",
            str(tmp_path / "r.csv"),
            "--replications",
            "30",
            "--seed",
            "3",
            "-o",
            str(tmp_path / "t.csv"),
        ]
    )
    assert again == 0 and pd.read_csv(tmp_path / "t.csv").equals(table)
    assert (
        main(
            [
                "simulate",
                str(tmp_path / "r.csv"),
                "--agents-column",
                "nope",
                "-o",
                str(tmp_path / "u.csv"),
            ]
        )
        == 2
    )


@pytest.mark.parametrize("command", ["staff", "simulate"])
def test_help_states_units(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "[s]" in text and "--patience-seconds" in text
