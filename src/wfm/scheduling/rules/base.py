"""The rule protocol: what every labour or contract rule of the rota engine provides.

A rule is one module of :mod:`wfm.scheduling.rules` with one object implementing
:class:`Rule`:

- ``settings``: the fields of the centre file it reads, each with unit, default and doc
  (:class:`Setting`, read from the pydantic field so the doc has one home);
- :meth:`Rule.diagnose`: plain-language problems no rota can get round, found before solving
  (:mod:`wfm.scheduling.precheck` joins them into one :class:`~wfm.errors.SolveError`);
- :meth:`Rule.add_constraints`: its rows in a rota model, exact or pooled (a pooled unit of
  :math:`m` agents keeps the rule summed over its agents, so the pooled model stays a
  relaxation), given a :class:`ModelContext`: the rows go into an array model
  (:class:`~wfm.scheduling.linear_model.LinearModel`: ``add_variables`` for a block of
  columns, ``add_rows`` / ``add_upper_rows`` for rows as ``(coefs, columns)`` per key,
  ``add_rows_coo`` for COO triplets), the shift columns being ``context.shifts["var"]``;
  a soft rule returns its cost as an expression (``model.add_expression``);
- :meth:`Rule.check`: its breaches in any rota (:func:`wfm.scheduling.compliance.check_rota`
  and ``wfm check-rota``), given a :class:`~wfm.scheduling.rota_view.RotaView`;
- ``title`` and ``description``: for the docs' rule table and the app.

The helpers here are shared by the rules and the model: day arithmetic of the horizon and
rows built from dictionaries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.scheduling.instance import horizon_day
from wfm.timegrid import DAYS_PER_WEEK

if TYPE_CHECKING:  # pragma: no cover
    from wfm.config import SchedulingSettings
    from wfm.scheduling.instance import RotaInstance
    from wfm.scheduling.linear_model import LinearModel
    from wfm.scheduling.rota_view import RotaView, Violation
    from wfm.scheduling.workforce import Workforce


def combined(terms: Iterable[tuple[float, int]]) -> tuple[list[float], list[int]]:
    """Coefficients and columns of ``(coef, column)`` terms, a column listed twice summed once
    (in the order columns first occur).

    >>> combined([(1.0, 7), (-1.0, 9), (-1.0, 7)])
    ([0.0, -1.0], [7, 9])
    """
    coefs: dict[int, float] = {}
    for coef, column in terms:
        coefs[column] = coefs.get(column, 0.0) + coef
    return list(coefs.values()), list(coefs)


def add_upper_rows(model: LinearModel, name: str, rows: dict) -> None:
    """Add the row block ``name`` with one row ``sum(coefs * columns) <= bound`` per key of
    ``rows`` (``{key: (coefs, columns, bound)}``); nothing when ``rows`` is empty."""
    model.add_upper_rows(name, rows)


def add_equal_rows(model: LinearModel, name: str, rows: dict) -> None:
    """Add the row block ``name`` with one row ``sum(coefs * columns) == value`` per key of
    ``rows`` (``{key: (coefs, columns, value)}``); nothing when ``rows`` is empty."""
    if not rows:
        return
    values = [value[2] for value in rows.values()]
    model.add_rows(
        name,
        {key: (value[0], value[1]) for key, value in rows.items()},
        lower=values,
        upper=values,
    )


def week_lengths(n_days: int) -> list[int]:
    """Days in each calendar week of a horizon of ``n_days`` days: each block of 7 days
    from the start date, the last one shorter when ``n_days`` is not a multiple of 7.

    >>> week_lengths(14), week_lengths(10)
    ([7, 7], [7, 3])
    """
    return [min(DAYS_PER_WEEK, n_days - start) for start in range(0, n_days, DAYS_PER_WEEK)]


def is_whole_week(n_days: int | None, week: int) -> bool:
    """Whether calendar week ``week`` of a horizon of ``n_days`` days has all 7 days.

    >>> is_whole_week(10, 0), is_whole_week(10, 1), is_whole_week(None, 3)
    (True, False, True)
    """
    return n_days is None or (week + 1) * DAYS_PER_WEEK <= n_days


def working_days(shifts: pd.DataFrame) -> dict[int, dict[int, list]]:
    """The shift columns of each unit on each day of the horizon: ``{unit: {day: [x, ...]}}``.

    With at most one shift a day their sum is the agent's working indicator
    :math:`w_{u,d} \\in \\{0, 1\\}` (agents working that day, for a pool).
    """
    days: dict[int, dict[int, list]] = defaultdict(dict)
    if shifts.empty:
        return days
    unit = shifts["unit"].to_numpy(dtype=np.int64)
    day = shifts["day"].to_numpy(dtype=np.int64)
    order = np.lexsort((day, unit))  # stable: a day's shifts keep the table's order
    unit, day, var = unit[order], day[order], shifts["var"].to_numpy()[order]
    cuts = np.flatnonzero((np.diff(unit) != 0) | (np.diff(day) != 0)) + 1
    firsts = np.concatenate([[0], cuts])
    for u, d, columns in zip(
        unit[firsts].tolist(), day[firsts].tolist(), np.split(var, cuts), strict=True
    ):
        days[u][d] = columns.tolist()
    return days


def grouped_rows(frame: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows of ``frame`` grouped by the columns ``by`` (groups in sorted key order, a
    group's rows in frame order), as for one model row per group.

    Returns
    -------
    tuple
        The group keys (one row per group, columns ``by``), the group of each of
        ``frame``'s rows in grouped order, and the position in ``frame`` of those rows.
    """
    if frame.empty:
        empty = np.zeros(0, dtype=np.int64)
        return pd.DataFrame({column: [] for column in by}), empty, empty
    group = frame.groupby(by, sort=True).ngroup().to_numpy(dtype=np.int64)
    order = np.argsort(group, kind="stable")
    keys = frame.iloc[order].drop_duplicates(subset=by)[by].reset_index(drop=True)
    return keys, group[order], order


