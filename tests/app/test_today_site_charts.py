"""The Today page's charts on a site's own day (helpers.today_charts): the zone named on the
axis, the site's own series, and no line carried across intervals the queue is closed."""

from __future__ import annotations

import pandas as pd

from helpers import today_charts

NEW_YORK = "America/New_York"


def frame() -> pd.DataFrame:
    # 19:00-19:45 New York, then nothing until 03:00: the queue is closed between
    starts = list(pd.date_range("2026-11-17 00:00", periods=4, freq="15min", tz="UTC"))
    starts += list(pd.date_range("2026-11-17 08:00", periods=4, freq="15min", tz="UTC"))
    return pd.DataFrame(
        {
            "interval_start": starts,
            **{column: 1.0 for column in today_charts.site_agent_series("site02")},
        }
    )


def line_layers(spec: dict, data: dict | None = None) -> list[dict]:
    """The chart's line layers, in drawing order (nested layers flattened), each with its
    ``data`` (a layer without its own uses its parent's)."""
    found = []
    for layer in spec.get("layer", []):
        own = layer.get("data", spec.get("data", data))
        if "layer" in layer:
            found.extend(line_layers(layer, own))
        elif layer["mark"]["type"] == "line":
            found.append({**layer, "data": own})
    return found


def chart_data(chart) -> tuple[pd.DataFrame, dict]:
    """All line rows of ``chart`` and its first line layer."""
    spec = chart.to_dict()
    lines = line_layers(spec)
    rows = [pd.DataFrame(spec["datasets"][layer["data"]["name"]]) for layer in lines]
    return pd.concat(rows, ignore_index=True), lines[0]


def test_a_sites_day_names_its_clock_and_breaks_lines_over_closed_intervals():
    as_of = pd.Timestamp("2026-11-17 08:30", tz="UTC")
    chart = today_charts.day_lines(
        frame(),
        today_charts.site_agent_series("site02"),
        timezone=NEW_YORK,
        as_of=as_of,
        title="Agents",
        height=200,
        time_title="site02 local time (America/New_York)",
        interval_minutes=15,
    )
    data, lines = chart_data(chart)
    assert lines["encoding"]["x"]["title"] == "site02 local time (America/New_York)"
    assert lines["encoding"]["detail"]["field"] == "segment"
    assert set(data["series"]) >= {"scheduled at site02", "present at site02", "required"}
    for _, own in data.groupby("series"):
        assert own["segment"].tolist() == [0] * 4 + [1] * 4  # two runs, not one line
    assert data["time"].min().startswith("2026-11-16T19:00")  # New York's wall clock
    # without the interval length: one run (the centre's one-zone chart as before)
    chart = today_charts.day_lines(
        frame(), today_charts.AGENT_SERIES, timezone=NEW_YORK, as_of=as_of, title="A", height=9
    )
    assert set(chart_data(chart)[0]["segment"]) == {0}


def test_the_plan_is_drawn_dashed_over_a_re_forecast_that_follows_it():
    as_of = pd.Timestamp("2026-11-17 08:30", tz="UTC")
    data = frame().assign(offered_planned=5.0, offered_updated=5.0)
    chart = today_charts.day_lines(
        data,
        today_charts.CONTACT_SERIES,
        timezone=NEW_YORK,
        as_of=as_of,
        title="Contacts",
        height=200,
        dashed="forecast as planned",
    )
    spec = chart.to_dict()
    first, last = line_layers(spec)  # solid lines first, the dashed plan last (on top)
    assert set(pd.DataFrame(spec["datasets"][first["data"]["name"]])["series"]) == {
        "actual, then re-forecast"
    }
    assert set(pd.DataFrame(spec["datasets"][last["data"]["name"]])["series"]) == {
        "forecast as planned"
    }
    dash = last["encoding"]["strokeDash"]["scale"]
    assert dash["range"][dash["domain"].index("forecast as planned")] == [5, 3]
    assert "resolve" not in spec  # the layers share one colour scale and one legend
    assert first["encoding"]["color"] == last["encoding"]["color"]
