"""Chat with concurrency and deferred work against their definitions and brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm.errors import InputError
from wfm.staffing import ServiceTarget, staff_to_target
from wfm.staffing.chat import staff_chat
from wfm.staffing.deferred import staff_deferred_work

TARGET = ServiceTarget(0.8, 60.0, 0.9)


def test_one_chat_at_a_time_is_erlang_c():
    chats, aht = np.array([10.0, 100.0, 500.0]), np.array([300.0, 400.0, 250.0])
    got = staff_chat(chats, aht, 30, 1, TARGET, slowdown_per_extra_chat=0.3)
    plain = staff_to_target(chats * aht / 1800, aht, TARGET).agents_required
    np.testing.assert_array_equal(got.agents_required, plain)


@settings(max_examples=80, deadline=None)
@given(
    chats=st.floats(1, 800),
    aht=st.floats(60, 900),
    concurrency=st.integers(1, 5),
    slowdown=st.floats(0, 1),
)
def test_agents_cover_the_slots_minimally(chats, aht, concurrency, slowdown):
    r = staff_chat([chats], [aht], 30, concurrency, TARGET, slowdown_per_extra_chat=slowdown)
    slots, agents = int(r.slots_required[0]), int(r.agents_required[0])
    assert agents * concurrency >= slots > (agents - 1) * concurrency
    assert r.chat_aht_seconds[0] == pytest.approx(aht * (1 + slowdown * (concurrency - 1)))
    if slowdown == 0 and concurrency > 1:  # free concurrency never needs more agents
        assert agents <= int(staff_chat([chats], [aht], 30, 1, TARGET).agents_required[0])


def test_full_slowdown_gains_nothing_from_concurrency():
    one = staff_chat([200.0], [300.0], 30, 1, TARGET).agents_required[0]
    three = staff_chat([200.0], [300.0], 30, 3, TARGET, slowdown_per_extra_chat=1.0)
    assert three.slot_traffic_erlangs[0] == pytest.approx(3 * 200 * 300 / 1800)
    assert three.agents_required[0] >= one - 1


def fifo_meets_deadlines(starts, work, length, window, agents):
    """Brute force: run FIFO at `agents` through the open intervals, deadline by deadline."""
    # Open time as a piecewise-linear clock; batch i is available at its start.
    open_before = np.arange(len(starts)) * length

    def to_open(t):
        k = np.searchsorted(starts, t, side="right") - 1
        if t > starts[-1] + length:
            return open_before[-1] + length + (t - starts[-1] - length)
        return open_before[k] + min(max(t - starts[k], 0.0), length) if k >= 0 else 0.0

    finish = 0.0
    for start, amount in zip(starts, work, strict=True):
        if amount <= 0:
            continue
        finish = max(finish, to_open(start)) + amount / agents
        if finish > to_open(start + window) + 1e-6:
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.integers(0, 40), min_size=2, max_size=40),
    handle=st.floats(60, 1800),
    response_hours=st.floats(0.25, 30),
    gap_after=st.integers(0, 39),
)
def test_level_is_the_smallest_meeting_every_deadline(items, handle, response_hours, gap_after):
    starts = np.arange(len(items)) * 900.0
    starts[gap_after + 1 :] += 12 * 3600.0  # a closed night somewhere
    starts = starts[: len(items)]
    result = staff_deferred_work(starts, items, handle, 15, response_hours)
    work = np.asarray(items, dtype=float) * handle
    if not work.any():
        assert result.agents_required == 0
        return
    assert fifo_meets_deadlines(
        starts, work, 900.0, response_hours * 3600, result.agents_level * (1 + 1e-9)
    )
    assert not fifo_meets_deadlines(
        starts, work, 900.0, response_hours * 3600, result.agents_level * (1 - 1e-6)
    )
    assert result.agents_required == int(np.ceil(result.agents_level - 1e-9))
    assert (result.backlog_agent_seconds >= 0).all()


def test_bad_deferred_and_chat_inputs():
    with pytest.raises(InputError, match="response time"):
        staff_deferred_work([0.0], [5.0], 300.0, 15, 0.0)
    with pytest.raises(InputError, match="minutes"):
        staff_deferred_work([0.0, 900.0], [5.0, 5.0], 6.0, 15, 4.0)
    with pytest.raises(InputError, match="concurrency"):
        staff_chat([10.0], [300.0], 30, 0, TARGET)
    with pytest.raises(InputError, match="slowdown"):
        staff_chat([10.0], [300.0], 30, 2, TARGET, slowdown_per_extra_chat=25)
