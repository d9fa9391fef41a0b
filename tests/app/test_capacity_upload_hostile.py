"""A capacity file uploaded to the Capacity page that is not UTF-8 TOML, or nests beyond any
real file, is an error box naming the upload, and the page keeps the settings it had: found
by the app's hostile-upload sweep (benchmarks/fuzz_app.py), where a UTF-16 file was a
UnicodeDecodeError shown as "Something went wrong that wfm did not expect"."""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page
from test_capacity_page import PAGE, sample_saved  # noqa: F401 - the fixture

from helpers.ui import GENERIC_ERROR

HOSTILE = {
    "utf16.toml": "[hiring]\n".encode("utf-16"),
    "deep.toml": ("x = " + "[" * 50_000 + "]" * 50_000 + "\n").encode(),
    "broken.toml": b"[hiring\n",
}


@pytest.mark.slow
def test_hostile_capacity_uploads_are_error_boxes_naming_the_file(sample_saved):  # noqa: F811
    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    for name, data in HOSTILE.items():
        upload = next(w for w in app.file_uploader if w.label.startswith("Use another"))
        upload.set_value((name, data, "application/toml"))
        app.run()
        assert_no_exception(app)
        messages = [e.value for e in app.error]
        assert GENERIC_ERROR not in messages, name
        assert any(name in message for message in messages), (name, messages)