@dataclass(frozen=True)
class Setting:
    """One setting a rule reads: a field of a centre-file table.

    Parameters
    ----------
    name
        Field name, e.g. ``max_consecutive_working_days``.
    table
        Where it is set: ``contract`` (each ``[[contracts]]``) or ``scheduling``.
    unit
        Unit of the value (``days``, ``hours``, ``minutes``, ``-``).
    default
        Default value.
    doc
        What it means (the field's description in :mod:`wfm.config`).
    """

    name: str
    table: str
    unit: str
    default: Any
    doc: str

    @classmethod
    def of(cls, model: type, name: str, unit: str, table: str = "contract") -> Setting:
        """The setting of the pydantic field ``name`` of ``model`` (default and doc from it)."""
        info = model.model_fields[name]
        default = info.get_default(call_default_factory=True)
        return cls(name, table, unit, default, info.description or "")


def contract_settings(**units: str) -> tuple[Setting, ...]:
    """The settings a rule reads from each ``[[contracts]]`` table, given as
    ``field=unit`` in the rule's order (default and doc from the field of
    :class:`wfm.config.Contract`).

    >>> [(s.name, s.unit, s.default) for s in contract_settings(min_rest_hours="hours")]
    [('min_rest_hours', 'hours', 11.0)]
    """
    return tuple(Setting.of(Contract, name, unit) for name, unit in units.items())


@dataclass
class ModelContext:
    """What a rule needs to add its rows to a rota model.

    Parameters
    ----------
    model
        The array model being built (the shift columns ``x`` exist).
    instance
        The prepared inputs.
    workforce
        Decision units (one agent each, or pools of interchangeable agents).
    shifts
        Allowed (unit, candidate) pairs with ``day``, ``paid_minutes``, ``paid_hours`` and the
        column ``var`` of the shift variable (:func:`wfm.scheduling.model.unit_shift_table`).
    settings
        The scheduling settings (objective weights).
    paid_hours_patterns
        For pooled models: week patterns with paid hours (see
        :func:`wfm.scheduling.day_patterns.paid_hours_pattern_plans`).
    """

    model: LinearModel
    instance: RotaInstance
    workforce: Workforce
    shifts: pd.DataFrame
    settings: SchedulingSettings
    paid_hours_patterns: bool = True
    _days_of: dict | None = None

    @property
    def days_of(self) -> dict[int, dict[int, list]]:
        """:func:`working_days` of :attr:`shifts`, computed once."""
        if self._days_of is None:
            self._days_of = working_days(self.shifts)
        return self._days_of

    @property
    def n_days(self) -> int:
        """Days in the horizon."""
        return int(self.instance.grid.days)

    def day(self, day: int) -> int | None:
        """Day ``day`` read on the horizon, cyclically or as a line as the instance says
        (:func:`wfm.scheduling.instance.horizon_day`); ``None`` outside a line."""
        return horizon_day(day, self.n_days, self.instance.cyclic_days)

    @property
    def open_horizon(self) -> bool:
        """Whether the instance has frozen days before it (:mod:`wfm.scheduling.history`):
        the rules on runs then read them as context and do not wrap the horizon round."""
        return self.instance.history is not None

    def day_terms(self, u: int, day: int) -> tuple[list, float] | None:
        """Unit index ``u``'s working count on day offset ``day`` as ``(shift variables,
        constant)`` [agents]: the variables inside the horizon; before it, the agents of the
        unit who worked that frozen day (all or none: pools keep agents with equal frozen
        days together); ``None`` for a day nobody knows (after the horizon, or before the
        frozen days, or outside a line of weeks without them). A repeating horizon
        (:attr:`~wfm.scheduling.instance.RotaInstance.cyclic_days`) wraps round
        (``day mod T``)."""
        history = self.instance.history
        n_days = self.n_days
        if self.instance.cyclic_days:
            return self.days_of.get(u, {}).get(day % n_days, []), 0.0
        if 0 <= day < n_days:
            return self.days_of.get(u, {}).get(day, []), 0.0
        if history is None or day >= n_days or not history.known(day):
            return None
        unit = self.workforce.units[u]
        return [], float(unit.size) if day in history.worked(unit.agents[0]) else 0.0


