"""A centre proposed from its history: queues, interval, hours, shifts, team size."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.handle_time import AhtAssumption
from wfm.data.history import read_history
from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.plan.proposal import propose_centre, write_proposal


def flat_history(weeks: int = 4) -> History:
    """100 contacts every 30 minutes, AHT 180 s, Mon-Fri 08:00-17:00 in London."""
    days = pd.date_range("2026-02-02", periods=7 * weeks, freq="D")
    starts = [
        pd.Timestamp(f"{day:%Y-%m-%d} 08:00", tz="Europe/London") + pd.Timedelta(minutes=30 * k)
        for day in days
        if day.day_of_week < 5
        for k in range(18)
    ]
    frame = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": 100.0, "aht_seconds": 180.0}
    )
    return History(frame, 30, "Europe/London")


def test_flat_week_gives_the_published_staffing_and_team_size():
    proposal = propose_centre(flat_history(), timezone="Europe/London")
    centre = proposal.centre
    assert [q.name for q in centre.queues] == ["sales"]
    assert centre.interval_minutes == 30
    assert centre.opening_hours["mon"] == "08:00-17:00" and centre.opening_hours["sat"] == "closed"
    # A = 100 x 180 / 1800 = 10 Erlang: 14 agents meet 80/20 (published vector), 20 scheduled
    # at 30 % shrinkage; FTE = 20 agents x 9 h x 5 days / 37.5 h = 24; x 1.15 = 27.6 -> 28.
    assert proposal.peak_agents_scheduled == 20
    assert proposal.required_fte == pytest.approx(24.0)
    assert len(proposal.agents) == 28
    assert all(agent.queues == ("sales",) for agent in proposal.agents)
    template = centre.shift_templates[0]
    assert template.earliest_start == "08:00" and template.latest_start == "08:30"
    assert template.lengths_minutes == (510,)  # 8 paid hours + 30 min lunch fit 9 h
    assert any("80% answered within 20 s" in note for note in proposal.notes)


def test_written_proposal_loads_as_a_centre(tmp_path):
    proposal = propose_centre(flat_history(), timezone="Europe/London", name="Flat")
    write_proposal(proposal, tmp_path / "centre")
    centre = load_centre(tmp_path / "centre" / "centre.toml")
    assert centre.name == "Flat" and centre.timezone == "Europe/London"
    history = read_history(
        tmp_path / "centre" / "history.csv", timezone=centre.timezone, interval_minutes=30
    )
    assert history.frame["offered"].sum() == proposal.history.frame["offered"].sum()
    agents = pd.read_csv(tmp_path / "centre" / "agents.csv")
    assert len(agents) == 28 and set(agents["contract"]) == {"full_time"}


def test_volume_only_history_needs_the_aht(bank_calls_path):
    history = read_history(
        bank_calls_path,
        column_map={"datetime": "interval_start", "calls": "offered"},
        timezone="America/New_York",
        default_queue="retail",
    )
    with pytest.raises(InputError, match="no handle time for queue"):
        propose_centre(history)
    proposal = propose_centre(history, aht=AhtAssumption(aht_seconds=240))
    centre = proposal.centre
    assert centre.queue("retail").aht_seconds == 240
    assert centre.interval_minutes == 5
    assert centre.opening_hours["mon"] == "07:00-21:05"
    assert centre.opening_hours["sun"] == "closed"
    assert len(proposal.agents) >= proposal.peak_agents_scheduled > 0


def test_proposed_shifts_staff_every_open_minute_up_to_closing(bank_calls_path):
    # The bank is open 07:00-21:05; 30-minute starts from 07:00 end at 21:00 at the latest,
    # which left the 21:00-21:05 interval with no shift that could ever cover it.
    history = read_history(
        bank_calls_path,
        column_map={"datetime": "interval_start", "calls": "offered"},
        timezone="America/New_York",
    )
    centre = propose_centre(history, aht=AhtAssumption(aht_seconds=240)).centre
    for day in ("mon", "tue", "wed", "thu", "fri"):
        opening, closing = centre.opening_hours[day].split("-")
        open_minute = int(opening[:2]) * 60 + int(opening[3:])
        close_minute = int(closing[:2]) * 60 + int(closing[3:])
        covered = set()
        for template in centre.shift_templates:
            if day not in template.days:
                continue
            for start in template.start_minutes():
                for length in template.lengths_minutes:
                    assert start >= open_minute and start + length <= close_minute
                    covered.update(range(start, start + length))
        assert covered == set(range(open_minute, close_minute)), day
