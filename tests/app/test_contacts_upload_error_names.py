"""A bad contacts upload is named by the file the planner uploaded, never by the temporary
copy wfm reads (``/tmp/wfm-upload-.../``): on the Data page's contacts import and on the
Review page's quality-of-service section."""

from __future__ import annotations

import tempfile

import pandas as pd
from app_testing import assert_no_exception, open_page

from helpers.uploaded_files import read_uploaded
from wfm.data.contacts import read_contacts
from wfm.data.history import validate_history_frame
from wfm.data.vendors import contact_layout
from wfm.errors import InputError
from wfm.plan.workspace import Workspace

NAME = "march_contacts.csv"
#: No arrival time column: every layout needs one.
BAD = b"contact_id,queue,outcome,wait_seconds,handle_seconds\n1,sales,answered,5,100\n"


def messages(app) -> str:
    return " ".join(box.value for box in [*app.error, *app.warning])


def assert_names_the_upload(app) -> None:
    assert_no_exception(app)
    shown = messages(app)
    assert NAME in shown, shown
    assert tempfile.gettempdir() not in shown and "wfm-upload-" not in shown, shown


def test_the_reader_names_the_upload_not_its_copy():
    try:
        read_uploaded(NAME, BAD, read_contacts, contact_layout("generic"), timezone="UTC")
    except InputError as error:
        assert error.source == NAME and "wfm-upload-" not in str(error)
    else:
        raise AssertionError("a contacts file with no arrival time was read")


def test_the_data_page_names_the_uploaded_contacts_file(app_env):
    app = open_page("views/upload.py")
    upload = next(w for w in app.file_uploader if w.label == "Contacts CSV (one row per contact)")
    upload.set_value((NAME, BAD, "text/csv")).run()
    assert_names_the_upload(app)


def test_the_review_page_names_the_uploaded_contacts_file(app_env):
    frame = pd.DataFrame(
        {
            "interval_start": ["2026-11-09T08:00:00+00:00"],
            "queue": "sales",
            "offered": [10],
            "aht_seconds": [100.0],
            "handled": [9],
            "abandoned": [1],
            "answered_within_threshold": [8],
        }
    )
    history = validate_history_frame(frame, source="h.csv", timezone="UTC", interval_minutes=15)
    Workspace.open(f"sqlite:///{app_env}", actor="test").save_history(history)
    app = open_page("views/review.py")
    upload = next(w for w in app.file_uploader if w.label == "Contacts CSV for quality of service")
    upload.set_value((NAME, BAD, "text/csv")).run()
    assert_names_the_upload(app)
