"""The Review page's quality-of-service section: an uploaded contact export gives FCR,
repeats and categories, with customer ids pseudonymised."""

from __future__ import annotations

import pandas as pd
from app_testing import assert_no_exception, open_page

from wfm.data.history import validate_history_frame
from wfm.plan.workspace import Workspace

CONTACTS = (
    "contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds,customer_id,category\n"
    "1,2026-11-09T08:01:00Z,sales,answered,5,100,CUST-1,billing\n"
    "2,2026-11-10T08:02:00Z,sales,answered,5,100,CUST-1,billing\n"
    "3,2026-11-09T08:20:00Z,sales,answered,5,100,CUST-2,refund\n"
    "4,2026-11-20T08:20:00Z,sales,answered,5,100,CUST-3,refund\n"
)


def test_contact_quality_on_the_review_page(app_env):
    frame = pd.DataFrame(
        {
            "interval_start": ["2026-11-09T08:00:00+00:00", "2026-11-09T08:15:00+00:00"],
            "queue": "sales",
            "offered": [10, 30],
            "aht_seconds": [100.0, 200.0],
            "handled": [9, 28],
            "abandoned": [1, 2],
            "answered_within_threshold": [8, 20],
        }
    )
    history = validate_history_frame(frame, source="h.csv", timezone="UTC", interval_minutes=15)
    Workspace.open(f"sqlite:///{app_env}", actor="test").save_history(history)
    app = open_page("views/review.py")
    assert_no_exception(app)
    upload = next(w for w in app.file_uploader if w.label == "Contacts CSV for quality of service")
    upload.set_value(("contacts.csv", CONTACTS.encode(), "text/csv")).run()
    assert_no_exception(app)
    tables = [element.value for element in app.dataframe]
    by_queue = next(t for t in tables if "Judged for FCR" in t.columns and "Queue" in t.columns)
    row = by_queue.iloc[0]
    # CUST-1's first contact is followed within 7 days; CUST-1's second and CUST-2's are
    # resolved; CUST-3 on 20 Nov is the last day: not judged.
    assert (row["Contacts"], row["Judged for FCR"], row["Resolved first time"]) == (4, 3, 2)
    assert row["Repeat contacts"] == 1
    shown = " ".join(t.to_csv() for t in tables)
    assert "CUST-" not in shown
