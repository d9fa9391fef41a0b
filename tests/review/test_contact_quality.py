"""Quality of service from contacts: FCR on a hand-built customer sequence, repeats,
satisfaction, categories, and customer ids pseudonymised with the install's salt."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.contacts import read_contacts
from wfm.data.pseudonyms import pseudonym
from wfm.data.vendors import contact_layout
from wfm.review.contact_quality import contact_details, contact_quality, first_contact_resolution

CONTACTS = """
contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds,customer_id,agent_id,satisfaction_score,category
1,2026-03-02T09:00:00Z,sales,answered,5,100,CUST-1,A1,4,billing
2,2026-03-04T09:00:00Z,sales,answered,5,100,CUST-1,A2,2,billing
3,2026-03-12T09:00:00Z,sales,answered,5,100,CUST-1,A1,,refund
4,2026-03-02T10:00:00Z,sales,answered,5,100,CUST-2,A1,5,billing
5,2026-03-02T11:00:00Z,sales,abandoned,50,,CUST-3,,,
6,2026-03-02T11:20:00Z,sales,answered,5,100,CUST-3,A2,3,billing
7,2026-03-20T09:00:00Z,sales,answered,5,100,CUST-4,A2,,refund
8,2026-03-21T09:00:00Z,sales,answered,5,100,,A2,,refund
"""


@pytest.fixture
def details(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(textwrap.dedent(CONTACTS).lstrip(), encoding="utf-8")
    contacts, _ = read_contacts(
        path, contact_layout("generic"), timezone="UTC", extras=True, salt=b"salt"
    )
    return contact_details(contacts)


def test_fcr_on_a_hand_built_sequence(details):
    flags = first_contact_resolution(details, fcr_days=7)
    # CUST-1: 02 Mar followed on 04 Mar (unresolved), 04 Mar next on 12 Mar = 8 days (resolved,
    # itself a repeat), 12 Mar resolved (no later contact; judged: 12 Mar <= 21 - 7).
    # CUST-2 resolved. CUST-3: the abandon at 11:00 is followed 20 minutes later (unresolved);
    # 11:20 resolved and a repeat. CUST-4 on 20 Mar: window not over by 21 Mar -> not judged.
    # Contact 8 has no customer id -> not judged.
    assert flags["resolved"].tolist() == [False, True, True, True, False, True, pd.NA, pd.NA]
    assert flags["repeat"].tolist() == [False, True, False, False, False, True, False, pd.NA]


def test_quality_tables(details):
    quality = contact_quality(details, fcr_days=7, teams={"A1": "Team X", "A2": "Team Y"})
    queue = quality.by_queue.set_index("queue").loc["sales"]
    assert queue["contacts"] == 8 and queue["fcr_judged"] == 6 and queue["fcr_resolved"] == 4
    assert queue["fcr"] == pytest.approx(4 / 6)
    assert queue["repeat_contacts"] == 2
    assert queue["satisfaction_responses"] == 4
    assert queue["satisfaction_mean"] == pytest.approx((4 + 2 + 5 + 3) / 4)
    agent = quality.by_agent.set_index("agent_id")
    assert agent.loc["A1", "contacts"] == 3 and agent.loc["A2", "contacts"] == 4
    assert set(quality.by_team["team"]) == {"Team X", "Team Y"}
    categories = quality.categories_by_day.set_index(["day", "category"])["contacts"]
    assert categories.loc[(pd.Timestamp("2026-03-02").date(), "billing")] == 3


def test_customer_ids_are_pseudonymised(details):
    assert "CUST-1" not in set(details["customer_id"].dropna())
    assert details["customer_id"].iloc[0] == pseudonym("CUST-1", b"salt")
    assert details["customer_id"].iloc[0] == details["customer_id"].iloc[1]


def test_review_writes_quality_without_raw_customer_ids(tmp_path, store_url, capsys):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(textwrap.dedent(CONTACTS).lstrip(), encoding="utf-8")
    history = tmp_path / "history.csv"
    assert main(["import-contacts", str(contacts), "-q", "-o", str(history)]) == 0
    out = tmp_path / "review"
    code = main(
        [
            "review",
            "--history",
            str(history),
            "--contacts",
            str(contacts),
            "--store",
            store_url,
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert "FCR 66.7% of 6 judged" in capsys.readouterr().out
    texts = "".join(path.read_text() for path in out.glob("*.csv"))
    assert "CUST-" not in texts
    by_agent = pd.read_csv(out / "contact_quality_by_agent.csv")
    assert by_agent["contacts"].sum() == 7
