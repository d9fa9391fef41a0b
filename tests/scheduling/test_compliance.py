"""Working-time compliance: each rule just broken and just kept, DST, midnight, the sample rota."""

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from wfm.config import load_centre, parse_centre
from wfm.data.output_files import read_rota
from wfm.data.schemas import Agent
from wfm.errors import InputError
from wfm.plan.chain import load_agents
from wfm.scheduling import UK_WORKING_TIME_REGULATIONS, check_rota, check_rota_frame
from wfm.scheduling.compliance import night_workers
from wfm.scheduling.rota_view import VIOLATION_COLUMNS, shifts_table
from wfm.scheduling.site import rota_site
from wfm.scheduling.working_time_law import WorkingTimeRules

TZ = "Europe/London"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def rota(*rows) -> pd.DataFrame:
    """Rows of (agent_id, activity, start, end) with local clock times."""
    return pd.DataFrame(
        [
            (agent, activity, pd.Timestamp(start, tz=TZ), pd.Timestamp(end, tz=TZ))
            for agent, activity, start, end in rows
        ],
        columns=["agent_id", "activity", "start", "end"],
    )


def work(agent, start, end):
    return ("A1" if agent is None else agent, "work", start, end)


def days(
    first: dt.date, count: int, start: str, end: str, agent: str = "A1", next_day_end: bool = False
):
    """One work piece a day for ``count`` days from ``first``."""
    rows = []
    for i in range(count):
        day = first + dt.timedelta(days=i)
        end_day = day + dt.timedelta(days=1) if next_day_end else day
        rows.append(work(agent, f"{day} {start}", f"{end_day} {end}"))
    return rows


def of_rule(violations, rule):
    return [v for v in violations if v.rule == rule]


MONDAY = dt.date(2025, 3, 3)


# --- daily rest (reg. 10) ---------------------------------------------------------------------
def test_daily_rest_edge_10_h_59_min_fails_and_11_h_passes():
    def rests(next_start):
        found = check_rota(
            rota(
                work("A1", "2025-03-04 06:00", "2025-03-04 14:00"),
                work("A1", next_start, "2025-03-05 09:00"),
            )
        )
        return of_rule(found, "daily_rest")

    (violation,) = rests("2025-03-05 00:59")
    assert violation.message == (
        "A1: 10 h 59 min rest between 2025-03-04 14:00 and 2025-03-05 00:59, minimum 11 h in the 24 hours "
        "from 2025-03-04 06:00 (WTR 1998 reg. 10(1))"
    )
    assert (violation.agent_id, violation.regulation, violation.unit) == (
        "A1",
        "WTR 1998 reg. 10(1)",
        "hours",
    )
    assert violation.value == pytest.approx(10 + 59 / 60) and violation.limit == 11
    assert violation.start == pd.Timestamp("2025-03-04 14:00", tz=TZ)
    assert violation.end == pd.Timestamp("2025-03-05 00:59", tz=TZ)
    assert rests("2025-03-05 01:00") == []


def test_daily_rest_message_gives_the_end_date_only_when_it_differs():
    found = check_rota(
        rota(
            work("A1", "2025-03-03 22:00", "2025-03-04 06:00"),
            work("A1", "2025-03-04 14:00", "2025-03-04 18:00"),
        )
    )
    (violation,) = of_rule(found, "daily_rest")
    assert (
        "A1: 8 h rest between 2025-03-04 06:00 and 14:00, minimum 11 h in the 24 hours from 2025-03-03 22:00"
        in violation.message
    )


def test_split_shift_needs_11_hours_rest_in_its_24_hours():
    def rest(second_start, second_end):
        frame = rota(
            work("A1", "2025-03-04 06:00", "2025-03-04 10:00"), work("A1", second_start, second_end)
        )
        return of_rule(check_rota(frame), "daily_rest")

    (violation,) = rest("2025-03-04 20:00", "2025-03-04 20:01")  # rests 10 h and 9 h 59 min
    assert violation.value == pytest.approx(10.0) and violation.end == pd.Timestamp(
        "2025-03-04 20:00", tz=TZ
    )
    assert rest("2025-03-04 21:00", "2025-03-04 22:00") == []  # 11 h then 8 h: 11 h in the 24 hours


