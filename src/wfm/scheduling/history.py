"""Frozen days before the horizon: the shifts the agents worked just before its first day.

A rota for the weeks from ``start_date`` is seldom the first rota: the week before was
worked (a published rota, or an earlier window of a rolling horizon). The rules on runs of
days (:mod:`wfm.scheduling.rules.max_consecutive_working_days`,
:mod:`~wfm.scheduling.rules.min_consecutive_working_days`,
:mod:`~wfm.scheduling.rules.min_days_off_run`) and the rotation repeating every N weeks
(:mod:`~wfm.scheduling.rules.rotation`) then read those days as fixed context
(:class:`ShiftHistory`): runs crossing the first day continue the frozen ones, and the
horizon is **not** read as a repeating pattern (its last days may start runs that the next
window finishes). Without a history (``RotaInstance.history is None``) every rule reads
the horizon as repeating, as before.

Day offsets count from the horizon's first day: -1 is the day before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from wfm.data.schemas import Agent

#: (day offset < 0, local start [minutes after midnight], length [minutes]) of one shift.
FrozenShift = tuple[int, int, int]


@dataclass(frozen=True)
class ShiftHistory:
    """The shifts each agent worked on the frozen days before the horizon.

    Parameters
    ----------
    first_day
        Offset of the first frozen day (e.g. -7 for one week before) [days]: days before it
        are unknown, days from it to -1 without a shift were days off.
    shifts
        ``{agent index: ((day, start_minute, length_minutes), ...)}`` in day order (agent
        index into ``RotaInstance.agents``); agents without a frozen shift are absent.
    """

    first_day: int
    shifts: dict[int, tuple[FrozenShift, ...]]

    def __post_init__(self) -> None:
        # The models ask for an agent's worked days once per window and day: built once.
        worked = {a: frozenset(day for day, _, _ in mine) for a, mine in self.shifts.items()}
        object.__setattr__(self, "_worked", worked)

    def worked(self, agent: int) -> frozenset[int]:
        """Day offsets (< 0) on which agent index ``agent`` worked."""
        return self._worked.get(agent, frozenset())

    def known(self, day: int) -> bool:
        """Whether day offset ``day`` (< 0) is among the frozen days."""
        return self.first_day <= day < 0

    def shift_on(self, agent: int, day: int) -> tuple[int, int] | None:
        """``(start_minute, length_minutes)`` of the agent's frozen shift on ``day``, or
        ``None`` (a day off)."""
        for d, start, length in self.shifts.get(agent, ()):
            if d == day:
                return start, length
        return None

    def signature(self, agent: int, days: int, *, shifts: bool = False) -> tuple:
        """What the rules see of the agent's frozen days: agents with equal signatures are
        interchangeable for them (the pooled model keeps them in one pool).

        The rules on runs (:mod:`wfm.scheduling.rules.max_consecutive_working_days` and the
        shortest runs of working days and days off) can only bind through the frozen run
        that ends on the last frozen day: whether it is worked or off, its length capped at
        ``days`` (the longest run any of them looks at) and whether its start is among the
        frozen days; any window reaching further back holds a change of run, which keeps
        the rule. With ``shifts`` (a rotation, which repeats them) the frozen shifts of the
        last ``days`` days count too.

        >>> history = ShiftHistory(-7, {0: ((-3, 480, 480), (-2, 480, 480), (-1, 480, 480)),
        ...                             1: ((-5, 480, 480), (-2, 600, 480), (-1, 480, 480))})
        >>> history.signature(0, 6), history.signature(1, 6)
        ((True, 3, True), (True, 2, True))
        """
        worked = self.worked(agent)
        last = -1 in worked
        run = 0
        while run < days and self.known(-(run + 1)) and ((-(run + 1) in worked) == last):
            run += 1
        runs = (last, run, run < days and self.known(-(run + 1)))
        if not shifts:
            return runs
        return (*runs, tuple(shift for shift in self.shifts.get(agent, ()) if shift[0] >= -days))


@dataclass(frozen=True)
class FrozenRota:
    """Rota rows worked before a horizon, given as its frozen context.

    Parameters
    ----------
    rota
        Rota rows (``agent_id``, ``date``, ``start``, ``end`` at least).
    first_date
        First local date the rows cover: days from it without a shift were days off.
    """

    rota: pd.DataFrame
    first_date: dt.date


def history_depth(contract) -> int:
    """Frozen days the rules of ``contract`` look back at [days]: the longest run rule or
    the rotation's length (at least a week).

    >>> from wfm.config import Contract
    >>> history_depth(Contract(name="c")), history_depth(Contract(name="c", rotation_weeks=2))
    (7, 14)
    """
    rotation = getattr(contract, "rotation_weeks", None) or 0
    return max(
        7,
        contract.max_consecutive_working_days,
        contract.min_consecutive_working_days,
        contract.min_days_off_run_length,
        7 * rotation,
    )


def history_from_rota(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    start_date: dt.date,
    timezone: str,
    days: int | None = None,
) -> ShiftHistory:
    """The :class:`ShiftHistory` of a rota before ``start_date``.

    Parameters
    ----------
    rota
        Rota rows (:data:`wfm.data.schemas.ROTA_COLUMNS`: ``agent_id``, ``date``, ``start``,
        ``end`` at least); each agent's shift on a local date spans its first start to its
        last end. Rows on or after ``start_date`` are ignored.
    agents
        The agents of the instance, **sorted by agent id** (the instance's order).
    start_date
        First local date of the horizon.
    timezone
        The centre's time zone (local start times).
    days
        Frozen days before ``start_date`` [days]; default from the rota's first date.
    """
    index = {agent.agent_id: i for i, agent in enumerate(agents)}
    dates = pd.to_datetime(rota["date"]).dt.date if not rota.empty else pd.Series([], dtype=object)
    earlier = rota.loc[(dates < start_date).to_numpy()] if not rota.empty else rota
    if days is None:
        days = (start_date - min(dates)).days if len(earlier) else 0
    shifts: dict[int, list[FrozenShift]] = {}
    if len(earlier):
        spans = (
            earlier.assign(date=pd.to_datetime(earlier["date"]).dt.date)
            .groupby(["agent_id", "date"], sort=True)
            .agg(start=("start", "min"), end=("end", "max"))
            .reset_index()
        )
        for agent_id, date, start, end in spans.itertuples(index=False):
            offset = (date - start_date).days
            if agent_id not in index or offset < -days:
                continue
            local = pd.Timestamp(start).tz_convert(timezone)
            length = int(round((pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 60))
            shifts.setdefault(index[agent_id], []).append(
                (offset, local.hour * 60 + local.minute, length)
            )
    return ShiftHistory(-int(days), {a: tuple(sorted(s)) for a, s in shifts.items()})


__all__ = ["FrozenRota", "FrozenShift", "ShiftHistory", "history_depth", "history_from_rota"]
