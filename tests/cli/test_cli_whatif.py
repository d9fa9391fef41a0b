"""`wfm whatif` on a small plan folder and the sample centre's targets."""

from pathlib import Path

import pandas as pd
import pytest

from wfm.cli import main
from wfm.cli.whatif import parse_scenario
from wfm.errors import InputError

CENTRE = str(Path(__file__).resolve().parents[2] / "data" / "sample" / "centre.toml")


def write_plan(folder):
    starts = pd.date_range("2026-11-16 08:00", periods=48, freq="15min", tz="UTC")
    iso = [t.isoformat() for t in starts]
    rows = []
    for queue, offered, aht in (("sales", 30.0, 240.0), ("support", 20.0, 400.0)):
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": iso,
                    "queue": queue,
                    "offered": offered,
                    "aht_seconds": aht,
                    "agents_scheduled": 14.0,
                }
            )
        )
    frame = pd.concat(rows)
    folder.mkdir()
    frame[["interval_start", "queue", "offered", "aht_seconds"]].to_csv(
        folder / "forecast.csv", index=False
    )
    frame[["interval_start", "queue", "agents_scheduled"]].to_csv(
        folder / "coverage.csv", index=False
    )


def test_whatif_compares_base_and_scenarios(tmp_path, capsys):
    write_plan(tmp_path / "plan")
    out = tmp_path / "whatif.csv"
    code = main(
        [
            "whatif",
            "--centre",
            CENTRE,
            "--plan",
            str(tmp_path / "plan"),
            "--volume-change",
            "0.1",
            "--patience-seconds",
            "120",
            "--scenario",
            "sick=absenteeism:0.1",
            "--scenario",
            "zero=volume:0",
            "--daily",
            str(tmp_path / "daily.csv"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out).set_index("scenario")
    assert list(table.index) == ["base", "change", "sick", "zero"]
    assert table.loc["change", "service_level"] < table.loc["base", "service_level"]
    assert table.loc["sick", "scheduled_agent_hours"] == pytest.approx(
        0.9 * table.loc["base", "scheduled_agent_hours"]
    )
    assert table.loc["zero", "service_level_change"] == pytest.approx(0.0)
    assert "abandonment_rate" in table.columns
    daily = pd.read_csv(tmp_path / "daily.csv")
    assert set(daily["scenario"]) == {"base", "change", "sick", "zero"}
    assert set(daily["queue"]) == {"sales", "support", "all"}
    printed = capsys.readouterr().out
    assert "sensitivity" in printed and "volume" in printed


def test_whatif_without_a_plan_folder_exits_2(tmp_path, capsys):
    code = main(
        [
            "whatif",
            "--centre",
            CENTRE,
            "--plan",
            str(tmp_path / "missing"),
            "-o",
            str(tmp_path / "w.csv"),
        ]
    )
    assert code == 2
    assert "forecast.csv" in capsys.readouterr().err


def test_parse_scenario():
    scenario = parse_scenario("busy=volume:0.1,aht:-0.05,absenteeism:0.05")
    assert (
        scenario.name,
        scenario.volume_factor,
        scenario.aht_factor,
        scenario.absenteeism_fraction,
    ) == ("busy", 1.1, 0.95, 0.05)
    for bad in ("busy", "busy=weather:1", "busy=volume:lots"):
        with pytest.raises(InputError):
            parse_scenario(bad)


def test_a_plan_queue_missing_from_the_centre_names_the_centre_file_queue_and_fix(tmp_path, capsys):
    write_plan(tmp_path / "plan")
    text = Path(CENTRE).read_text()
    start = text.index('[[queues]]\nname = "support"')
    end = text.index("[[", start + 2)
    centre = tmp_path / "other_centre.toml"
    centre.write_text(text[:start] + text[end:])
    out = tmp_path / "whatif.csv"
    argv = ["whatif", "--centre", str(centre), "--plan", str(tmp_path / "plan")]
    code = main([*argv, "--no-sensitivity", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(centre) in err  # the file to edit
    assert "'support'" in err and str(tmp_path / "plan" / "forecast.csv") in err
    assert '[[queues]] entry with name = "support"' in err  # the fix
    assert "Traceback" not in err and not out.exists()
