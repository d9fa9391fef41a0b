"""A rota's projected service level as arrays, cheap to evaluate a change of the rota on.

The day's (or the week's) projected service level is

    SL = Σ_{t,q} offered_tq · SL_tq(n_tq) / Σ_{t,q} offered_tq

where for intervals not yet elapsed n_tq = (1 − shrinkage_q) · Σ_a w_aqt · work_at, with
work_at the share of interval t agent a is on shift and not on a break or activity in the rota
(absent agents count 0), w_aqt the agent's split between their queues (in proportion to the
queues' required agents) and SL_tq Erlang C interpolated between whole agents
(:func:`wfm.staffing.erlang.service_level_fractional`). Elapsed intervals of today use the
agent-state feed, which no rota change alters.

n is linear in each agent's work, so changing the rota of a few agents moves n only on those
agents' intervals and queues: Δn_tq = (1 − shrinkage_q) Σ_a w_aqt Δwork_at, and

    ΔSL = Σ_{(t,q) touched} offered_tq · (SL_tq(n_tq + Δn_tq) − SL_tq(n_tq)) / Σ offered

is evaluated on the touched cells only (:meth:`RotaProjection.gain`). It is the arithmetic of
:func:`wfm.intraday.position.day_position` and gives its figures to rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from wfm.intraday.position import DayOptions, DayPosition, occupancy_matrix, split_by_queue
from wfm.staffing.erlang import service_level_fractional
from wfm.staffing.requirements import compute_requirements


@dataclass(frozen=True)
class RotaProjection:
    """A rota's projected service as arrays (queues × intervals), to evaluate changes on.

    Made from today's position (:meth:`of`: elapsed intervals are measured and never move) or
    from a planned forecast and rota (:meth:`of_plan`: every interval may move).

    Attributes
    ----------
    grid : pandas.DatetimeIndex
        The day's interval starts.
    queues : tuple of str
    offered, traffic_erlangs, aht_seconds, threshold_seconds : numpy.ndarray
        Updated forecast per queue and interval; offered 0 where none.
    weights : numpy.ndarray
        Required agents per queue and interval (the split of multi-skilled agents).
    productive_fraction : numpy.ndarray
        1 − shrinkage per queue (column vector).
    present : numpy.ndarray
        Productive agents per queue and interval without changes.
    changeable : numpy.ndarray
        Intervals a rota change can move (not yet elapsed).
    absent_agents : frozenset of str
    queues_by_agent : mapping
    interval_minutes : int
    offered_day : float
        The day's updated contacts (the denominator of the day's service level).
    """

    grid: pd.DatetimeIndex
    queues: tuple[str, ...]
    offered: np.ndarray
    traffic_erlangs: np.ndarray
    aht_seconds: np.ndarray
    threshold_seconds: np.ndarray
    weights: np.ndarray
    productive_fraction: np.ndarray
    present: np.ndarray
    changeable: np.ndarray
    absent_agents: frozenset[str]
    queues_by_agent: Mapping[str, Sequence[str]]
    interval_minutes: int
    offered_day: float

    @classmethod
    def of(cls, position: DayPosition, options: DayOptions) -> RotaProjection:
        """Today's arrays from ``position`` (made with the same ``options``)."""
        frame = position.intervals.rename(columns={"offered_updated": "offered"})
        elapsed = frame.groupby("interval_start")["elapsed"].any()
        return cls._of_frame(
            frame,
            present_column="agents_present",
            changeable=lambda grid: ~elapsed.reindex(grid).to_numpy(dtype=bool),
            absent_agents=frozenset(position.absent_agents),
            options=options,
        )

    @classmethod
    def of_plan(
        cls, forecast: pd.DataFrame, rota: pd.DataFrame, options: DayOptions
    ) -> RotaProjection:
        """The planned projection of ``rota`` against ``forecast`` (the forecast's intervals
        on the rota's dates): productive agents are the rota's agents on shift and not on a
        break or activity, shared between their queues in proportion to the queues' required
        agents, × (1 − shrinkage), as :func:`~wfm.intraday.position.day_position` projects
        the rest of a day."""
        timezone = str(pd.DatetimeIndex(forecast["interval_start"]).tz)
        dates = set(rota["date"]) if "date" in rota else set(rota["start"].dt.date)
        local = forecast["interval_start"].dt.tz_convert(timezone).dt.date
        rows = forecast[local.isin(dates)]
        required = compute_requirements(
            rows[["interval_start", "queue", "offered", "aht_seconds"]],
            dict(options.targets),
            0.0,
            options.interval_minutes,
        )
        frame = rows[["interval_start", "queue", "offered", "aht_seconds"]].assign(
            agents_required=required["agents_required"].to_numpy(dtype=float)
        )
        empty = cls._of_frame(
            frame,
            present_column=None,
            changeable=lambda grid: np.ones(len(grid), dtype=bool),
            absent_agents=frozenset(),
            options=options,
        )
        agents = sorted(set(rota["agent_id"]))
        present = empty.present_change(empty.work_by_agent(rota, agents), agents)
        return replace(empty, present=present)

    @classmethod
    def _of_frame(
        cls,
        frame: pd.DataFrame,
        *,
        present_column: str | None,
        changeable,
        absent_agents: frozenset[str],
        options: DayOptions,
    ) -> RotaProjection:
        """The arrays of a long frame (``interval_start``, ``queue``, ``offered``,
        ``aht_seconds``, ``agents_required`` and ``present_column``; none present without
        it); ``changeable`` maps the grid to the intervals a change may move."""
        queues = tuple(sorted(frame["queue"].unique()))
        grid = pd.DatetimeIndex(sorted(frame["interval_start"].unique()))

        def table(column: str) -> np.ndarray:
            wide = frame.pivot(index="queue", columns="interval_start", values=column)
            return wide.reindex(index=list(queues), columns=grid).to_numpy(dtype=float)

        offered = np.nan_to_num(table("offered"), nan=0.0)
        aht = np.nan_to_num(table("aht_seconds"), nan=0.0)
        interval_minutes = options.interval_minutes
        return cls(
            grid=grid,
            queues=queues,
            offered=offered,
            traffic_erlangs=offered * aht / (interval_minutes * 60.0),
            aht_seconds=np.clip(aht, 1.0, None),
            threshold_seconds=np.array(
                [float(options.targets[q].answer_threshold_seconds) for q in queues]
            )[:, None],
            weights=np.nan_to_num(table("agents_required"), nan=0.0),
            productive_fraction=1.0
            - np.array([options.shrinkage_by_queue.get(q, 0.0) for q in queues])[:, None],
            present=table(present_column) if present_column else np.zeros_like(offered),
            changeable=changeable(grid),
            absent_agents=absent_agents,
            queues_by_agent=options.queues_by_agent,
            interval_minutes=interval_minutes,
            offered_day=float(offered.sum()),
        )

    def service_level(self, present: np.ndarray | None = None) -> float:
        """The period's service level [fraction]: Erlang C per queue and interval on
        ``present`` (default: without changes), weighted by the contacts offered."""
        present = self.present if present is None else present
        busy = self.offered > 0
        if not busy.any():
            return 1.0
        threshold = np.broadcast_to(self.threshold_seconds, self.offered.shape)
        levels = service_level_fractional(
            present[busy], self.traffic_erlangs[busy], self.aht_seconds[busy], threshold[busy]
        )
        return float((np.asarray(levels) * self.offered[busy]).sum() / self.offered_day)

    def work_by_agent(self, rota: pd.DataFrame, agents: Sequence[str]) -> np.ndarray:
        """Share of each interval each of ``agents`` works in ``rota`` (agents × intervals);
        absent agents work none."""
        index = {agent: k for k, agent in enumerate(agents)}
        work = rota[(rota["activity"] == "work") & rota["agent_id"].isin(index)]
        out = np.zeros((len(agents), len(self.grid)))
        if len(work):
            cover = occupancy_matrix(work["start"], work["end"], self.grid, self.interval_minutes)
            np.add.at(out, [index[a] for a in work["agent_id"]], cover)
        for agent in self.absent_agents & set(index):
            out[index[agent]] = 0.0
        return out

    def present_change(self, work_change: np.ndarray, agents: Sequence[str]) -> np.ndarray:
        """Change in productive agents per queue and interval from a change in ``agents``'
        work (agents × intervals); nothing in elapsed intervals."""
        change = split_by_queue(
            work_change, list(agents), self.queues_by_agent, list(self.queues), self.weights
        )
        return change * self.productive_fraction * self.changeable[None, :]

    def gain(self, change: np.ndarray, present: np.ndarray | None = None) -> float:
        """Change in the day's service level [fraction] when ``present`` (default: without
        changes) moves by ``change`` productive agents (queues × intervals)."""
        present = self.present if present is None else present
        rows, cols = np.nonzero(np.abs(change) > 1e-12)
        if len(rows) == 0 or self.offered_day <= 0:
            return 0.0
        offered = self.offered[rows, cols]
        busy = offered > 0
        rows, cols, offered = rows[busy], cols[busy], offered[busy]
        traffic = self.traffic_erlangs[rows, cols]
        aht = self.aht_seconds[rows, cols]
        threshold = self.threshold_seconds[rows, 0]
        before = present[rows, cols]
        after = before + change[rows, cols]
        levels = service_level_fractional(
            np.concatenate([after, before]),
            np.tile(traffic, 2),
            np.tile(aht, 2),
            np.tile(threshold, 2),
        )
        levels = np.asarray(levels, dtype=float)
        difference = levels[: len(rows)] - levels[len(rows) :]
        return float((offered * difference).sum() / self.offered_day)