def test_a_day_over_13_hours_leaves_less_than_11_hours_in_its_24():
    assert (
        of_rule(check_rota(rota(work("A1", "2025-03-04 08:00", "2025-03-04 21:00"))), "daily_rest")
        == []
    )
    (violation,) = of_rule(
        check_rota(rota(work("A1", "2025-03-04 08:00", "2025-03-04 21:01"))), "daily_rest"
    )
    assert violation.value == pytest.approx(10 + 59 / 60)


def test_daily_rest_is_elapsed_time_across_the_spring_clock_change():
    # Sat 21:00 GMT to Sun 08:00 BST is 11 h on the clock but 10 h elapsed.
    found = check_rota(
        rota(
            work("A1", "2025-03-29 13:00", "2025-03-29 21:00"),
            work("A1", "2025-03-30 08:00", "2025-03-30 12:00"),
        )
    )
    (violation,) = of_rule(found, "daily_rest")
    assert violation.value == pytest.approx(10.0)
    assert "10 h rest between 2025-03-29 21:00 and 2025-03-30 08:00" in violation.message
    # Autumn: Sat 22:00 BST to Sun 08:00 GMT is 10 h on the clock but 11 h elapsed.
    found = check_rota(
        rota(
            work("A1", "2025-10-25 14:00", "2025-10-25 22:00"),
            work("A1", "2025-10-26 08:00", "2025-10-26 12:00"),
        )
    )
    assert of_rule(found, "daily_rest") == []


def test_a_dst_week_of_night_shifts_is_measured_in_elapsed_hours():
    # Seven nights 22:00-06:00 over the spring change: the night of 29-30 March lasts 7 h.
    frame = rota(*days(dt.date(2025, 3, 24), 7, "22:00", "06:00", next_day_end=True))
    shifts = shifts_table(frame)
    assert (shifts["span_seconds"] / 3600).tolist() == [8, 8, 8, 8, 8, 7, 8]
    found = check_rota(frame)
    assert [v.value for v in of_rule(found, "rest_break")] == [0.0] * 7
    weekly = of_rule(found, "weekly_rest")
    assert len(weekly) == 1 and weekly[0].value == pytest.approx(22.0)  # Monday 00:00 to 22:00


def test_a_shift_over_midnight_belongs_to_its_start_date():
    frame = rota(
        work("A1", "2025-03-03 22:00", "2025-03-04 02:00"),
        ("A1", "break", "2025-03-04 02:00", "2025-03-04 02:20"),
        work("A1", "2025-03-04 02:20", "2025-03-04 06:00"),
        work("A1", "2025-03-04 16:59", "2025-03-04 20:00"),
    )
    shifts = shifts_table(frame)
    assert shifts["date"].tolist() == [dt.date(2025, 3, 3), dt.date(2025, 3, 4)]
    assert shifts["span_seconds"].tolist() == [8 * 3600, 3 * 3600 + 60]
    assert shifts["work_seconds"].tolist() == [8 * 3600 - 20 * 60, 3 * 3600 + 60]
    found = check_rota(frame)
    assert [v.rule for v in found] == ["daily_rest"]
    assert "10 h 59 min rest between 2025-03-04 06:00 and 16:59" in found[0].message


# --- weekly rest (reg. 11) --------------------------------------------------------------------
def week_with_longest_rest(thursday_start: str, week_two_days: int = 7):
    """Every day 10:00-18:00 except Thursday, which starts at ``thursday_start`` (ends 22:00);
    Wednesday 18:00 to Thursday's start is the longest rest of week one."""
    rows = [r for r in days(MONDAY, 7, "10:00", "18:00") if "2025-03-06" not in r[2]]
    rows.append(work("A1", f"2025-03-06 {thursday_start}", "2025-03-06 22:00"))
    rows += days(MONDAY + dt.timedelta(days=7), week_two_days, "10:00", "18:00")
    return of_rule(check_rota(rota(*rows)), "weekly_rest")