class Rule:
    """Base of the rule plug-ins: every hook does nothing until a rule overrides it.

    Attributes
    ----------
    name
        Short id, also the prefix of the rule's violations and model components.
    title
        A few words for tables.
    description
        What the rule requires, in plain words (the docs and the app).
    settings
        The centre-file settings it reads.
    checks_agents
        Whether it is a hard rule on each agent's rota (the rule contract test's cases).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    settings: ClassVar[tuple[Setting, ...]] = ()
    #: Whether the rule is a hard rule on each agent's rota, which a rota can break and the
    #: check reports (``False`` for soft cover such as the demand per shift type).
    checks_agents: ClassVar[bool] = True

    def diagnose(self, instance: RotaInstance) -> list[str]:
        """Problems with this rule that no rota can get round, one sentence each."""
        return []

    def add_constraints(self, context: ModelContext) -> Any:
        """Add the rule's rows to ``context.model``; return a cost
        :class:`~wfm.scheduling.linear_model.Expression` for a soft rule [cost units], else
        ``None``."""
        return None

    def check(self, view: RotaView) -> list[Violation]:
        """The rule's breaches in the rota ``view``."""
        return []

    def __repr__(self) -> str:
        return f"<rule {self.name}>"


class ShortestRunRule(Rule):
    """Base of the rules on the shortest run of working days or of days off: one row block
    named after :attr:`setting`, the contract field of the shortest run :math:`L` [days],
    with the rows of :meth:`rows_on_horizon`, or of :meth:`rows_after_frozen_days` when the
    horizon has frozen days before it (:attr:`ModelContext.open_horizon`)."""

    setting: ClassVar[str] = ""

    def add_constraints(self, context: ModelContext) -> None:
        frozen = context.open_horizon
        rows = self.rows_after_frozen_days(context) if frozen else self.rows_on_horizon(context)
        add_upper_rows(context.model, self.setting, rows)

    def rows_on_horizon(self, context: ModelContext) -> dict:
        """The rows ``{key: (coefs, columns, bound)}`` on a horizon read cyclically or as a
        line (:func:`run_row_days`)."""
        raise NotImplementedError

    def rows_after_frozen_days(self, context: ModelContext) -> dict:
        """The rows after frozen days (:func:`run_row_terms`), frozen days as constants."""
        raise NotImplementedError


def run_length_applies(days: int) -> bool:
    """Whether a shortest-run setting [days] binds: 1 (the default) allows every run.

    >>> run_length_applies(1), run_length_applies(2)
    (False, True)
    """
    return days > 1


def units_bound_by(
    context: ModelContext, setting: str, applies: Callable[[Any], bool]
) -> Iterator[tuple[Any, Any, dict[int, list]]]:
    """The decision units a contract day-run setting binds, for a rule's model rows.

    Parameters
    ----------
    context
        The model being built.
    setting
        Name of the :class:`wfm.config.Contract` field the rule reads (e.g.
        ``"min_days_off_run_length"`` [days]).
    applies
        Whether a value of the setting switches the rule on (e.g. ``lambda n: n > 1``).

    Yields
    ------
    tuple
        ``(unit, value, days)``: the unit, its contract's value of ``setting`` and its
        :attr:`ModelContext.days_of` entry (day index -> shift variables); units with no
        candidate working day are skipped.
    """
    for u, unit in enumerate(context.workforce.units):
        value = getattr(unit.contract, setting)
        mine = context.days_of.get(u, {})
        if applies(value) and mine:
            yield unit, value, mine


