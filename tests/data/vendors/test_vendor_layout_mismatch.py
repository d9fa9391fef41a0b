"""A vendor layout given for a file of another layout: a clear error or a reading, never an
internal error (genesys-cloud: KeyError None; amazon-connect: IndexError on a 0-d array;
found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

import pytest

from wfm.data.contacts import read_contacts
from wfm.data.vendors import contact_layout
from wfm.errors import InputError

GENERIC = (
    "contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds\n"
    "C1,2026-03-02T08:01:00+00:00,sales,answered,10,300\n"
    "C2,2026-03-02T08:05:00+00:00,sales,abandoned,40,\n"
)


@pytest.mark.parametrize("layout", ["genesys-cloud", "amazon-connect"])
def test_generic_file_read_with_a_vendor_layout(tmp_path, layout):
    path = tmp_path / "contacts.csv"
    path.write_text(GENERIC)
    try:
        read_contacts(path, contact_layout(layout), timezone="Europe/London")
    except InputError as error:
        assert str(path) in str(error)


def test_amazon_connect_without_answer_column_names_it(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(GENERIC)
    with pytest.raises(InputError, match="Agent.ConnectedToAgentTimestamp"):
        read_contacts(path, contact_layout("amazon-connect"), timezone="Europe/London")