def test_weekly_rest_edge_23_h_59_min_fails_and_24_h_passes():
    first_week = pd.Timestamp("2025-03-03", tz=TZ)
    failing = [v for v in week_with_longest_rest("17:59") if v.start == first_week]
    assert len(failing) == 1
    assert failing[0].value == pytest.approx(23 + 59 / 60)
    assert failing[0].end == pd.Timestamp("2025-03-10", tz=TZ)
    assert (
        "longest uninterrupted rest in the week 2025-03-03 to 2025-03-09 is 23 h 59 min, minimum 24 h"
        in failing[0].message
    )
    assert "neither 48 h nor two rests of 24 h" in failing[0].message
    assert [v for v in week_with_longest_rest("18:00") if v.start == first_week] == []


def test_weekly_rest_accepts_48_hours_in_the_fortnight_instead():
    assert (
        week_with_longest_rest("17:59", week_two_days=3) == []
    )  # Wed 18:00 to Mon 00:00 of week three


def test_weekly_rest_says_when_the_rota_ends_before_the_fortnight():
    (violation,) = of_rule(check_rota(rota(*days(MONDAY, 7, "10:00", "18:00"))), "weekly_rest")
    assert "the rota ends before the 14-day alternative" in violation.message
    assert violation.value == pytest.approx(16.0)


# --- rest breaks (reg. 12) --------------------------------------------------------------------
def day_with_break(total_end: str, break_minutes: int):
    break_end = (pd.Timestamp("2025-03-04 12:00") + pd.Timedelta(minutes=break_minutes)).strftime(
        "%H:%M"
    )
    return check_rota(
        rota(
            work("A1", "2025-03-04 09:00", "2025-03-04 12:00"),
            ("A1", "break", "2025-03-04 12:00", f"2025-03-04 {break_end}"),
            work("A1", f"2025-03-04 {break_end}", f"2025-03-04 {total_end}"),
        )
    )


def test_rest_break_of_15_min_in_a_6_h_15_min_day_fails_and_20_min_passes():
    (violation,) = day_with_break("15:15", 15)
    assert violation.rule == "rest_break" and violation.regulation == "WTR 1998 reg. 12(3)"
    assert (violation.value, violation.limit, violation.unit) == (15.0, 20.0, "minutes")
    assert violation.message == (
        "A1: working day between 2025-03-04 09:00 and 15:15 lasts 6 h 15 min with a longest uninterrupted "
        "break of 15 min, minimum 20 min after 6 h (WTR 1998 reg. 12(3))"
    )
    assert day_with_break("15:15", 20) == []
    assert [v.value for v in day_with_break("15:15", 19)] == [19.0]


def test_rest_break_is_needed_only_over_6_hours():
    assert check_rota(rota(work("A1", "2025-03-04 09:00", "2025-03-04 15:00"))) == []
    (violation,) = check_rota(rota(work("A1", "2025-03-04 09:00", "2025-03-04 15:01")))
    assert violation.rule == "rest_break" and violation.value == 0.0


def test_back_to_back_break_and_lunch_are_one_uninterrupted_rest():
    found = check_rota(
        rota(
            work("A1", "2025-03-04 09:00", "2025-03-04 12:00"),
            ("A1", "break", "2025-03-04 12:00", "2025-03-04 12:10"),
            ("A1", "lunch", "2025-03-04 12:10", "2025-03-04 12:20"),
            work("A1", "2025-03-04 12:20", "2025-03-04 16:00"),
        )
    )
    assert found == []


