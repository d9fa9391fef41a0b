"""Schedule adherence and conformance of agent state logs against a rota (DOMAIN §8).

Definitions
-----------
For one agent and one scheduled activity piece :math:`[s, e)` of the rota (``work``,
``break`` or ``lunch``), after removing approved exceptions:

- **Scheduled time** is :math:`e - s` [s].
- **Adherent time** is the time inside :math:`[s, e)` in which the agent was in a state that
  matches the activity (:data:`ADHERENT_STATES`): ``work`` <- ``available``,
  ``on_contact``, ``after_contact_work``; ``break`` <- ``break``; ``lunch`` <- ``lunch``.
  ``offline`` during lunch is **not** adherent by default (an agent who logs out at lunch
  and does not come back would otherwise look adherent for the whole lunch); pass
  ``adherent_states={"lunch": ("lunch", "offline"), ...}`` where agents log out for lunch.
  The off-phone activities (``coaching``, ``meeting``, ``training``) take the ``meeting``
  and ``training`` states (a coaching session either); those states are not adherent to
  work, a break or a lunch: put the activity in the rota or in the approved exceptions.
- **Tolerance** (per activity, default :data:`DEFAULT_TOLERANCE_SECONDS`): inside each
  piece, the time not adherent forms *runs* (maximal stretches). A run that touches the
  piece's start or its end and lasts **strictly less** than the tolerance is forgiven
  (counted as adherent); a run that lasts as long as the tolerance or longer counts in
  full, and runs in the middle of a piece are never forgiven. With 3 minutes, logging in
  2:59 late costs nothing, 3:01 late costs 3:01.
- **Approved exceptions** (``agent_id, start, end, reason``) are cut out of the scheduled
  pieces before anything else; each remaining part is treated as a piece (so the tolerance
  also applies at the edges of an exception).
- **Adherence** = adherent time / scheduled time (a fraction; NaN with no scheduled time).
- **Conformance** = time on queue (productive states, anywhere in time) / scheduled
  ``work`` time. It can exceed 1. Time on queue is attributed to the agent's shift (rota
  ``date``) nearest to the middle of each event (0 distance inside a shift).

Gaps in the log (no event at all) are not adherent and appear as ``no_event`` in the list
of out-of-adherence events. An agent absent all day has adherence 0 for that day.

Method: every interval is put on one int64 axis (``agent code × span + milliseconds``), so
the rota pieces and the sorted, non-overlapping state events of all agents form two sorted
arrays and their overlaps come from :func:`numpy.searchsorted` (no loop over agents or
minutes).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.data.schemas import ROTA_ACTIVITIES
from wfm.data.states import MAX_EXAMPLES, PRODUCTIVE_STATES, STATES, StateLog, StateLogReport
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Rota activity -> agent states that are adherent to it.
ADHERENT_STATES: dict[str, tuple[str, ...]] = {
    "work": PRODUCTIVE_STATES,
    "break": ("break",),
    "lunch": ("lunch",),
    # Off-phone activities: a coaching session is logged as a meeting or a training state.
    "coaching": ("meeting", "training"),
    "meeting": ("meeting",),
    "training": ("training",),
}
#: Default tolerance at the start and end of each scheduled piece [s].
DEFAULT_TOLERANCE_SECONDS = 180.0
#: ``actual_state`` of out-of-adherence time in which the log has no event.
NO_EVENT = "no_event"
#: Aggregation levels of :func:`summarise_adherence`.
LEVELS = ("agent", "team", "day", "interval")
#: Columns of the out-of-adherence events table.
EVENT_COLUMNS = (
    "agent_id",
    "date",
    "scheduled_activity",
    "actual_state",
    "start",
    "end",
    "seconds",
)

_MS = 1000
_KINDS = ("scheduled", "adherent", "scheduled_on_queue", "on_queue")


@dataclass(frozen=True)
class AdherenceResult:
    """Adherence of a state log to a rota, before aggregation.

    Parameters
    ----------
    segments
        Long table ``agent_id``, ``date``, ``kind`` (one of ``scheduled``, ``adherent``,
        ``scheduled_on_queue``, ``on_queue``), ``start_ms``, ``end_ms`` [ms since the
        epoch, UTC]: the time intervals every figure is a sum of.
    events
        Out-of-adherence events (:data:`EVENT_COLUMNS`), after tolerance; ``seconds`` [s].
    report
        Problems of the state log, plus agents in one file but not the other.
    timezone
        IANA time zone of dates and of the output timestamps.
    """

    segments: pd.DataFrame
    events: pd.DataFrame
    report: StateLogReport
    timezone: str


# --- interval algebra on one sorted axis ------------------------------------------------
def _overlaps(a_start, a_end, b_start, b_end):
    """Overlaps of intervals ``a`` with intervals ``b`` (sorted, non-overlapping).

    Returns ``(a_index, b_index, start, end)`` of every non-empty overlap, ordered by
    ``a_index`` then ``b_index``.
    """
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    count = np.maximum(hi - lo, 0)
    a_index = np.repeat(np.arange(len(a_start)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    b_index = np.repeat(lo, count) + offset
    start = np.maximum(a_start[a_index], b_start[b_index])
    end = np.minimum(a_end[a_index], b_end[b_index])
    keep = end > start
    return a_index[keep], b_index[keep], start[keep], end[keep]


def _difference(a_start, a_end, cut_start, cut_end):
    """Parts of each interval ``a`` not covered by ``cut`` (sorted, non-overlapping).

    Returns ``(a_index, start, end)`` ordered by ``a_index`` then ``start``.
    """
    a_index, _, start, end = _overlaps(a_start, a_end, cut_start, cut_end)
    first = np.ones(len(a_index), dtype=bool)
    first[1:] = a_index[1:] != a_index[:-1]
    last = np.ones(len(a_index), dtype=bool)
    last[:-1] = a_index[1:] != a_index[:-1]
    previous_end = np.where(first, a_start[a_index], np.roll(end, 1))
    gap = start > previous_end
    tail = last & (end < a_end[a_index])
    untouched = np.ones(len(a_start), dtype=bool)
    untouched[a_index] = False
    whole = np.flatnonzero(untouched)
    index = np.concatenate([a_index[gap], a_index[tail], whole])
    starts = np.concatenate([previous_end[gap], end[tail], a_start[whole]])
    ends = np.concatenate([start[gap], a_end[a_index[tail]], a_end[whole]])
    order = np.lexsort((starts, index))
    return index[order], starts[order], ends[order]


def _merge(start, end):
    """Union of intervals sorted by start, as sorted, non-overlapping intervals."""
    if len(start) == 0:
        return start, end
    running = np.maximum.accumulate(end)
    new = np.ones(len(start), dtype=bool)
    new[1:] = start[1:] > running[:-1]
    return start[new], np.maximum.reduceat(end, np.flatnonzero(new))


def _codes(values: pd.Series, categories: np.ndarray) -> np.ndarray:
    """Position of each value in ``categories`` (-1 if absent), without a Python loop."""
    return pd.Index(categories).get_indexer(pd.Index(values)).astype(np.int64)


def _epoch_ms(values: pd.Series) -> np.ndarray:
    """Tz-aware timestamps as int64 milliseconds since the epoch (UTC)."""
    naive = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    return naive.astype("datetime64[ms]").astype(np.int64)


def _examples(items) -> list[str]:
    return [str(item) for item in list(items)[:MAX_EXAMPLES]]


def _tolerances(tolerance_seconds, activity_tolerance_seconds) -> np.ndarray:
    values = {activity: float(tolerance_seconds) for activity in ROTA_ACTIVITIES}
    for activity, seconds in (activity_tolerance_seconds or {}).items():
        if activity not in values:
            raise InputError(
                "a tolerance names an activity the rota does not have",
                value=activity,
                fix=f"use one of {', '.join(ROTA_ACTIVITIES)}",
            )
        values[activity] = float(seconds)
    if any(not np.isfinite(v) or v < 0 for v in values.values()):
        raise InputError(
            "a tolerance is negative or not a number", value=values, fix="give minutes >= 0"
        )
    return np.array([values[activity] * _MS for activity in ROTA_ACTIVITIES])


def compute_adherence(
    rota: pd.DataFrame,
    states: StateLog,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    activity_tolerance_seconds: Mapping[str, float] | None = None,
    exceptions: pd.DataFrame | None = None,
    adherent_states: Mapping[str, tuple[str, ...]] | None = None,
) -> AdherenceResult:
    """Adherence and conformance of every agent to the rota (see the module docstring).

    Parameters
    ----------
    rota
        As read by :func:`wfm.data.output_files.read_rota`: ``agent_id``, ``date``, ``activity``,
        ``start``, ``end`` (tz-aware); pieces of one agent must not overlap.
    states
        As read by :func:`wfm.data.states.read_agent_states`.
    tolerance_seconds
        Tolerance at the start and end of each scheduled piece [s].
    activity_tolerance_seconds
        Per-activity overrides [s], e.g. ``{"lunch": 300}``.
    exceptions
        Approved exceptions ``agent_id``, ``start``, ``end`` (tz-aware), excluded from
        scheduled time; see :func:`wfm.data.states.read_adherence_exceptions`.
    adherent_states
        Activity -> adherent states, replacing entries of :data:`ADHERENT_STATES`.

    Returns
    -------
    AdherenceResult
        Aggregate it with :func:`summarise_adherence`.
    """
    tolerance_ms = _tolerances(tolerance_seconds, activity_tolerance_seconds)
    mapping = ADHERENT_STATES | dict(adherent_states or {})
    log = states.frame
    report = states.report

    # Agents: one code each, in sorted order, so the encoded axis sorts by agent then time.
    rota_agents = set(rota["agent_id"].unique())
    state_agents = set(log["agent_id"].unique())
    extra = sorted(state_agents - rota_agents)
    silent = sorted(rota_agents - state_agents)
    found = {"agent_not_in_rota": extra, "rota_agent_without_states": silent}
    report = report.merged(
        StateLogReport(
            {kind: len(ids) for kind, ids in found.items() if ids},
            {kind: _examples(ids) for kind, ids in found.items() if ids},
        )
    )
    for kind in ("agent_not_in_rota", "rota_agent_without_states"):
        if report.counts.get(kind):
            logger.warning(
                "%s: %s: %d (%s)",
                states.source,
                kind,
                report.counts[kind],
                "; ".join(report.examples[kind]),
            )
    agents = np.array(sorted(rota_agents | state_agents), dtype=object)

    piece_agent = _codes(rota["agent_id"], agents)
    piece_start = _epoch_ms(rota["start"])
    piece_end = _epoch_ms(rota["end"])
    state_agent = _codes(log["agent_id"], agents)
    state_start = _epoch_ms(log["start"]) if len(log) else np.zeros(0, np.int64)
    state_end = _epoch_ms(log["end"]) if len(log) else np.zeros(0, np.int64)
    all_times = np.concatenate([piece_start, piece_end, state_start, state_end])
    origin = int(all_times.min())
    span = int(all_times.max()) - origin + 1

    def encode(agent, times):
        return agent.astype(np.int64) * span + (times - origin)

    # Rota pieces, sorted on the axis.
    order = np.lexsort((piece_start, piece_agent))
    p_agent, p_start, p_end = (
        piece_agent[order],
        encode(piece_agent, piece_start)[order],
        encode(piece_agent, piece_end)[order],
    )
    activity_of = np.array(ROTA_ACTIVITIES)
    activity_code = {name: i for i, name in enumerate(ROTA_ACTIVITIES)}
    p_activity = _codes(rota["activity"], activity_of)[order]
    p_date = rota["date"].to_numpy(dtype=object)[order]
    overlapping = np.flatnonzero((p_agent[1:] == p_agent[:-1]) & (p_start[1:] < p_end[:-1]))
    if len(overlapping):
        row = rota.iloc[order[overlapping[0] + 1]]
        raise InputError(
            "rota pieces of one agent overlap",
            value=f"{row['agent_id']} {row['activity']} from {row['start']}",
            fix="each agent's work, break and lunch pieces must follow one another without overlapping",
        )

    # Approved exceptions cut out of the pieces.
    if exceptions is not None and len(exceptions):
        e_agent = _codes(exceptions["agent_id"], agents)
        known = e_agent >= 0
        e_start = encode(
            e_agent, np.clip(_epoch_ms(exceptions["start"]), origin, origin + span - 1)
        )[known]
        e_end = encode(e_agent, np.clip(_epoch_ms(exceptions["end"]), origin, origin + span - 1))[
            known
        ]
        sort = np.argsort(e_start, kind="stable")
        e_start, e_end = _merge(e_start[sort], e_end[sort])
        parent, s_start, s_end = _difference(p_start, p_end, e_start, e_end)
    else:
        parent, s_start, s_end = np.arange(len(p_start)), p_start, p_end
    s_agent, s_activity, s_date = p_agent[parent], p_activity[parent], p_date[parent]

    # State events on the axis (already sorted by agent then start, non-overlapping).
    state_names = np.array(sorted(set(STATES) | set(log["state"].unique())), dtype=object)
    st_code = _codes(log["state"], state_names)
    st_start, st_end = encode(state_agent, state_start), encode(state_agent, state_end)
    if len(st_start) and (np.diff(st_start) < 0).any():  # a frame built by hand: sort it
        sort = np.argsort(st_start, kind="stable")
        st_code, state_agent, st_start, st_end = (
            st_code[sort],
            state_agent[sort],
            st_start[sort],
            st_end[sort],
        )
    allowed = np.zeros((len(ROTA_ACTIVITIES), len(state_names)), dtype=bool)
    for activity, names in mapping.items():
        for name in names:
            if name in state_names:
                allowed[activity_code[activity], np.searchsorted(state_names, name)] = True

    # Adherent overlaps, then the non-adherent runs in each part and their tolerance.
    part, event, o_start, o_end = _overlaps(s_start, s_end, st_start, st_end)
    adherent = allowed[s_activity[part], st_code[event]]
    a_part, a_start, a_end = part[adherent], o_start[adherent], o_end[adherent]
    r_part, r_start, r_end = _difference(s_start, s_end, a_start, a_end)
    edge = (r_start == s_start[r_part]) | (r_end == s_end[r_part])
    forgiven = edge & ((r_end - r_start) < tolerance_ms[s_activity[r_part]])

    # Out-of-adherence events: the runs not forgiven, split by the state the agent was in.
    keep = ~forgiven
    n_part, n_start, n_end = r_part[keep], r_start[keep], r_end[keep]
    run, ev, e_start_, e_end_ = _overlaps(n_start, n_end, st_start, st_end)
    g_run, g_start, g_end = _difference(n_start, n_end, st_start, st_end)
    event_part = np.concatenate([n_part[run], n_part[g_run]])
    event_state = np.concatenate(
        [state_names[st_code[ev]], np.full(len(g_run), NO_EVENT, dtype=object)]
    )
    event_start = np.concatenate([e_start_, g_start])
    event_end = np.concatenate([e_end_, g_end])
    sort = np.lexsort((event_start, s_agent[event_part]))
    event_part, event_state, event_start, event_end = (
        event_part[sort],
        event_state[sort],
        event_start[sort],
        event_end[sort],
    )

    # On-queue time, attributed to the nearest shift of the agent.
    productive = np.isin(state_names[st_code], PRODUCTIVE_STATES)
    q_agent, q_start, q_end = state_agent[productive], st_start[productive], st_end[productive]
    q_date = _nearest_shift_dates(p_agent, p_start, p_end, p_date, q_agent, (q_start + q_end) // 2)
    attributed = q_date != None  # noqa: E711 - object array comparison

    def decode(agent, encoded):
        return encoded - agent.astype(np.int64) * span + origin

    work = s_activity == activity_code["work"]
    pieces = [
        ("scheduled", s_agent, s_date, s_start, s_end),
        ("adherent", s_agent[a_part], s_date[a_part], a_start, a_end),
        (
            "adherent",
            s_agent[r_part[forgiven]],
            s_date[r_part[forgiven]],
            r_start[forgiven],
            r_end[forgiven],
        ),
        ("scheduled_on_queue", s_agent[work], s_date[work], s_start[work], s_end[work]),
        (
            "on_queue",
            q_agent[attributed],
            q_date[attributed],
            q_start[attributed],
            q_end[attributed],
        ),
    ]
    segments = pd.DataFrame(
        {
            "agent_id": pd.Categorical.from_codes(
                np.concatenate([p[1] for p in pieces]), categories=agents
            ),
            "date": np.concatenate([p[2] for p in pieces]),
            "kind": pd.Categorical(
                np.concatenate([np.full(len(p[1]), p[0], dtype=object) for p in pieces]),
                categories=_KINDS,
            ),
            "start_ms": np.concatenate([decode(p[1], p[3]) for p in pieces]),
            "end_ms": np.concatenate([decode(p[1], p[4]) for p in pieces]),
        }
    )
    e_agent_codes = s_agent[event_part]
    events = pd.DataFrame(
        {
            "agent_id": agents[e_agent_codes],
            "date": s_date[event_part],
            "scheduled_activity": activity_of[s_activity[event_part]],
            "actual_state": event_state,
            "start": _to_local(decode(e_agent_codes, event_start), states.timezone),
            "end": _to_local(decode(e_agent_codes, event_end), states.timezone),
            "seconds": (event_end - event_start) / _MS,
        }
    )
    return AdherenceResult(segments, events, report, states.timezone)


def _nearest_shift_dates(p_agent, p_start, p_end, p_date, agent, middle):
    """Rota date of the agent's shift nearest to each time (``None`` if the agent has none)."""
    result = np.full(len(agent), None, dtype=object)
    if len(p_agent) == 0 or len(agent) == 0:
        return result
    # Shifts: one per agent and date, from the first piece's start to the last piece's end.
    shifts = pd.DataFrame({"agent": p_agent, "date": p_date, "start": p_start, "end": p_end})
    shifts = shifts.groupby(["agent", "date"], sort=False).agg(
        start=("start", "min"), end=("end", "max")
    )
    shifts = shifts.reset_index().sort_values("start")
    h_agent, h_start, h_end = (
        shifts["agent"].to_numpy(),
        shifts["start"].to_numpy(),
        shifts["end"].to_numpy(),
    )
    h_date = shifts["date"].to_numpy(dtype=object)
    before = np.searchsorted(h_start, middle, side="right") - 1
    after = before + 1
    valid_before = (before >= 0) & (h_agent[np.clip(before, 0, len(h_agent) - 1)] == agent)
    valid_after = (after < len(h_agent)) & (h_agent[np.clip(after, 0, len(h_agent) - 1)] == agent)
    big = np.iinfo(np.int64).max
    distance_before = np.where(
        valid_before, np.maximum(0, middle - h_end[np.clip(before, 0, None)]), big
    )
    distance_after = np.where(
        valid_after, h_start[np.clip(after, None, len(h_agent) - 1)] - middle, big
    )
    use_after = distance_after < distance_before
    chosen = np.where(use_after, np.clip(after, None, len(h_agent) - 1), np.clip(before, 0, None))
    found = valid_before | valid_after
    result[found] = h_date[chosen[found]]
    return result


