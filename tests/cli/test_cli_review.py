"""`wfm review` end to end on small files."""

import pandas as pd
import pytest

from wfm.cli import main


def write_inputs(folder):
    starts = pd.date_range("2026-11-09 08:00", periods=8, freq="15min", tz="UTC")
    starts = starts.append(starts + pd.Timedelta(days=1))
    iso = [t.isoformat() for t in starts]
    history = pd.DataFrame(
        {
            "interval_start": iso,
            "queue": "sales",
            "offered": 20,
            "aht_seconds": 180.0,
            "handled": 18,
            "abandoned": 2,
            "answered_within_threshold": 15,
            "abandoned_within_threshold": 1,
        }
    )
    history.to_csv(folder / "history.csv", index=False)
    pd.DataFrame(
        {"interval_start": iso, "queue": "sales", "offered": 22.0, "aht_seconds": 180.0}
    ).to_csv(folder / "forecast.csv", index=False)
    pd.DataFrame(
        {"interval_start": iso, "queue": "sales", "agents_scheduled": 6.0, "agents_productive": 5.0}
    ).to_csv(folder / "coverage.csv", index=False)


def test_review_writes_the_kpi_files_and_a_self_contained_report(tmp_path, capsys):
    write_inputs(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "review",
            "--history",
            str(tmp_path / "history.csv"),
            "--forecast",
            str(tmp_path / "forecast.csv"),
            "--coverage",
            str(tmp_path / "coverage.csv"),
            "--timezone",
            "Europe/London",
            "--sl-definition",
            "answered_and_abandoned_within",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert {p.name for p in out.iterdir()} == {
        "kpi_by_interval.csv",
        "kpi_by_day.csv",
        "review.html",
    }
    by_day = pd.read_csv(out / "kpi_by_day.csv")
    assert len(by_day) == 2
    assert by_day["service_level"].tolist() == pytest.approx([16 / 20, 16 / 20])
    assert by_day["wape"].tolist() == pytest.approx([0.1, 0.1])
    assert by_day["occupancy"].tolist() == pytest.approx([18 * 180 / (5 * 900)] * 2)
    page = (out / "review.html").read_text()
    assert "answered_and_abandoned_within" in page
    assert "<svg" in page or "<img" in page
    assert "<script" not in page
    assert "answered_and_abandoned_within" in capsys.readouterr().out


def test_review_period_options_select_the_dates(tmp_path):
    write_inputs(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "review",
            "--history",
            str(tmp_path / "history.csv"),
            "--timezone",
            "UTC",
            "--from",
            "2026-11-10",
            "--to",
            "2026-11-10",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert pd.read_csv(out / "kpi_by_day.csv")["date"].tolist() == ["2026-11-10"]


@pytest.mark.parametrize(
    "extra",
    [
        ["--sl-definition", "nonsense"],
        ["--from", "2030-01-01"],
        ["--from", "2026-11-10", "--to", "2026-11-09"],
    ],
)
def test_review_bad_input_exits_2_and_writes_nothing(tmp_path, extra, capsys):
    write_inputs(tmp_path)
    out = tmp_path / "out"
    timezone = ["--timezone", "UTC"]
    code = main(
        ["review", "--history", str(tmp_path / "history.csv"), *timezone, *extra, "-o", str(out)]
    )
    assert code == 2
    assert not (out / "review.html").exists()
    assert "error" in capsys.readouterr().err


def test_review_without_a_zone_uses_the_one_offset_of_the_history(tmp_path, caplog):
    write_inputs(tmp_path)  # every timestamp carries +00:00
    out = tmp_path / "out"
    assert main(["review", "--history", str(tmp_path / "history.csv"), "-o", str(out)]) == 0
    assert "carries UTC+00:00" in caplog.text
    assert (out / "review.html").exists()


def test_report_draws_plain_svg_without_vl_convert(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "vl_convert", None)  # import now raises ImportError
    write_inputs(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "review",
            "--history",
            str(tmp_path / "history.csv"),
            "--forecast",
            str(tmp_path / "forecast.csv"),
            "--coverage",
            str(tmp_path / "coverage.csv"),
            "--timezone",
            "UTC",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    page = (out / "review.html").read_text()
    assert page.count("<svg") == 3  # service level per day, forecast vs actual, scheduled agents
    assert "<polyline" in page
    assert "all_abandons_against" in page