def test_rest_break_measured_on_working_time_when_asked():
    rules = dataclasses.replace(UK_WORKING_TIME_REGULATIONS, rest_break_day_measure="working")
    frame = rota(
        work("A1", "2025-03-04 09:00", "2025-03-04 12:00"),
        ("A1", "break", "2025-03-04 12:00", "2025-03-04 12:15"),
        work("A1", "2025-03-04 12:15", "2025-03-04 15:15"),
    )
    assert check_rota(frame, rules=rules) == []  # 6 h of working time is not more than 6 h
    assert len(check_rota(frame)) == 1


# --- average weekly working time (reg. 4) -------------------------------------------------------
def test_average_week_of_48_h_passes_and_one_minute_more_fails():
    rows = days(MONDAY, 4, "08:00", "18:00") + [work("A1", "2025-03-07 08:00", "2025-03-07 16:00")]
    assert of_rule(check_rota(rota(*rows)), "average_weekly_hours") == []
    rows[-1] = work("A1", "2025-03-07 08:00", "2025-03-07 16:01")
    (violation,) = of_rule(check_rota(rota(*rows)), "average_weekly_hours")
    assert violation.value == pytest.approx(48 + 1 / 60) and violation.limit == 48
    assert (
        "over the rota's 1 week 2025-03-03 to 2025-03-09, shorter than the 17-week reference period"
        in violation.message
    )
    assert of_rule(check_rota(rota(*rows), opted_out={"A1"}), "average_weekly_hours") == []


def test_average_week_uses_every_17_week_period_of_a_longer_rota():
    # 18 weeks: one of 60 h, then 17 of 48 h. Weeks 1-17 average 48.7 h, weeks 2-18 48 h.
    rows = []
    for week in range(18):
        monday = MONDAY + dt.timedelta(weeks=week)
        rows += days(monday, 6, "08:00", "18:00" if week == 0 else "16:00")
    (violation,) = of_rule(check_rota(rota(*rows)), "average_weekly_hours")
    assert violation.value == pytest.approx((60 + 16 * 48) / 17)
    assert violation.start == pd.Timestamp("2025-03-03", tz=TZ)
    assert "over the 17 weeks" in violation.message and "shorter" not in violation.message


# --- night workers (reg. 6) -------------------------------------------------------------------
def test_night_worker_test_needs_3_hours_on_most_days():
    three_nights = days(MONDAY, 3, "20:00", "02:00", next_day_end=True)  # 23:00-02:00: 3 h each
    two_days = days(MONDAY + dt.timedelta(days=3), 2, "09:00", "15:00")
    assert night_workers(rota(*three_nights, *two_days)) == ["A1"]
    assert night_workers(rota(*three_nights[:2], *two_days)) == []  # 2 of 4 days is not a majority
    short = days(MONDAY, 3, "20:00", "01:59", next_day_end=True)  # 2 h 59 min of night time
    assert night_workers(rota(*short, *two_days)) == []


def test_night_worker_average_of_8_h_in_24_passes_and_more_fails():
    # Reg. 6(5): 6 nights of 8 h in a week = 48 h / (7 days - 1 rest day) = 8 h per 24 h.
    nights = days(MONDAY, 6, "22:00", "06:00", next_day_end=True)
    assert of_rule(check_rota(rota(*nights)), "night_work_hours") == []
    nights[-1] = work("A1", "2025-03-08 22:00", "2025-03-09 06:06")
    (violation,) = of_rule(check_rota(rota(*nights)), "night_work_hours")
    assert violation.value == pytest.approx((48 + 0.1) / 6)
    assert violation.message.startswith(
        "A1 (night worker): average 8 h 1 min working time per 24 h"
    )


# --- contracts ------------------------------------------------------------------------------
def small_centre(**contract):
    raw = {
        "centre": {"timezone": TZ},
        "queues": [{"name": "sales"}],
        "break_rules": [
            {
                "name": "lunch",
                "activity": "lunch",
                "duration_minutes": 30,
                "paid": False,
                "earliest_start_after_minutes": 180,
                "latest_start_after_minutes": 240,
            },
            {
                "name": "tea",
                "activity": "break",
                "duration_minutes": 15,
                "paid": True,
                "earliest_start_after_minutes": 60,
                "latest_start_after_minutes": 120,
            },
        ],
        "contracts": [
            {
                "name": "c",
                "min_hours_per_week": 16,
                "max_hours_per_week": 30,
                "min_days_per_week": 2,
                "max_days_per_week": 4,
                "max_shift_minutes": 390,
                "min_rest_hours": 11,
                **contract,
            }
        ],
    }
    return parse_centre(raw), [Agent("A1", "Ann", "T", "c", ("sales",))]