def _to_local(epoch_ms: np.ndarray, timezone: str) -> pd.Series:
    return pd.Series(pd.to_datetime(epoch_ms, unit="ms", utc=True)).dt.tz_convert(timezone)


def _split_by_interval(segments: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Cut segments at interval boundaries; adds ``interval_ms`` (start of the interval, UTC).

    The grid is laid in UTC, which is the local grid whenever the time zone's UTC offset is
    a whole number of intervals (every whole-hour zone with intervals up to 60 minutes).
    """
    step = interval_minutes * 60 * _MS
    start, end = segments["start_ms"].to_numpy(), segments["end_ms"].to_numpy()
    first, last = start // step, (end - 1) // step
    count = (last - first + 1).astype(np.int64)
    row = np.repeat(np.arange(len(segments)), count)
    k = np.repeat(first, count) + (
        np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    )
    result = segments.iloc[row].reset_index(drop=True)
    result["start_ms"] = np.maximum(start[row], k * step)
    result["end_ms"] = np.minimum(end[row], (k + 1) * step)
    result["interval_ms"] = k * step
    return result


def summarise_adherence(
    result: AdherenceResult,
    by: str = "agent",
    *,
    teams: Mapping[str, str] | None = None,
    interval_minutes: int = 15,
) -> pd.DataFrame:
    """Adherence and conformance per agent and day, team and day, day, or interval.

    Parameters
    ----------
    result
        From :func:`compute_adherence`.
    by
        ``agent`` (per agent and rota date), ``team`` (per team and date; needs
        ``teams``), ``day`` (per date, all agents) or ``interval`` (per interval, all agents).
    teams
        agent_id -> team; agents not in it are in team ``unknown``.
    interval_minutes
        Interval length for ``by="interval"`` [minutes].

    Returns
    -------
    pandas.DataFrame
        The keys (``agent_id, date`` / ``team, date`` / ``date`` / ``interval_start``), then
        ``scheduled_seconds``, ``adherent_seconds`` [s], ``adherence``, ``conformance``
        [fractions], ``scheduled_on_queue_seconds`` and ``on_queue_seconds`` [s].
    """
    if by not in LEVELS:
        raise InputError(
            "unknown aggregation level", value=by, fix=f"use one of {', '.join(LEVELS)}"
        )
    segments = result.segments
    if by == "interval":
        segments = _split_by_interval(segments, interval_minutes)
        keys = ["interval_ms"]
    elif by == "team":
        agent = segments["agent_id"].cat
        team_of = np.array(
            [(teams or {}).get(name, "unknown") for name in agent.categories], dtype=object
        )
        segments = segments.assign(team=team_of[agent.codes.to_numpy()])
        keys = ["team", "date"]
    elif by == "day":
        keys = ["date"]
    else:
        keys = ["agent_id", "date"]
    seconds = (segments["end_ms"] - segments["start_ms"]) / _MS
    table = (
        segments.assign(seconds=seconds)
        .pivot_table(
            index=keys,
            columns="kind",
            values="seconds",
            aggfunc="sum",
            fill_value=0.0,
            observed=True,
        )
        .reindex(columns=list(_KINDS), fill_value=0.0)
        .reset_index()
    )
    table.columns.name = None
    with np.errstate(invalid="ignore", divide="ignore"):
        scheduled = table["scheduled"].to_numpy(dtype=float)
        queue = table["scheduled_on_queue"].to_numpy(dtype=float)
        adherence = np.where(
            scheduled > 0, table["adherent"] / np.where(scheduled > 0, scheduled, 1), np.nan
        )
        conformance = np.where(queue > 0, table["on_queue"] / np.where(queue > 0, queue, 1), np.nan)
    out = table[keys].copy()
    if "agent_id" in out:
        out["agent_id"] = out["agent_id"].astype(str)
    if by == "interval":
        out = pd.DataFrame(
            {"interval_start": _to_local(table["interval_ms"].to_numpy(), result.timezone)}
        )
    out["scheduled_seconds"] = scheduled
    out["adherent_seconds"] = table["adherent"].to_numpy(dtype=float)
    out["adherence"] = adherence
    out["conformance"] = conformance
    out["scheduled_on_queue_seconds"] = queue
    out["on_queue_seconds"] = table["on_queue"].to_numpy(dtype=float)
    if by != "interval":
        out = (
            out[scheduled > 0].reset_index(drop=True)
            if by != "agent"
            else out[(scheduled > 0) | (table["on_queue"] > 0)].reset_index(drop=True)
        )
    return out


def agent_totals(result: AdherenceResult) -> pd.DataFrame:
    """Per agent over the whole period: ``agent_id``, seconds, ``adherence``, ``conformance``."""
    daily = summarise_adherence(result, "agent")
    sums = daily.groupby("agent_id", sort=True)[
        ["scheduled_seconds", "adherent_seconds", "scheduled_on_queue_seconds", "on_queue_seconds"]
    ].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sums["adherence"] = sums["adherent_seconds"] / sums["scheduled_seconds"].where(
            sums["scheduled_seconds"] > 0
        )
        sums["conformance"] = sums["on_queue_seconds"] / sums["scheduled_on_queue_seconds"].where(
            sums["scheduled_on_queue_seconds"] > 0
        )
    return sums.reset_index()


__all__ = [
    "ADHERENT_STATES",
    "DEFAULT_TOLERANCE_SECONDS",
    "EVENT_COLUMNS",
    "LEVELS",
    "NO_EVENT",
    "AdherenceResult",
    "agent_totals",
    "compute_adherence",
    "summarise_adherence",
]