def run_row_days(
    context: ModelContext, setting: str
) -> Iterator[tuple[Any, int, int, int, int, dict[int, list]]]:
    """The rows of a shortest-run rule on a horizon without frozen days: one for each day
    :math:`d` a run may start on and each later day :math:`d + i` it must reach,
    :math:`i = 1 .. L - 1`, the horizon read cyclically or as a line
    (:meth:`ModelContext.day`).

    Parameters
    ----------
    context
        The model being built.
    setting
        Name of the :class:`wfm.config.Contract` field holding the shortest run :math:`L`
        [days] (e.g. ``"min_days_off_run_length"``); units whose value is 1 are skipped.

    Yields
    ------
    tuple
        ``(unit, d, i, previous, later, days)``: ``previous`` and ``later`` are the days
        :math:`d - 1` and :math:`d + i` read on the horizon and ``days`` the unit's
        :attr:`ModelContext.days_of` entry. Pairs that leave the horizon of a line, and a
        later day that is :math:`d` again (a cycle shorter than the run), are skipped.
    """
    for unit, length, days in units_bound_by(context, setting, run_length_applies):
        for d in range(context.n_days):
            previous = context.day(d - 1)  # None: a line's first day (the run may go on)
            if previous is None:
                continue
            for i in range(1, length):
                later = context.day(d + i)  # None: past a line's last day
                if later is None or later == d:
                    continue
                yield unit, d, i, previous, later, days


def run_row_terms(
    context: ModelContext, setting: str
) -> Iterator[tuple[Any, int, int, tuple, tuple, tuple]]:
    """The rows of a shortest-run rule after frozen days (:mod:`wfm.scheduling.history`):
    as :func:`run_row_days` without wrapping round, for runs starting from :math:`1 - L` on
    (a run the frozen days leave short must go on into the horizon); the days of a run past
    the horizon's end are the next window's.

    Yields
    ------
    tuple
        ``(unit, d, i, before, today, after)``: the unit's working count
        (:meth:`ModelContext.day_terms`, ``(shift variables, constant)``) on the days
        :math:`d - 1`, :math:`d` and :math:`d + i`; pairs with a day nobody knows are skipped.
    """
    for u, unit in enumerate(context.workforce.units):
        length = getattr(unit.contract, setting)
        if not run_length_applies(length):
            continue
        for d in range(1 - length, context.n_days):
            today, before = context.day_terms(u, d), context.day_terms(u, d - 1)
            if today is None or before is None:
                continue
            for i in range(1, length):
                after = context.day_terms(u, d + i)
                if after is not None:
                    yield unit, d, i, before, today, after


def agents_bound_by(
    view: RotaView, setting: str, applies: Callable[[Any], bool]
) -> Iterator[tuple[str, Any, Any, pd.DataFrame]]:
    """The agents of a rota a contract day-run setting binds, for a rule's check.

    Parameters
    ----------
    view
        The rota being checked.
    setting
        Name of the :class:`wfm.config.Contract` field the rule reads.
    applies
        Whether a value of the setting switches the rule on.

    Yields
    ------
    tuple
        ``(agent_id, contract, value, days)``: ``days`` is :meth:`RotaView.days_of` the agent
        (one row per working day); agents with no working day are skipped.
    """
    for agent in view.contracted_agents():
        contract = view.contract_of[agent]
        value = getattr(contract, setting)
        if not applies(value):
            continue
        days = view.days_of(agent)
        if not days.empty:
            yield agent, contract, value, days


def contracts_and_agents(instance: RotaInstance) -> list[tuple[Contract, list[str]]]:
    """Each contract of the instance's agents (in the order agents first hold it) with the
    ids of its agents (in agent order), for a rule's diagnosis contract by contract."""
    agents_of: dict[str, list[str]] = {}
    for agent, contract in zip(instance.agents, instance.contracts, strict=True):
        agents_of.setdefault(contract.name, []).append(agent.agent_id)
    return [(contract, agents_of[contract.name]) for contract in dict.fromkeys(instance.contracts)]


def agent_text(agent, contract) -> str:
    """An agent named in a diagnosis: ``agent 'A1' (Ann, contract 'full_time')``."""
    return f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}')"


def who(names: list[str]) -> str:
    """``3 agents (A1, A2, A3)`` / ``1 agent (A1)``.

    >>> who(["A1"]), who(["A1", "A2"])
    ('1 agent (A1)', '2 agents (A1, A2)')
    """
    return f"{len(names)} agent{'s' if len(names) > 1 else ''} ({', '.join(names)})"