def shift_with_lunch(day: dt.date, end: str = "15:00", agent: str = "A1"):
    """09:00 to ``end`` with a paid 15-min break and an unpaid 30-min lunch."""
    return [
        work(agent, f"{day} 09:00", f"{day} 10:30"),
        (agent, "break", f"{day} 10:30", f"{day} 10:45"),
        work(agent, f"{day} 10:45", f"{day} 12:00"),
        (agent, "lunch", f"{day} 12:00", f"{day} 12:30"),
        work(agent, f"{day} 12:30", f"{day} {end}"),
    ]


def test_contract_paid_hours_leave_out_unpaid_lunch():
    centre, agents = small_centre(max_hours_per_week=22)
    rows = [
        r for i in range(4) for r in shift_with_lunch(MONDAY + dt.timedelta(days=i))
    ]  # 4 x 5.5 h paid
    assert check_rota(rota(*rows), site=rota_site(centre), agents=agents) == []
    centre, agents = small_centre(max_hours_per_week=21.75)
    (violation,) = check_rota(rota(*rows), site=rota_site(centre), agents=agents)
    assert violation.rule == "contract_max_paid_hours" and violation.value == 22.0
    assert violation.message == (
        "A1: 22 h paid in the week 2025-03-03 to 2025-03-09, contract c allows at most 21.8 h"
    )
    assert violation.regulation == "contract c (centre file)"


def test_contract_minimums_days_and_shift_length():
    centre, agents = small_centre(
        min_hours_per_week=5.5, min_days_per_week=1, max_days_per_week=1, max_shift_minutes=360
    )
    assert check_rota(rota(*shift_with_lunch(MONDAY)), site=rota_site(centre), agents=agents) == []
    centre, agents = small_centre(
        min_hours_per_week=5.51, min_days_per_week=2, max_days_per_week=4, max_shift_minutes=359
    )
    found = check_rota(rota(*shift_with_lunch(MONDAY)), site=rota_site(centre), agents=agents)
    assert sorted(v.rule for v in found) == [
        "contract_max_shift",
        "contract_min_days",
        "contract_min_paid_hours",
    ]
    rows = [r for i in range(2) for r in shift_with_lunch(MONDAY + dt.timedelta(days=i))]
    centre, agents = small_centre(max_days_per_week=1, min_days_per_week=0, min_hours_per_week=0)
    assert [v.rule for v in check_rota(rota(*rows), site=rota_site(centre), agents=agents)] == [
        "contract_max_days"
    ]


def test_contract_rest_is_reported_only_when_stricter_than_the_law():
    frame = rota(
        work("A1", "2025-03-04 08:00", "2025-03-04 12:00"),
        work("A1", "2025-03-05 00:00", "2025-03-05 04:00"),
    )
    centre, agents = small_centre(min_rest_hours=12, min_hours_per_week=0, min_days_per_week=0)
    assert check_rota(frame, site=rota_site(centre), agents=agents) == []
    centre, agents = small_centre(min_rest_hours=12.5, min_hours_per_week=0, min_days_per_week=0)
    (violation,) = check_rota(frame, site=rota_site(centre), agents=agents)
    assert violation.rule == "contract_min_rest"
    assert (
        violation.message
        == "A1: 12 h rest between 2025-03-04 12:00 and 2025-03-05 00:00, contract c requires at least 12.5 h"
    )


