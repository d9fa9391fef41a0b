"""Working-time law by country (issue 14 item 7): the UK Regulations for GB, the EU Directive
for EU and EEA countries, and the contracts only (with a plain note) elsewhere."""

from __future__ import annotations

import pandas as pd
import pytest
from scheduling_synthetic import make_agents, make_centre

from wfm.config import Contract
from wfm.scheduling import check_rota, rule_set_text
from wfm.scheduling.site import rota_site
from wfm.scheduling.working_time_law import (
    EU_WORKING_TIME_DIRECTIVE,
    UK_WORKING_TIME_REGULATIONS,
    working_time_law_for,
)

TZ = "Europe/Berlin"


def centre_in(country: str | None):
    centre = make_centre(
        contracts=(Contract(name="flex", max_days_per_week=7, max_hours_per_week=60),),
        timezone=TZ,
    )
    return centre.model_copy(update={"country": country})


def rota(*spans) -> pd.DataFrame:
    """Work of agent A01 in local (start, end) spans."""
    return pd.DataFrame(
        [("A01", "work", pd.Timestamp(a, tz=TZ), pd.Timestamp(b, tz=TZ)) for a, b in spans],
        columns=["agent_id", "activity", "start", "end"],
    )


@pytest.mark.parametrize(
    ("country", "law"),
    [
        ("GB", UK_WORKING_TIME_REGULATIONS),
        ("gb", UK_WORKING_TIME_REGULATIONS),
        (None, UK_WORKING_TIME_REGULATIONS),
        ("DE", EU_WORKING_TIME_DIRECTIVE),
        ("FR", EU_WORKING_TIME_DIRECTIVE),
        ("NO", EU_WORKING_TIME_DIRECTIVE),
        ("US", None),
        ("CA", None),
    ],
)
def test_the_law_follows_the_centre_country(country, law):
    assert working_time_law_for(country) is law
    assert working_time_law_for(centre_in(country).country) is law


def test_the_directive_table_cites_its_articles_and_is_dated():
    table = EU_WORKING_TIME_DIRECTIVE.table().set_index("rule")
    assert table.at["daily_rest_hours", "regulation"] == "Directive 2003/88/EC Art. 3"
    assert table.at["weekly_rest_hours", "value"] == 35.0  # Art. 5: 24 h plus the daily 11
    assert table.at["max_average_weekly_hours", "regulation"] == "Directive 2003/88/EC Art. 6(b)"
    assert set(table["checked_on"]) == {"2026-12-06"}
    assert UK_WORKING_TIME_REGULATIONS.regulation("weekly_rest") == "WTR 1998 reg. 11(1), 11(2)"


# Monday to Saturday 09:00-17:00 with a 30-minute break, Sunday off: the longest rest in the
# week is Saturday 17:00 to Monday 00:00, 31 h. Tuesday 09:00-16:15 has a 15-minute break only.
WEEK = [
    span
    for d in (2, 4, 5, 6, 7)
    for span in (
        (f"2025-06-0{d} 09:00", f"2025-06-0{d} 13:00"),
        (f"2025-06-0{d} 13:30", f"2025-06-0{d} 17:00"),
    )
] + [("2025-06-03 09:00", "2025-06-03 12:00"), ("2025-06-03 12:15", "2025-06-03 16:15")]


def rules_broken(country: str | None) -> set[str]:
    found = check_rota(
        rota(*WEEK),
        site=rota_site(centre_in(country)),
        week_start=pd.Timestamp("2025-06-02").date(),
    )
    return {v.rule for v in found}, found


def test_uk_weekly_rest_24_h_passes_and_its_20_minute_break_fails():
    rules, found = rules_broken("GB")
    assert rules == {"rest_break"}
    assert "WTR 1998 reg. 12" in found[0].message


def test_eu_weekly_rest_is_35_h_and_its_15_minute_break_passes():
    rules, found = rules_broken("DE")
    assert rules == {"weekly_rest"}
    (weekly,) = found
    assert weekly.value == pytest.approx(31.0)
    assert weekly.limit == 35.0
    assert weekly.regulation == "Directive 2003/88/EC Art. 5, 16(a)"


def test_a_country_without_a_table_checks_the_contracts_only_and_says_so():
    # 10 hours between two days breaks every law table's daily rest; in the US only the
    # contract's own 11 h rest (min_rest_hours) is reported.
    short_rest = rota(
        ("2025-06-02 14:00", "2025-06-02 20:00"), ("2025-06-03 06:00", "2025-06-03 10:00")
    )
    centre = centre_in("US")
    agents = make_agents(1)
    found = check_rota(short_rest, site=rota_site(centre), agents=agents)
    assert [v.rule for v in found] == ["contract_min_rest"]
    assert {
        v.rule for v in check_rota(short_rest, site=rota_site(centre_in("GB")), agents=agents)
    } == {"daily_rest"}
    note = rule_set_text(working_time_law_for(centre.country), centre.country)
    assert "no working-time law table for country 'US'" in note
    assert "only the contract rules" in note
    assert (
        rule_set_text(working_time_law_for(centre_in("FR").country))
        == "EU Working Time Directive 2003/88/EC"
    )
