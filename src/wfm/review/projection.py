"""Review a plan: projected service per interval for a rota, and a summary per queue.

The rota's coverage gives scheduled agents on each queue per interval (on shift, not on a
break). Productive agents are scheduled agents × (1 − shrinkage), the shrinkage not placed
in the rota (absence, training); the service level then follows from Erlang C, interpolated
between whole agents (:func:`wfm.staffing.service_level_fractional`). With a caller
patience, every figure (service level, ASA, occupancy, abandonment) comes from Erlang A
instead (:func:`wfm.staffing.erlang_a.erlang_a`), interpolated the same way, so that no page
mixes an Erlang C service level with an Erlang A abandonment.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.data.schemas import REQUIREMENTS_COLUMNS
from wfm.staffing import ServiceTarget, service_level_fractional
from wfm.staffing.erlang import asa_seconds
from wfm.staffing.erlang_a import erlang_a

#: Tolerance [agents] when deciding whether an interval is under- or over-staffed.
STAFFING_TOLERANCE_AGENTS = 1e-6


def project_service(
    requirements: pd.DataFrame,
    coverage: pd.DataFrame,
    targets: Mapping[str, ServiceTarget],
    *,
    patience_seconds: float | None = None,
) -> pd.DataFrame:
    """Projected service level, ASA and occupancy per interval and queue for a rota.

    Parameters
    ----------
    requirements : pandas.DataFrame
        Output of :func:`wfm.staffing.compute_requirements` (needs ``interval_start``,
        ``queue``, ``offered``, ``aht_seconds``, ``traffic_erlangs``, ``agents_required``,
        ``agents_scheduled_required``, ``shrinkage_fraction``).
    coverage : pandas.DataFrame
        ``interval_start``, ``queue``, ``agents_scheduled`` [agents on the queue, may be
        fractional]. Intervals missing from it have no agents.
    targets : mapping of queue name to ServiceTarget
        For the answer threshold of each queue.
    patience_seconds : float, optional
        Mean caller patience [s]. When given, the queue is M/M/N+M (Erlang A): callers
        abandon, so the wait is finite even with fewer agents than Erlangs, and the frame
        gets ``abandon_probability``; the service level counts abandoned contacts against
        (DOMAIN §4's offered-based variant). Values between whole agents are interpolated
        linearly, as for Erlang C.

    Returns
    -------
    pandas.DataFrame
        One row per requirement row: ``interval_start, queue, offered, aht_seconds,
        traffic_erlangs, agents_required, agents_scheduled_required, agents_scheduled,
        agents_productive, service_level, asa_seconds, queue_unstable, occupancy,
        under_staffed, over_staffed`` (and ``abandon_probability`` with a patience).
        ``asa_seconds`` is infinite where the Erlang C queue has no finite wait (no more
        productive agents than Erlangs), and ``queue_unstable`` is ``True`` there (a written
        file shows the ASA as an empty cell: :mod:`wfm.data.infinite_cells`); it is NaN
        where no contact is answered (Erlang A with no agents).
    """
    keys = ["interval_start", "queue"]
    merged = requirements.merge(coverage[[*keys, "agents_scheduled"]], on=keys, how="left")
    merged["agents_scheduled"] = merged["agents_scheduled"].fillna(0.0).astype(float)
    shrinkage = (
        merged["shrinkage_fraction"].to_numpy(dtype=float)
        if "shrinkage_fraction" in merged
        else 0.0
    )
    productive = merged["agents_scheduled"].to_numpy() * (1.0 - shrinkage)
    traffic = merged["traffic_erlangs"].to_numpy(dtype=float)
    aht = np.where(traffic > 0, merged["aht_seconds"].to_numpy(dtype=float), 1.0)
    threshold = merged["queue"].map(
        {name: target.answer_threshold_seconds for name, target in targets.items()}
    )
    threshold = threshold.to_numpy(dtype=float)
    merged["agents_productive"] = productive
    lower = np.floor(productive + 1e-9).astype(np.int64)
    weight = productive - lower
    if patience_seconds is not None:
        low = erlang_a(lower, traffic, aht, patience_seconds, threshold)
        high = erlang_a(lower + 1, traffic, aht, patience_seconds, threshold)

        def mix(field: str) -> np.ndarray:
            return (1 - weight) * getattr(low, field) + weight * getattr(high, field)

        loaded = traffic > 0
        merged["service_level"] = np.where(loaded, mix("service_level"), 1.0)
        # No agents below: nobody is answered there, so the ASA is that of the agent above.
        asa_low = np.where(np.isnan(low.asa_seconds), high.asa_seconds, low.asa_seconds)
        merged["asa_seconds"] = np.where(
            loaded, (1 - weight) * asa_low + weight * high.asa_seconds, 0.0
        )
        merged["asa_seconds"] = np.where(productive > 0, merged["asa_seconds"], np.nan)
        merged["occupancy"] = np.where(
            productive > 0,
            np.minimum(
                traffic
                * (1 - mix("abandon_probability"))
                / np.where(productive > 0, productive, 1.0),
                1.0,
            ),
            0.0,
        )
        merged["abandon_probability"] = np.where(loaded, mix("abandon_probability"), 0.0)
    else:
        merged["service_level"] = service_level_fractional(productive, traffic, aht, threshold)
        with np.errstate(invalid="ignore"):
            asa = (1 - weight) * asa_seconds(lower, traffic, aht) + weight * asa_seconds(
                lower + 1, traffic, aht
            )
        merged["asa_seconds"] = np.where(np.isnan(asa), np.inf, asa)
        with np.errstate(divide="ignore", invalid="ignore"):
            merged["occupancy"] = np.where(
                productive > 0,
                np.minimum(traffic / productive, 1.0),
                np.where(traffic > 0, 1.0, 0.0),
            )
    # Erlang C with no more productive agents than Erlangs: the wait has no bound (the ASA is
    # infinite; a written file shows an empty cell, see wfm.data.infinite_cells).
    merged["queue_unstable"] = np.isinf(merged["asa_seconds"].to_numpy(dtype=float))
    gap = merged["agents_scheduled"] - merged["agents_scheduled_required"]
    merged["under_staffed"] = np.maximum(-gap, 0.0).where(gap < -STAFFING_TOLERANCE_AGENTS, 0.0)
    merged["over_staffed"] = np.maximum(gap, 0.0).where(gap > STAFFING_TOLERANCE_AGENTS, 0.0)
    # The requirement columns, with the scheduled and productive agents beside the required.
    beside = REQUIREMENTS_COLUMNS.index("agents_scheduled_required") + 1
    after_asa = REQUIREMENTS_COLUMNS.index("asa_seconds") + 1
    columns = [
        *REQUIREMENTS_COLUMNS[:beside],
        "agents_scheduled",
        "agents_productive",
        *REQUIREMENTS_COLUMNS[beside:after_asa],
        "queue_unstable",
        *REQUIREMENTS_COLUMNS[after_asa:],
        "under_staffed",
        "over_staffed",
    ]
    if patience_seconds is not None:
        columns.append("abandon_probability")
    return merged[columns]


def asa_weights(projected: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What an ASA over several intervals is made of: answered contacts, which intervals
    have a finite wait, and each interval's wait total [contact-seconds].

    The ASA of a period is Σ(ASA × answered) / Σ answered over the intervals with a finite
    wait; answered contacts are the offered ones, less the abandoned with a patience
    (``abandon_probability``). An Erlang C interval with no more agents than Erlangs has no
    finite wait: it is left out and said (``asa_covered_share``), never averaged in.
    """
    offered = projected["offered"].to_numpy(dtype=float)
    asa = projected["asa_seconds"].to_numpy(dtype=float)
    if "abandon_probability" in projected:
        answered = offered * (1.0 - projected["abandon_probability"].to_numpy(dtype=float))
    else:
        answered = offered.copy()
    finite = np.isfinite(asa)
    # An interval where nobody is answered (no agents, Erlang A) does not weigh on the ASA.
    stable = finite | (offered <= 0) | (np.isnan(asa) & (answered <= 1e-12))
    # Only the finite, answered intervals are multiplied: an unbounded ASA (inf) times no
    # answered contacts would be NaN (and warn) even though np.where then drops it.
    weighed = finite & (answered > 0)
    weight = np.zeros_like(asa)
    weight[weighed] = asa[weighed] * answered[weighed]
    return np.where(stable, answered, 0.0), stable, weight


def summarise_service(
    projected: pd.DataFrame, interval_minutes: int, targets: Mapping[str, ServiceTarget]
) -> pd.DataFrame:
    """Summary per queue and for the whole centre.

    Parameters
    ----------
    projected : pandas.DataFrame
        Output of :func:`project_service`.
    interval_minutes : int
        Interval length [minutes].
    targets : mapping of queue name to ServiceTarget

    Returns
    -------
    pandas.DataFrame
        One row per queue plus ``all``: ``offered`` [contacts], ``service_level`` (offered-
        weighted mean of the interval service levels, the share of the period's contacts
        answered within threshold), ``service_level_target``, ``asa_seconds`` (offered-
        weighted over the stable intervals, by answered contacts), ``asa_covered_share``
        (share of the offered contacts in intervals with a finite wait: the ASA is over
        those only; below 1 the period's ASA is unbounded), ``intervals_unstable`` and
        ``offered_in_unstable_intervals`` (intervals with no more productive agents than
        Erlangs of load, where the steady-state queue has no finite wait: their contacts are
        counted as not answered in time and left out of the ASA, and said here), ``intervals``, ``intervals_meeting_target``, ``intervals_under_staffed``,
        ``intervals_over_staffed``, ``under_staffed_agent_hours``, ``over_staffed_agent_hours``,
        ``scheduled_agent_hours``, ``required_agent_hours``.
    """
    hours_per_interval = interval_minutes / 60.0
    answered, stable, weight_asa = asa_weights(projected)
    frame = projected.assign(
        weight_level=projected["service_level"] * projected["offered"],
        stable=stable,
        answered=answered,
        weight_asa=weight_asa,
        target=projected["queue"]
        .map({name: t.service_level_target or 0.0 for name, t in targets.items()})
        .astype(float),
    )
    frame["meets"] = (frame["service_level"] >= frame["target"] - 1e-12) | (frame["offered"] <= 0)
    rows = []
    for name, group in [*frame.groupby("queue", sort=True), ("all", frame)]:
        offered = float(group["offered"].sum())
        stable_offered = float(group.loc[group["stable"], "offered"].sum())
        stable_answered = float(group.loc[group["stable"], "answered"].sum())
        rows.append(
            {
                "queue": name,
                "offered": offered,
                "service_level": float(group["weight_level"].sum() / offered)
                if offered > 0
                else 1.0,
                "service_level_target": float(targets[name].service_level_target or 0.0)
                if name in targets
                else np.nan,
                "asa_seconds": float(group["weight_asa"].sum() / stable_answered)
                if stable_answered > 0
                else np.nan,
                "asa_covered_share": stable_offered / offered if offered > 0 else 1.0,
                "intervals_unstable": int((~group["stable"]).sum()),
                "offered_in_unstable_intervals": offered - stable_offered,
                "intervals": int(len(group)),
                "intervals_meeting_target": int(group["meets"].sum()),
                "intervals_under_staffed": int((group["under_staffed"] > 0).sum()),
                "intervals_over_staffed": int((group["over_staffed"] > 0).sum()),
                "under_staffed_agent_hours": float(
                    group["under_staffed"].sum() * hours_per_interval
                ),
                "over_staffed_agent_hours": float(group["over_staffed"].sum() * hours_per_interval),
                "scheduled_agent_hours": float(
                    group["agents_scheduled"].sum() * hours_per_interval
                ),
                "required_agent_hours": float(
                    group["agents_scheduled_required"].sum() * hours_per_interval
                ),
            }
        )
    return pd.DataFrame(rows)
