"""Demand given as agents per day and shift type, instead of (or besides) per interval.

Input: the shift-demand file (:mod:`wfm.data.shift_demand`), e.g. "Mon early 12, Mon late 9,
night 3", read into ``RotaInstance.shift_demand`` (one row per horizon day and shift type).
Model, for day :math:`d` and shift type :math:`s` with demand :math:`R_{d,s}` [agents]: a
shortfall :math:`v_{d,s} \\ge 0` with
:math:`\\sum_{u} \\sum_{c \\in C_{d,s}} x_{u,c} + v_{d,s} \\ge R_{d,s}`
(``shift_demand_cover[d, s]``), :math:`C_{d,s}` the shifts starting on day :math:`d` whose
local start lies in the type's window (:mod:`wfm.scheduling.rules.shift_types`). Each agent
short costs ``scheduling.under_staffing_cost_per_agent_hour`` times the paid hours of the
type's longest shift that day (the agent-hours the missing agent would have worked), the
price of today's interval under-cover. Pools count their agents, so the pooled model keeps
the same rows. The rows are soft: no rota breaks them, so the check of a rota reports
nothing; :func:`shift_cover_table` says what a rota covered (``shift_cover.csv``).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.scheduling.rules.base import ModelContext, Rule, Setting
from wfm.scheduling.rules.shift_types import candidate_types, in_window, start_windows

logger = logging.getLogger(__name__)


def demand_prices(instance, settings: SchedulingSettings) -> pd.DataFrame:
    """The shift demand of ``instance`` with each row's candidate shifts and the price of an
    agent short [cost units]: columns ``day``, ``shift_type``, ``agents``, ``candidates``
    (list of candidate ids) and ``price``."""
    demand = instance.shift_demand
    candidates = instance.candidates
    of_type = candidate_types(candidates, start_windows(instance.shift_types))
    day_of = dict(zip(candidates["candidate"], candidates["day"], strict=True))
    hours_of = dict(zip(candidates["candidate"], candidates["paid_minutes"] / 60.0, strict=True))
    rows = []
    for day, shift_type, agents in demand[["day", "shift_type", "agents"]].itertuples(index=False):
        ids = sorted(c for c in of_type.get(shift_type, ()) if day_of[c] == day)
        typical = [hours_of[c] for c in of_type.get(shift_type, ())] or list(hours_of.values())
        hours = max(hours_of[c] for c in ids) if ids else max(typical, default=0.0)
        if not ids and agents > 0:
            logger.warning(
                "shift demand: no '%s' shift can start on %s (templates, opening hours): "
                "its %g agents go short",
                shift_type,
                instance.grid.start_date + dt.timedelta(days=int(day)),
                agents,
            )
        rows.append(
            (
                int(day),
                shift_type,
                float(agents),
                ids,
                settings.under_staffing_cost_per_agent_hour * hours,
            )
        )
    return pd.DataFrame(rows, columns=["day", "shift_type", "agents", "candidates", "price"])


class ShiftDemand(Rule):
    """Agents wanted per day and shift type."""

    name = "shift_type_demand"
    title = "Demand per day and shift type"
    description = (
        "Agents wanted on each day and shift type (the shift-demand file, e.g. mon,early,12), "
        "soft like interval under-cover: each agent short costs "
        "under_staffing_cost_per_agent_hour times the paid hours of the type's longest shift "
        "that day."
    )
    settings = (
        Setting.of(
            SchedulingSettings,
            "under_staffing_cost_per_agent_hour",
            "cost units per agent-hour",
            table="scheduling",
        ),
    )
    #: Soft cover, not a rule on agents: the rota check reports nothing for it.
    checks_agents = False

    def add_constraints(self, context: ModelContext):
        demand = context.instance.shift_demand
        if demand is None or demand.empty:
            return None
        prices = demand_prices(context.instance, context.settings)
        prices = prices[prices["agents"] > 0]
        return self.add_cover_rows(context, prices)

    def add_cover_rows(self, context: ModelContext, prices: pd.DataFrame):
        """``shift_demand_short[d, s]`` and ``shift_demand_cover[d, s]``; returns the cost."""
        model = context.model
        columns_of: dict[int, list[int]] = {}
        for c, column in zip(context.shifts["candidate"], context.shifts["var"], strict=True):
            columns_of.setdefault(int(c), []).append(int(column))
        keys = [(int(d), str(s)) for d, s in zip(prices["day"], prices["shift_type"], strict=True)]
        if not keys:
            return None
        short = model.add_variables("shift_demand_short", keys, lower=0.0)
        rows = {}
        for key, ids in zip(keys, prices["candidates"], strict=True):
            columns = [column for c in ids for column in columns_of.get(c, [])] + [short[key]]
            rows[key] = ([1.0] * len(columns), columns)
        model.add_rows("shift_demand_cover", rows, lower=prices["agents"].tolist())
        return model.add_expression(
            "shift_demand_cost", short.column_of(keys), prices["price"].tolist()
        )


def shift_cover_table(
    rota: pd.DataFrame, demand: pd.DataFrame, shift_types, timezone: str
) -> pd.DataFrame:
    """What a rota covered of a shift demand, per date and shift type.

    Parameters
    ----------
    rota
        Rota rows (``agent_id``, ``date``, ``start``; each agent's first start on a date is
        the shift's start).
    demand
        :func:`wfm.data.shift_demand.shift_demand_by_date` of the demand.
    shift_types
        The centre's shift types.
    timezone
        The centre's time zone.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``shift_type``, ``agents_wanted``, ``agents_scheduled`` (agents
        whose shift starts that date in the type's window) and ``agents_short``.
    """
    windows = start_windows(shift_types)
    if rota.empty:
        starts = pd.DataFrame(columns=["date", "minute"])
    else:
        first = rota.groupby(["agent_id", "date"], sort=True)["start"].min().reset_index()
        local = pd.DatetimeIndex(first["start"]).tz_convert(timezone)
        starts = pd.DataFrame(
            {
                "date": pd.to_datetime(first["date"]).dt.date,
                "minute": (local.hour * 60 + local.minute).to_numpy(),
            }
        )
    scheduled = []
    for date, shift_type in zip(demand["date"], demand["shift_type"], strict=True):
        mine = starts[starts["date"] == date]["minute"].to_numpy(dtype=np.int64)
        scheduled.append(int(in_window(mine, windows[shift_type]).sum()) if len(mine) else 0)
    out = pd.DataFrame(
        {
            "date": demand["date"].to_numpy(),
            "shift_type": demand["shift_type"].to_numpy(),
            "agents_wanted": demand["agents"].to_numpy(dtype=float),
            "agents_scheduled": np.array(scheduled, dtype=np.int64),
        }
    )
    out["agents_short"] = (out["agents_wanted"] - out["agents_scheduled"]).clip(lower=0.0)
    return out


RULE = ShiftDemand()
