"""The Review page on a history of volumes only (no answered counts, issue 14): what can be
shown is shown (volumes, the forecast's accuracy), what cannot is said in a note, not an
error, and the contact-quality section below is still reached."""

from __future__ import annotations

import pandas as pd
from app_testing import assert_no_exception, open_page

from wfm.data.history import validate_history_frame
from wfm.plan.workspace import Workspace

#: Contacts offered in two intervals, and the forecast saved for them.
OFFERED, FORECAST = [10, 30], [12.0, 27.0]


def test_review_of_a_volume_only_history_reaches_the_contacts_section(app_env):
    starts = ["2026-11-09T08:00:00+00:00", "2026-11-09T08:15:00+00:00"]
    frame = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": OFFERED, "aht_seconds": 240.0}
    )
    history = validate_history_frame(frame, source="h.csv", timezone="UTC", interval_minutes=15)
    ws = Workspace.open(f"sqlite:///{app_env}", actor="test")
    ws.save_history(history)
    forecast = history.frame[["interval_start", "queue"]].assign(offered=FORECAST)
    ws.save_forecast(forecast, meta={"model": "test"})

    app = open_page("views/review.py")
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert any("volumes only" in box.value for box in app.info)
    metrics = {m.label: m.value for m in app.metric}
    # WAPE = (|12 - 10| + |27 - 30|) / (10 + 30) = 12.5 %; bias = (39 - 40) / 40 = -2.5 %.
    assert metrics["Forecast WAPE"] == "12.5 %"
    assert metrics["Forecast bias"] == "-2.5 %"
    # Measured from answered contacts only: never an AHT of 0 s from an assumed AHT.
    assert metrics["Service level"] == metrics["AHT"] == metrics["Abandoned"] == "—"
    assert "review_daily_measure" in [s.key for s in app.selectbox]
    assert app.selectbox(key="review_daily_measure").value in ("wape", "offered")
    labels = [w.label for w in app.file_uploader]
    assert "Contacts CSV for quality of service" in labels
