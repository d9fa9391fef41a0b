"""KPI review: what happened, measured from the interval history (the "check" of PDCA).

Every KPI of a day, a queue or the whole period is recomputed from summed counts and totals,
never averaged from interval figures (averages do not aggregate):

============================ ==================================================================
``service_level``            numerator / denominator of the chosen counting variant
                             (:mod:`wfm.staffing.service_level_definitions`, DOMAIN.md §4)
``aht_seconds``              Σ handle seconds / Σ handled [s]
``asa_seconds``              Σ answer-wait seconds / Σ answered [s], only when the history has
                             ``total_wait_seconds``; otherwise omitted (and said in ``notes``)
``abandonment_rate``         Σ abandoned / Σ offered
``occupancy``                Σ handle seconds / Σ (productive agents × interval seconds), only
                             when a coverage frame with agents is given
forecast accuracy            WAPE, bias, MAPE (:mod:`wfm.forecast.metrics`) of a stored
                             forecast against the actual offered contacts
staffing                     required (requirements), scheduled (coverage) and, optionally,
                             actual agents per interval; agent-hours when aggregated
============================ ==================================================================

Handle seconds come from ``total_handle_seconds`` when the history has it, otherwise from
``aht_seconds × handled`` of each interval (an interval's AHT is its own total / handled).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.metrics import bias, mape, wape
from wfm.staffing.service_level_definitions import (
    DEFAULT_DEFINITION,
    REQUIRED_COUNTS,
    ServiceLevelDefinition,
    parse_definition,
    ratio,
    service_level_parts,
)

logger = logging.getLogger(__name__)

KEYS = ["interval_start", "queue"]

#: Columns summed when intervals are aggregated (a day, a queue, a period).
SUM_COLUMNS = (
    "offered",
    "handled",
    "abandoned",
    "sl_numerator",
    "sl_denominator",
    "total_handle_seconds",
    "total_wait_seconds",
    "forecast_offered",
    "forecast_offered_paired",
    "actual_offered_paired",
    "productive_agent_seconds",
    "agents_required",
    "agents_scheduled",
    "agents_actual",
)


@dataclass(frozen=True, eq=False)
class PlanFigures:
    """What a period's actuals are set against: the plan's frames, and the staff present.

    Every frame is optional; a KPI whose frame is missing is left out (and said in the
    review's ``notes``). Each frame has one row per ``interval_start, queue``.

    Attributes
    ----------
    forecast : pandas.DataFrame, optional
        ``interval_start, queue, offered`` [contacts] of a stored forecast.
    requirements : pandas.DataFrame, optional
        ``interval_start, queue, agents_scheduled_required`` [agents].
    coverage : pandas.DataFrame, optional
        ``interval_start, queue, agents_scheduled`` [agents] and optionally
        ``agents_productive`` (else scheduled agents count as productive) for occupancy.
    actual_staff : pandas.DataFrame, optional
        ``interval_start, queue, agents_actual`` [agents], e.g. from an adherence summary.
    """

    forecast: pd.DataFrame | None = None
    requirements: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    actual_staff: pd.DataFrame | None = None


@dataclass(frozen=True)
class KpiReview:
    """KPIs of a period per interval, per day and per queue.

    Attributes
    ----------
    by_interval, by_day, by_queue : pandas.DataFrame
        See :func:`interval_kpis` and :func:`aggregate_kpis`; ``by_queue`` has a row ``all``.
    definition : ServiceLevelDefinition
        The counting variant of the service level (show it with the figures).
    interval_minutes : int
    notes : tuple of str
        KPIs that could not be computed and why.
    """

    by_interval: pd.DataFrame
    by_day: pd.DataFrame
    by_queue: pd.DataFrame
    definition: ServiceLevelDefinition | None
    interval_minutes: int
    notes: tuple[str, ...] = field(default=())


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def interval_kpis(
    history: pd.DataFrame,
    interval_minutes: int,
    definition: str | ServiceLevelDefinition | None = DEFAULT_DEFINITION,
    *,
    plan: PlanFigures = PlanFigures(),
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """KPIs per interval and queue, with the totals they are made of.

    Parameters
    ----------
    history : pandas.DataFrame
        ``interval_start`` (tz-aware, site time), ``queue``, ``offered`` and the count columns
        the definition needs (``handled``/``answered``, ``answered_within_threshold``,
        ``abandoned``, ``abandoned_within_threshold``) [contacts]; ``total_handle_seconds``
        or ``aht_seconds`` [s]; optionally ``total_wait_seconds`` [s].
    interval_minutes : int
        Interval length [minutes].
    definition : ServiceLevelDefinition or str or None
        Service-level counting variant; ``None`` for a history of volumes only (no answered
        counts): the service level is left out (NaN) and the other KPIs are kept.
    plan : PlanFigures, optional
        Forecast, requirements, coverage and actual staff to set the actuals against.

    Returns
    -------
    (pandas.DataFrame, tuple of str)
        The frame (one row per history row, sorted by queue and time, plus ``date`` in site
        time) and notes on KPIs left out.
    """
    if interval_minutes <= 0:
        raise InputError("interval_minutes must be more than 0", value=interval_minutes)
    rule = None if definition is None else parse_definition(definition)
    notes: list[str] = []
    frame = history.copy()
    if "handled" not in frame and "answered" in frame:
        frame["handled"] = frame["answered"]
    for column in ("handled", "abandoned"):
        if column not in frame:
            frame[column] = np.nan
            notes.append(f"no '{column}' counts in the history")
    handled = _numbers(frame, "handled")
    counts = {
        c: (_numbers(frame, c) if c in frame else np.zeros(len(frame)))
        for c in (
            "answered_within_threshold",
            "abandoned",
            "abandoned_within_threshold",
            "short_abandoned",
        )
    }
    missing = [
        c
        for c in (REQUIRED_COUNTS[rule] if rule is not None else ())
        if c not in frame and not (c == "answered" and "handled" in history)
    ]
    if missing:
        raise InputError(
            f"the '{rule.value}' service level needs the count column(s) {missing}",
            source="history",
            fix="add them to the history, or choose a definition the data supports, e.g. --sl-definition answered_only",
        )
    if rule is None:
        numerator = denominator = np.full(len(frame), np.nan)
        notes.append("service level left out: the history has no answered counts")
    else:
        valid = np.isfinite(handled) & np.isfinite(counts["answered_within_threshold"])
        numerator, denominator = service_level_parts(
            np.where(valid, handled, 0.0),
            np.where(valid, counts["answered_within_threshold"], 0.0),
            np.nan_to_num(counts["abandoned"]),
            np.nan_to_num(counts["abandoned_within_threshold"]),
            np.nan_to_num(counts["short_abandoned"]),
            definition=rule,
        )
    frame["sl_numerator"], frame["sl_denominator"] = numerator, denominator
    frame["service_level"] = ratio(numerator, denominator)
    if "total_handle_seconds" in frame:
        handle = _numbers(frame, "total_handle_seconds")
    elif "aht_seconds" in frame:
        # An AHT without handled counts (a volume-only history whose AHT was assumed) measures
        # no handle time: NaN, never 0.
        handle = np.where(
            np.isnan(handled),
            np.nan,
            np.nan_to_num(_numbers(frame, "aht_seconds") * handled, nan=0.0),
        )
    else:
        handle = np.full(len(frame), np.nan)
        notes.append("no handle times in the history: AHT and occupancy left out")
    frame["total_handle_seconds"] = handle
    frame["aht_seconds"] = ratio(handle, handled)
    if "total_wait_seconds" in frame:
        frame["asa_seconds"] = ratio(_numbers(frame, "total_wait_seconds"), handled)
    else:
        frame["total_wait_seconds"] = np.nan
        frame["asa_seconds"] = np.nan
        notes.append("ASA left out: the history has no answer-wait totals (total_wait_seconds)")
    frame["abandonment_rate"] = ratio(_numbers(frame, "abandoned"), _numbers(frame, "offered"))
    interval_seconds = 60.0 * interval_minutes
    frame["traffic_erlangs"] = handle / interval_seconds

    frame = _join(frame, plan.forecast, {"offered": "forecast_offered"})
    frame = _join(frame, plan.requirements, {"agents_scheduled_required": "agents_required"})
    frame = _join(
        frame,
        plan.coverage,
        {"agents_scheduled": "agents_scheduled", "agents_productive": "agents_productive"},
    )
    frame = _join(frame, plan.actual_staff, {"agents_actual": "agents_actual"})
    paired = frame["forecast_offered"].notna() & frame["offered"].notna()
    frame["forecast_offered_paired"] = frame["forecast_offered"].where(paired)
    frame["actual_offered_paired"] = frame["offered"].where(paired)
    if plan.forecast is None:
        notes.append("no forecast given: forecast accuracy left out")
    if plan.coverage is None:
        notes.append("no coverage given: scheduled staff and occupancy left out")
    productive = frame["agents_productive"].where(
        frame["agents_productive"].notna(), frame["agents_scheduled"]
    )
    frame["productive_agent_seconds"] = productive * interval_seconds
    frame["occupancy"] = ratio(frame["total_handle_seconds"], frame["productive_agent_seconds"])
    frame["date"] = frame["interval_start"].dt.date
    return frame.sort_values(["queue", "interval_start"]).reset_index(drop=True), tuple(notes)


def _join(frame: pd.DataFrame, other: pd.DataFrame | None, columns: dict[str, str]) -> pd.DataFrame:
    """Left-join ``columns`` (source name -> new name) of ``other`` on interval and queue."""
    present = {} if other is None else {s: t for s, t in columns.items() if s in other}
    result = frame
    if present:
        keep = other[[*KEYS, *present]].rename(columns=present)
        result = frame.merge(keep, on=KEYS, how="left", validate="one_to_one")
    for target in columns.values():
        if target not in result:
            result[target] = np.nan
    return result


def aggregate_kpis(
    intervals: pd.DataFrame, by: list[str], interval_minutes: int, *, total_label: str | None = None
) -> pd.DataFrame:
    """KPIs per group, recomputed from summed counts and totals.

    Parameters
    ----------
    intervals : pandas.DataFrame
        Output of :func:`interval_kpis`.
    by : list of str
        Group columns, e.g. ``["date", "queue"]``.
    interval_minutes : int
        Interval length [minutes] (staff are summed to agent-hours).
    total_label : str, optional
        When given, add one row for all intervals with every ``by`` column set to it.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``offered, handled, abandoned`` [contacts], ``service_level``,
        ``aht_seconds``, ``asa_seconds``, ``abandonment_rate``, ``occupancy``,
        ``forecast_offered`` [contacts], ``wape``, ``bias``, ``mape`` (fractions; NaN without
        a forecast), ``required_agent_hours``, ``scheduled_agent_hours``,
        ``actual_agent_hours``.
    """
    groups = list(intervals.groupby(by, sort=True, dropna=False))
    if total_label is not None:
        groups.append(((total_label,) * len(by), intervals))
    hours = interval_minutes / 60.0
    rows = []
    for key, group in groups:
        sums = {c: group[c].sum(min_count=1) for c in SUM_COLUMNS if c in group}
        key = key if isinstance(key, tuple) else (key,)
        pairs = group[["actual_offered_paired", "forecast_offered_paired"]].dropna()
        actual, predicted = (
            pairs["actual_offered_paired"].to_numpy(),
            pairs["forecast_offered_paired"].to_numpy(),
        )
        nonzero = actual > 0
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "offered": sums["offered"],
                "handled": sums["handled"],
                "abandoned": sums["abandoned"],
                "service_level": float(ratio(sums["sl_numerator"], sums["sl_denominator"])),
                "aht_seconds": float(ratio(sums["total_handle_seconds"], sums["handled"])),
                "asa_seconds": float(ratio(sums["total_wait_seconds"], sums["handled"])),
                "abandonment_rate": float(ratio(sums["abandoned"], sums["offered"])),
                "occupancy": float(
                    ratio(sums["total_handle_seconds"], sums["productive_agent_seconds"])
                ),
                "forecast_offered": sums["forecast_offered"],
                "wape": wape(actual, predicted) if len(actual) else np.nan,
                "bias": bias(actual, predicted) if actual.sum() > 0 else np.nan,
                "mape": mape(actual[nonzero], predicted[nonzero]) if nonzero.any() else np.nan,
                "required_agent_hours": sums["agents_required"] * hours,
                "scheduled_agent_hours": sums["agents_scheduled"] * hours,
                "actual_agent_hours": sums["agents_actual"] * hours,
            }
        )
    return pd.DataFrame(rows)


def review_kpis(
    history: pd.DataFrame,
    interval_minutes: int,
    definition: str | ServiceLevelDefinition | None = DEFAULT_DEFINITION,
    *,
    plan: PlanFigures = PlanFigures(),
) -> KpiReview:
    """KPIs per interval, per day and queue, and per queue (plus ``all``) for a period.

    Parameters are those of :func:`interval_kpis`.

    Returns
    -------
    KpiReview

    Examples
    --------
    >>> history = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2026-11-09 08:00", "2026-11-09 08:15"]).tz_localize("UTC"),
    ...     "queue": "sales", "offered": [10, 30], "handled": [9, 27], "abandoned": [1, 3],
    ...     "answered_within_threshold": [9, 18], "total_handle_seconds": [900.0, 5400.0]})
    >>> review = review_kpis(history, 15, "answered_only")
    >>> row = review.by_queue.set_index("queue").loc["all"]
    >>> round(float(row["service_level"]), 3), float(row["aht_seconds"]), float(row["abandonment_rate"])
    (0.75, 175.0, 0.1)
    """
    rule = None if definition is None else parse_definition(definition)
    intervals, notes = interval_kpis(history, interval_minutes, rule, plan=plan)
    by_day = aggregate_kpis(intervals, ["date", "queue"], interval_minutes)
    by_queue = aggregate_kpis(intervals, ["queue"], interval_minutes, total_label="all")
    for note in notes:
        logger.info("KPI review: %s", note)
    columns = [
        "interval_start",
        "date",
        "queue",
        "offered",
        "handled",
        "abandoned",
        "service_level",
        "aht_seconds",
        "asa_seconds",
        "abandonment_rate",
        "traffic_erlangs",
        "occupancy",
        "forecast_offered",
        "agents_required",
        "agents_scheduled",
        "agents_actual",
    ]
    return KpiReview(intervals[columns], by_day, by_queue, rule, interval_minutes, notes)
