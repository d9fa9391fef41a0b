"""Off-phone activities placed where the projected service level suffers least.

Coaching for named agents, team meetings and training sessions (:mod:`wfm.data.activities`)
are placed into a rota, the weekly one (``wfm place-activities``) or the rest of today (the
Today page). For each session, in the order given (the planner's priority):

1. **Candidates:** every interval start s on the forecast's grid such that [s, s + duration)
   lies in the session's window and, for **every** attendee, wholly inside one ``work`` piece
   of the rota: on shift, not on a break, a lunch or another activity (a meeting needs all its
   attendees together, so one start serves all). With ``not_before`` (today's as-of time plus
   the notice), nothing starts earlier.
2. **Cost of a candidate:** the loss of projected service level over the rota's period when
   the attendees leave the phones for [s, s + duration):
   ``SL(n) − SL(n + Δn)`` with Δn the attendees' productive time on their queues
   (:meth:`wfm.intraday.rota_projection.RotaProjection.gain`: Erlang C per queue and
   interval, weighted by contacts).
3. **Choice:** the least loss; ties (within 1e-12) go to the earliest start. The session is
   written into the rota (the attendees' work is cut around it) and the projection moves, so
   the next session sees the agents it took.

A session with no candidate is reported as not placed, with the reason. Sessions are placed one
at a time (each the best for it given those before it), not jointly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.data.activities import Window, resolve_attendees
from wfm.data.schemas import Agent
from wfm.errors import InputError
from wfm.intraday.centre_day import position_options
from wfm.intraday.position import DayPosition
from wfm.intraday.rota_changes import place_piece
from wfm.intraday.rota_projection import RotaProjection

logger = logging.getLogger(__name__)

#: Columns of :attr:`ActivityPlacement.placements`.
PLACEMENT_COLUMNS = (
    "activity_id",
    "activity",
    "attendees",
    "window",
    "start",
    "end",
    "service_level_loss",
    "candidates",
    "placed",
    "reason",
)
#: Losses closer than this [fraction] are a tie (the earliest start wins).
TIE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ActivityPlacement:
    """The rota with the sessions placed and where each went.

    Attributes
    ----------
    rota : pandas.DataFrame
        The rota with a piece per attendee and placed session.
    placements : pandas.DataFrame
        :data:`PLACEMENT_COLUMNS`, one row per session in the order given: ``attendees``
        joined by ``|``, ``service_level_loss`` [fraction of the period's service level],
        ``candidates`` (starts that were possible), ``placed`` and, if not, ``reason``.
    service_level_before, service_level_after : float
        The period's projected service level without and with the placed sessions.
    candidates : pandas.DataFrame
        Every start tried: ``activity_id``, ``start``, ``service_level_loss`` [fraction],
        ``chosen`` (to show the planner the alternatives).
    """

    rota: pd.DataFrame
    placements: pd.DataFrame
    service_level_before: float
    service_level_after: float
    candidates: pd.DataFrame


def _work_spans(rota: pd.DataFrame, agent: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    own = rota[(rota["agent_id"] == agent) & (rota["activity"] == "work")]
    return list(zip(own["start"], own["end"], strict=True))


def _candidates(
    rota: pd.DataFrame,
    attendees: Sequence[str],
    duration: pd.Timedelta,
    window: Window,
    grid: pd.DatetimeIndex,
    not_before: pd.Timestamp | None,
) -> list[pd.Timestamp]:
    """Starts on ``grid`` where every attendee works the whole session, inside the window."""
    spans = {agent: _work_spans(rota, agent) for agent in attendees}
    if any(not s for s in spans.values()):
        return []
    first = attendees[0]
    on_grid = set(grid)
    step = grid[1] - grid[0] if len(grid) > 1 else duration
    starts = []
    for start, end in spans[first]:
        for s in pd.date_range(start.ceil(step), end - duration, freq=step):
            if s not in on_grid or (not_before is not None and s < not_before):
                continue
            e = s + duration
            if not window.holds(s, e):
                continue
            if all(any(a <= s and e <= b for a, b in spans[agent]) for agent in attendees[1:]):
                starts.append(s)
    return sorted(starts)


def place_activities(
    rota: pd.DataFrame,
    activities: pd.DataFrame,
    projection: RotaProjection,
    *,
    attendees_of: Callable[[pd.Series], tuple[str, ...]] | None = None,
    not_before: pd.Timestamp | None = None,
    timezone: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ActivityPlacement:
    """Place each session of ``activities`` where the projected service level loses least.

    Parameters
    ----------
    rota : pandas.DataFrame
        The rota (``agent_id``, ``date``, ``activity``, ``start``, ``end``).
    activities : pandas.DataFrame
        :func:`wfm.data.activities.read_activities` (``activity_id``, ``activity``,
        ``attendees``, ``duration_minutes``, ``window``, ``window_rule``).
    projection : RotaProjection
        The rota's projection (:meth:`RotaProjection.of_plan` for a week,
        :meth:`RotaProjection.of` for today).
    attendees_of : callable, optional
        Row of ``activities`` → agent ids (e.g. teams resolved); default the ``attendees``
        column as it is.
    not_before : pandas.Timestamp, optional
        Nothing starts earlier (today: the as-of time plus the notice).
    timezone : str, optional
        Time zone the window's days and clock times are read in (default the grid's).
    progress : callable, optional
        ``progress(fraction_done, message)`` after each session.
    """
    timezone = timezone or str(projection.grid.tz)
    grid = projection.grid.tz_convert(timezone)
    present = projection.present.copy()
    before = projection.service_level(present)
    rows = rota.copy()
    placed, tried = [], []
    for k, session in enumerate(activities.itertuples(index=False)):
        row = activities.iloc[k]
        attendees = tuple(attendees_of(row) if attendees_of else session.attendees)
        duration = pd.Timedelta(minutes=int(session.duration_minutes))
        record = {
            "activity_id": session.activity_id,
            "activity": session.activity,
            "attendees": "|".join(attendees),
            "window": session.window,
            "start": pd.NaT,
            "end": pd.NaT,
            "service_level_loss": np.nan,
            "candidates": 0,
            "placed": False,
            "reason": "",
        }
        on_rota = set(rows["agent_id"])
        missing = [a for a in attendees if a not in on_rota]
        starts = (
            []
            if missing
            else _candidates(rows, attendees, duration, session.window_rule, grid, not_before)
        )
        if missing:
            record["reason"] = f"not on the rota: {', '.join(missing)}"
        elif not starts:
            record["reason"] = (
                "no time in the window when every attendee is on shift and not on a break "
                "or another activity"
            )
        else:
            best, best_loss, best_change = None, np.inf, None
            for s in starts:
                change = _away(projection, attendees, s, s + duration)
                loss = -projection.gain(change, present)
                tried.append([session.activity_id, s, loss, False])
                if loss < best_loss - TIE_TOLERANCE:
                    best, best_loss, best_change = s, loss, change
            present = present + best_change
            tried[len(tried) - len(starts) + starts.index(best)][3] = True
            for agent in attendees:
                rows = place_piece(rows, agent, best, best + duration, session.activity)
            record |= {
                "start": best,
                "end": best + duration,
                "service_level_loss": float(best_loss),
                "candidates": len(starts),
                "placed": True,
            }
        placed.append(record)
        if progress is not None:
            progress((k + 1) / len(activities), f"placed {k + 1} of {len(activities)} sessions")
    rows = rows.sort_values(["agent_id", "start"], ignore_index=True)
    after = projection.service_level(present)
    logger.info(
        "placed %d of %d sessions: service level %.4f -> %.4f",
        sum(r["placed"] for r in placed),
        len(placed),
        before,
        after,
    )
    return ActivityPlacement(
        rows,
        pd.DataFrame(placed, columns=list(PLACEMENT_COLUMNS)),
        before,
        after,
        pd.DataFrame(tried, columns=["activity_id", "start", "service_level_loss", "chosen"]),
    )


def _away(
    projection: RotaProjection, attendees: Sequence[str], start: pd.Timestamp, end: pd.Timestamp
) -> np.ndarray:
    """Change in productive agents per queue and interval when ``attendees`` leave the phones
    for [start, end)."""
    piece = pd.DataFrame(
        {"agent_id": list(attendees), "activity": "work", "start": start, "end": end}
    )
    return projection.present_change(-projection.work_by_agent(piece, list(attendees)), attendees)


def team_attendees(team_of: Mapping[str, str]) -> Callable[[pd.Series], tuple[str, ...]]:
    """``attendees_of`` for :func:`place_activities` that expands ``team:NAME`` cells."""

    def attendees_of(row: pd.Series) -> tuple[str, ...]:
        return resolve_attendees(row["attendees"], team_of, activity_id=row["activity_id"])

    return attendees_of


def place_for_centre(
    centre: Centre,
    agents: Sequence[Agent],
    *,
    rota: pd.DataFrame,
    activities: pd.DataFrame,
    forecast: pd.DataFrame | None = None,
    position: DayPosition | None = None,
    not_before: pd.Timestamp | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ActivityPlacement:
    """Place ``activities`` in a centre's rota: the weekly one against ``forecast``, or
    today's against its ``position`` (the updated forecast and who is present).

    Parameters
    ----------
    centre, agents
        Targets, shrinkage, interval; each agent's queues and team (``team:NAME``).
    rota : pandas.DataFrame
        The rota to place into (:func:`wfm.data.output_files.read_rota`).
    activities : pandas.DataFrame
        :func:`wfm.data.activities.read_activities`.
    forecast : pandas.DataFrame, optional
        The planned forecast covering the rota's dates (the weekly rota).
    position : DayPosition, optional
        Today's position (instead of ``forecast``); give ``not_before`` too.
    not_before, progress
        As :func:`place_activities`.

    Raises
    ------
    InputError
        An attendee who is not in the agents file, or a team without agents.
    """
    options = position_options(centre, agents)
    if position is not None:
        projection = RotaProjection.of(position, options)
    elif forecast is not None:
        projection = RotaProjection.of_plan(forecast, rota, options)
        if len(projection.grid) == 0:  # nothing to weigh a placement by
            dates = pd.to_datetime(rota["date"]) if len(rota) else pd.Series([], dtype=object)
            raise InputError(
                "the forecast covers none of the rota's intervals",
                column="interval_start",
                value=f"rota {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
                if len(rota)
                else "an empty rota",
                fix="give the forecast made for the rota's weeks (wfm plan writes both)",
                option="--forecast",
            )
    else:
        raise ValueError("give the forecast (a weekly rota) or today's position")
    team_of = {a.agent_id: a.team for a in agents}
    resolve = team_attendees(team_of)
    for _, row in activities.iterrows():
        unknown = sorted(set(resolve(row)) - set(team_of))
        if unknown:
            raise InputError(
                f"activity {row['activity_id']!r}: {', '.join(unknown)} not in the agents file",
                column="attendees",
                value="|".join(unknown),
                fix="use agent ids from the agents file (or team:NAME)",
            )
    return place_activities(
        rota,
        activities,
        projection,
        attendees_of=resolve,
        not_before=not_before,
        timezone=centre.timezone,
        progress=progress,
    )