def test_contract_rules_need_agents():
    centre, _ = small_centre(max_shift_minutes=60)
    assert (
        check_rota(rota(work("A1", "2025-03-04 09:00", "2025-03-04 12:00")), site=rota_site(centre))
        == []
    )


# --- the rules and the table -------------------------------------------------------------------
def test_every_legal_figure_has_a_regulation_and_a_date():
    table = UK_WORKING_TIME_REGULATIONS.table()
    assert len(table) == 13
    assert table["regulation"].str.match(r"WTR 1998 reg\. \d+").all()
    dt.date.fromisoformat(UK_WORKING_TIME_REGULATIONS.checked_on)
    assert table.set_index("rule").loc["daily_rest_hours", "value"] == 11.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        UK_WORKING_TIME_REGULATIONS.daily_rest_hours = 10  # type: ignore[misc]
    with pytest.raises(InputError, match="night_start is out of range"):
        WorkingTimeRules(night_start="25:00")


def test_frame_form_has_the_columns():
    frame = check_rota_frame(rota(work("A1", "2025-03-04 09:00", "2025-03-04 15:01")))
    assert tuple(frame.columns) == VIOLATION_COLUMNS and frame["rule"].tolist() == ["rest_break"]
    assert check_rota_frame(rota(work("A1", "2025-03-04 09:00", "2025-03-04 10:00"))).empty


# --- the committed sample rota ----------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    centre = load_centre(SAMPLE / "centre.toml")
    return centre, load_agents(centre), read_rota(SAMPLE / "published_rota.csv", centre.timezone)


def test_the_sample_rota_keeps_every_rule_as_it_was_generated(sample):
    centre, agents, frame = sample
    # The generator (wfm.data.synthetic.rota.rota_shifts) draws shifts from the centre's templates
    # and contracts: 240/360/480/510-minute shifts, days 08:00-20:00, same start all week.
    shifts = shifts_table(frame)
    assert set(shifts["span_seconds"] // 60) == {240, 360, 480, 510}
    assert shifts["agent_id"].nunique() == len(agents) == 60
    assert check_rota(frame, site=rota_site(centre), agents=agents) == []


def test_a_changed_sample_rota_is_caught(sample):
    centre, agents, frame = sample
    # A003 works 08:00-16:30 Monday to Friday that week; add Sunday 20:00 to Monday 04:00
    # (the night the clocks go back, 8 h elapsed) without a break.
    extra = pd.DataFrame(
        [
            {
                "agent_id": "A003",
                "date": dt.date(2026, 10, 25),
                "activity": "work",
                "start": pd.Timestamp("2026-10-25 20:00", tz=TZ),
                "end": pd.Timestamp("2026-10-26 04:00", tz=TZ),
            }
        ]
    )
    found = check_rota(
        pd.concat([frame, extra], ignore_index=True), site=rota_site(centre), agents=agents
    )
    assert {v.rule for v in found} == {
        "daily_rest",
        "rest_break",
        "contract_max_days",
        "contract_max_paid_hours",
    }
    assert {v.agent_id for v in found} == {"A003"}
    by_rule = {v.rule: v for v in found}
    assert by_rule["daily_rest"].value == 4.0 and by_rule["rest_break"].value == 0.0
    assert (
        by_rule["contract_max_days"].value == 6 and by_rule["contract_max_paid_hours"].value == 48.0
    )


@pytest.mark.slow
def test_a_rota_from_the_scheduler_keeps_every_rule():
    from scheduling_synthetic import MONDAY as WEEK
    from scheduling_synthetic import synthetic_agents, synthetic_centre, synthetic_requirements

    from wfm.scheduling import schedule_week

    centre = synthetic_centre(time_limit_seconds=20, relative_gap=0.02)
    agents = synthetic_agents(12, seed=1)
    result = schedule_week(
        synthetic_requirements(centre, WEEK, peak_agents=4.0, seed=1),
        rota_site(centre),
        agents,
        WEEK,
    )
    assert not result.rota.empty
    assert check_rota(result.rota, site=rota_site(centre), agents=agents) == []
