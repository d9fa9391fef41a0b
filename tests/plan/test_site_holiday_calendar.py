"""Which country's holidays a site's forecast learns: the plan forecasts each staffing group
with its group's centre (:meth:`wfm.config.Centre.site_centre`, merged by
:func:`wfm.plan.groups.merge_site_centres`), and the calendar comes from that centre."""

from __future__ import annotations

import tomllib

import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.forecast.holiday_effects import HolidayCalendar
from wfm.plan.groups import staffing_groups

YEARS = range(2024, 2026)


def test_a_site_has_its_own_country_and_a_group_across_zones_the_reference_sites(
    tmp_path,
) -> None:
    path = generate_multi_site_centre(tmp_path, sites=2, agents_per_site=3, history_weeks=3)
    raw = tomllib.loads(path.read_text())
    raw["centre"]["country"] = "GB"
    raw["sites"][1].update(timezone="America/New_York", country="US")
    moved = tmp_path / "two_countries.toml"
    moved.write_text(tomli_w.dumps(raw))
    centre = load_centre(moved)
    calendars = {
        site.name: HolidayCalendar.for_centre(centre.site_centre(site.name), YEARS)
        for site in centre.sites
    }
    assert calendars["site01"].source.endswith("country GB")
    assert calendars["site02"].source.endswith("country US")
    # US Independence Day is a day type of the US site only
    assert "Independence Day" in calendars["site02"].names.values()
    assert "Independence Day" not in calendars["site01"].names.values()
    # the two sites share a queue, so they are one group: one forecast, in the reference
    # (the centre's) zone with its country; the US site's holidays close only its shifts
    (group,) = staffing_groups(centre)
    assert HolidayCalendar.for_centre(group.centre, YEARS).source.endswith("country GB")
