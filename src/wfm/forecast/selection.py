"""Automatic model choice per queue and lead time, by rolling-origin error.

From each of the last :data:`SELECTION_ORIGINS` origins every candidate is fitted once on
the history before it and forecasts the next days (:func:`~wfm.forecast.backtest.backtest_origins`),
so one fit scores every lead. Candidates are single models and forecast combinations; a
combination is scored from its members' backtest forecasts without refitting, its
inverse-MSE weights measured on the *other* origins (leave one origin out), so the score
is out of sample. Errors are pooled per *lead band*: day-ahead (lead 1) and the rest of
the horizon (leads 2 to 7); the lowest WAPE in each band wins, and beyond seven days the
second band's choice applies, except that a combination within
:data:`COMBINATION_PREFERENCE` of the best is preferred. The leaderboard says what was
chosen and why.

Expensive candidates (:data:`SCREENED_MODELS`, the Holt–Winters fits) are screened: they
are first scored on the :data:`SCREEN_ORIGINS` most recent origins only, and scored on
all origins only when they come within :data:`SCREEN_MARGIN` of the best cheap single
model there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.forecast.after_closure import NO_STATED_CLOSURES, ClosureCalendar
from wfm.forecast.backtest import SELECTION_COLUMNS, backtest_origins, origin_dates
from wfm.forecast.base import MODELS, Forecaster, make_model
from wfm.forecast.combination import DEFAULT_MEMBERS, combination_weights
from wfm.forecast.metrics import wape

logger = logging.getLogger(__name__)

#: Origins (cut-off dates) scored per candidate when choosing a model.
SELECTION_ORIGINS = 10

#: Longest lead the choice is scored at [days]: beyond a week the same-slot models
#: repeat their last week, and a longer lead only needs more history.
MAX_SELECTION_LEAD_DAYS = 7

#: Lead bands [days] whose pooled errors choose a model each: day-ahead, then the rest of
#: the week; the last band also covers longer leads.
LEAD_BANDS = ((1, 1), (2, MAX_SELECTION_LEAD_DAYS))

#: Model used when the history is too short for a backtest.
DEFAULT_MODEL = "same_slot_average"

#: Single models ``auto`` compares.
AUTO_CANDIDATES = (
    "seasonal_naive",
    "same_slot_average",
    "weighted_same_slot",
    "top_down",
    "factor",
    "root_profile",
    "daily_totals_ets",
)

#: Candidates whose fit is expensive; screened on the most recent origins first.
SCREENED_MODELS = ("daily_totals_ets", "holt_winters", "mstl")

#: Recent origins a screened candidate is first scored on.
SCREEN_ORIGINS = 2

#: A screened candidate is scored on all origins when its screening WAPE is at most this
#: multiple of the best cheap single model's.
SCREEN_MARGIN = 1.0

#: Combinations ``auto`` scores from the backtest of their members: label → (registry
#: name, members). The label is what the leaderboard and the forecast's ``model`` column
#: show. The pairs and the triple with ``root_profile`` were added after a simulation of
#: this choice on the bank data's 40 weekdays before the benchmark's test days
#: (2003-07-31 .. 2003-09-25): day-ahead WAPE 0.0727 → 0.0708, week-ahead 0.0842 → 0.0819
#: (docs/benchmarks.md, issue 18, fourth pass).
AUTO_COMBINATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "combination": ("combination", DEFAULT_MEMBERS),
    "combination_weighted": ("combination_weighted", DEFAULT_MEMBERS),
    **{
        f"combination({'+'.join(members)})": ("combination", members)
        for members in (
            ("top_down", "root_profile"),
            ("factor", "root_profile"),
            ("top_down", "factor", "root_profile"),
        )
    },
}


def model_in_label(label: str) -> str | None:
    """The model a forecast's ``model`` label names, ``None`` when wfm knows none.

    The one parser of that label: the forecast engine writes the chosen model (a registry
    name or a combination's label in :data:`AUTO_COMBINATIONS`), then `` + `` what the day
    adds (holiday, closure backlog, intraday update) and `` -> `` a fallback. The result
    is a name :func:`select_model` takes as a candidate.

    Examples
    --------
    >>> model_in_label("combination + intraday update x1.043")
    'combination'
    >>> model_in_label("combination(factor+root_profile) + holiday day_after x1.26")
    'combination(factor+root_profile)'
    >>> model_in_label("holt_winters -> same_slot_average (too short)")
    'holt_winters'
    >>> model_in_label("planner's spreadsheet") is None
    True
    """
    name = str(label).split(" + ")[0].split(" -> ")[0].strip()
    return name if name in MODELS or name in AUTO_COMBINATIONS else None


#: A combination within this share of the best candidate's WAPE is chosen over it:
#: differences that small over a few origins are noise, and a combination's error varies
#: less out of sample than its members' (Smith & Wallis 2009).
COMBINATION_PREFERENCE = 0.02


@dataclass(frozen=True)
class ModelSelection:
    """The outcome of :func:`select_model`.

    Parameters
    ----------
    name
        Registry name of the model chosen day-ahead (lead 1).
    wape_by_model
        Day-ahead backtest WAPE (fraction) of each candidate that could be scored; empty
        when the history was too short and :data:`DEFAULT_MODEL` was taken.
    lead_days
        Longest lead scored [days] (0 when no backtest was run).
    origins
        Origins scored (0 when no backtest was run).
    detail
        The backtest's per-interval frame (:data:`~wfm.forecast.backtest.DETAIL_COLUMNS`,
        ``horizon_days`` the lead), with combinations added; used to calibrate the
        prediction quantiles per lead. ``None`` without a backtest.
    bands
        ``(first_lead, last_lead, model)`` per lead band; the last band also covers
        leads beyond it.
    params
        Constructor parameters of each chosen model (the measured weights of a
        backtest-weighted combination).
    leaderboard
        One row per lead band and candidate (:data:`SELECTION_COLUMNS`).
    """

    name: str
    wape_by_model: dict[str, float] = field(default_factory=dict)
    lead_days: int = 0
    origins: int = 0
    detail: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    bands: tuple[tuple[int, int, str], ...] = ()
    params: dict[str, dict] = field(default_factory=dict, compare=False)
    leaderboard: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def make(self, label: str) -> Forecaster:
        """A new, unfitted model for a chosen label (a registry name or a combination's
        label in :data:`AUTO_COMBINATIONS`), with its measured parameters."""
        if label not in AUTO_COMBINATIONS:
            return make_model(label, **self.params.get(label, {}))
        registry, members = AUTO_COMBINATIONS[label]
        return make_model(registry, **self.params.get(label, {"members": members}))

    def model_for_lead(self, lead_days: int) -> str:
        """The model chosen for a lead [days] (1: the day after the history)."""
        for first, last, name in self.bands:
            if first <= lead_days <= last:
                return name
        return self.bands[-1][2] if self.bands else self.name


def select_model(
    y: pd.Series,
    interval_minutes: int,
    candidates: Sequence[str] | None = None,
    horizon_days: int = 7,
    origins: int = SELECTION_ORIGINS,
    closures: ClosureCalendar | None = NO_STATED_CLOSURES,
) -> ModelSelection:
    """Pick per lead band the candidate with the lowest rolling-origin WAPE (module docstring).

    Parameters
    ----------
    y
        Offered contacts per interval of one queue (see :class:`~wfm.forecast.base.Forecaster`).
    interval_minutes
        Interval length [minutes].
    candidates
        Registry names to compare (singles or combinations); default
        :data:`AUTO_CANDIDATES` plus :data:`AUTO_COMBINATIONS`.
    horizon_days
        Days the forecast will cover [days].
    origins
        Origins scored.
    closures
        The centre's closed dates and dates known open: the backtest's forecasts carry
        the backlog after a closure as the forecast engine delivers them
        (:func:`~wfm.forecast.backtest.backtest_origins`); ``None`` scores the models' own.

    Returns
    -------
    ModelSelection
    """
    if candidates is None:
        singles = list(AUTO_CANDIDATES)
        combos = dict(AUTO_COMBINATIONS)
    else:
        singles = [name for name in candidates if name not in AUTO_COMBINATIONS]
        combos = {name: AUTO_COMBINATIONS[name] for name in candidates if name in AUTO_COMBINATIONS}
    for name in singles:
        make_model(name)  # unknown names raise here, before any fitting
    members = sorted({m for _, names in combos.values() for m in names} - set(singles))
    queue = "?" if y.name is None else str(y.name)
    max_lead = int(max(1, min(horizon_days, MAX_SELECTION_LEAD_DAYS)))
    cuts = origin_dates(y, origins, max_lead)
    cheap = [name for name in [*singles, *members] if name not in SCREENED_MODELS]
    screened = [name for name in singles if name in SCREENED_MODELS]
    detail = backtest_origins(
        y, interval_minutes, models=cheap, cuts=cuts, max_lead_days=max_lead, closures=closures
    )
    detail = _screen(
        y, interval_minutes, detail, screened, singles, cuts, max_lead, queue, closures
    )
    detail = _add_combinations(detail, combos)
    present = set(pd.unique(detail["model"])) if not detail.empty else set()
    scored = [name for name in [*singles, *combos] if name in present]
    if detail.empty or not scored:
        logger.info(
            "queue %s: too little history to compare models; using %s", queue, DEFAULT_MODEL
        )
        return ModelSelection(DEFAULT_MODEL, bands=((1, max_lead, DEFAULT_MODEL),))
    bands = lead_bands(max_lead)
    rows, chosen = [], []
    for first, last in bands:
        band = detail[(detail["horizon_days"] >= first) & (detail["horizon_days"] <= last)]
        scores = {}
        for name in scored:
            part = band[band["model"] == name]
            if len(part) and part["actual"].sum() > 0:  # else no WAPE: nothing to learn
                actual = part["actual"].to_numpy(dtype=float)
                forecast = part["forecast"].to_numpy(dtype=float)
                scores[name] = (
                    wape(actual, forecast),
                    float((forecast - actual).sum() / max(actual.sum(), 1e-9)),
                )
        if not scores:
            continue
        best = min((n for n in scored if n in scores), key=lambda n: scores[n][0])
        combined = [n for n in combos if n in scores]
        if combined and best not in combos:
            steady = min(combined, key=lambda n: scores[n][0])
            if scores[steady][0] <= (1 + COMBINATION_PREFERENCE) * scores[best][0]:
                best = steady
        chosen.append((first, last, best))
        order = sorted(scores, key=lambda n: (scores[n][0], scored.index(n)))
        for rank, name in enumerate(order, start=1):
            rows.append(
                {
                    "queue": queue,
                    "first_lead_days": first,
                    "last_lead_days": last,
                    "rank": rank,
                    "model": name,
                    "wape": scores[name][0],
                    "bias": scores[name][1],
                    "origins": int(band[band["model"] == name]["target_date"].nunique()),
                    "chosen": name == best,
                }
            )
        logger.info(
            "queue %s: leads %d-%d days, WAPE over %d origins: %s; chose %s",
            queue,
            first,
            last,
            len(cuts),
            ", ".join(f"{n} {scores[n][0]:.3f}" for n in order),
            best,
        )
    if not chosen:
        logger.info(
            "queue %s: no contacts on the days scored to compare models; using %s",
            queue,
            DEFAULT_MODEL,
        )
        return ModelSelection(DEFAULT_MODEL, bands=((1, max_lead, DEFAULT_MODEL),))
    board = pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))
    day_ahead = board[board["first_lead_days"] == 1]
    params = {
        name: _combination_params(detail, *combos[name]) for _, _, name in chosen if name in combos
    }
    return ModelSelection(
        chosen[0][2],
        dict(zip(day_ahead["model"], day_ahead["wape"].astype(float), strict=True)),
        max_lead,
        len(cuts),
        detail,
        tuple(chosen),
        params,
        board,
    )


def lead_bands(max_lead: int) -> list[tuple[int, int]]:
    """The lead bands of :data:`LEAD_BANDS` scored for a longest lead [days].

    >>> lead_bands(1), lead_bands(7)
    ([(1, 1)], [(1, 1), (2, 7)])
    """
    return [(first, min(last, max_lead)) for first, last in LEAD_BANDS if first <= max_lead]


def _screen(
    y, interval_minutes, detail, screened, singles, cuts, max_lead, queue, closures
) -> pd.DataFrame:
    """Add the screened candidates' backtest: recent origins first, all only if promising."""
    if not screened or not len(cuts):
        return detail
    recent = cuts[-SCREEN_ORIGINS:]
    # Smoothing constants are estimated once, at the oldest origin of each call, and
    # reused at the later ones (never learnt from days an origin is scored on).
    learnt: dict[str, dict] = {name: {} for name in screened}
    trial = backtest_origins(
        y,
        interval_minutes,
        models=screened,
        cuts=recent,
        max_lead_days=max_lead,
        reuse=learnt,
        closures=closures,
    )
    origin = _origin_of(detail)
    near = detail[np.isin(origin, recent) & detail["model"].isin(singles)]
    benchmark = min(
        (
            wape(group["actual"].to_numpy(), group["forecast"].to_numpy())
            for _, group in near.groupby("model")
        ),
        default=np.inf,
    )
    pieces = [detail, trial]
    for name in screened:
        part = trial[trial["model"] == name]
        if part.empty:
            continue
        score = wape(part["actual"].to_numpy(), part["forecast"].to_numpy())
        if score <= SCREEN_MARGIN * benchmark:
            older = cuts[:-SCREEN_ORIGINS]
            if len(older):
                pieces.append(
                    backtest_origins(
                        y,
                        interval_minutes,
                        models=[name],
                        cuts=older,
                        max_lead_days=max_lead,
                        reuse={name: {}},
                        closures=closures,
                    )
                )
        else:
            logger.info(
                "queue %s: %s screened out (WAPE %.3f on the last %d origins, best cheap model %.3f)",
                queue,
                name,
                score,
                len(recent),
                benchmark,
            )
            pieces[1] = pieces[1][pieces[1]["model"] != name]
    kept = [piece for piece in pieces if not piece.empty]
    return pd.concat(kept, ignore_index=True) if kept else detail


def _origin_of(detail: pd.DataFrame) -> np.ndarray:
    """Cut-off date (datetime64[D]) of each detail row: target date − (lead − 1)."""
    target = pd.to_datetime(detail["target_date"]).to_numpy().astype("datetime64[D]")
    return target - (detail["horizon_days"].to_numpy(dtype=int) - 1).astype("timedelta64[D]")


def _forecast_table(detail: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every model's forecasts side by side per (interval, lead) (``NaN`` where a model has
    none), and each (interval, lead)'s other columns (queue, target date, actual, scale:
    the same for every model there, since the lead fixes the origin). Built once and shared
    by all combinations (:func:`_member_matrix`)."""
    keys = ["interval_start", "horizon_days"]
    wide = (
        detail.drop_duplicates([*keys, "model"])
        .set_index([*keys, "model"])["forecast"]
        .unstack("model")
    )
    first = detail.drop_duplicates(keys).set_index(keys).drop(columns=["model", "forecast"])
    return first, wide


def _member_matrix(
    detail: pd.DataFrame,
    members: Sequence[str],
    table: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Members' forecasts side by side per (interval, lead); rows where all members forecast.
    ``table``: :func:`_forecast_table` of ``detail``, when already built."""
    if detail.empty:
        return pd.DataFrame()
    first, wide = _forecast_table(detail) if table is None else table
    if not set(members) <= set(wide.columns):
        return pd.DataFrame()
    forecasts = wide[list(members)].dropna()
    return pd.concat([first.loc[forecasts.index], forecasts], axis=1)


def _add_combinations(
    detail: pd.DataFrame, combos: dict[str, tuple[str, Sequence[str]]]
) -> pd.DataFrame:
    """Detail rows of each combination from its members' forecasts (weights out of sample)."""
    if detail.empty or not combos:
        return detail
    pieces = [detail]
    table = _forecast_table(detail)
    for name, (kind, members) in combos.items():
        wide = _member_matrix(detail, members, table)
        if wide.empty:
            continue
        forecasts = wide[list(members)].to_numpy(dtype=float)
        if kind == "combination":
            combined = forecasts.mean(axis=1)
        else:
            origin = _origin_of(wide.reset_index())
            combined = np.empty(len(wide))
            actual = wide["actual"].to_numpy(dtype=float)
            for cut in np.unique(origin):
                inside = origin == cut
                others = ~inside
                weights = combination_weights(actual[others], forecasts[others].T)
                combined[inside] = forecasts[inside] @ weights
        frame = wide.reset_index()[
            ["queue", "horizon_days", "target_date", "interval_start", "actual", "scale"]
        ]
        pieces.append(frame.assign(model=name, forecast=combined))
    return pd.concat(pieces, ignore_index=True)[list(detail.columns)]


def _combination_params(detail: pd.DataFrame, kind: str, members: Sequence[str]) -> dict:
    """Constructor parameters of a chosen combination: its members, and for a
    backtest-weighted one the weights measured on all origins."""
    if kind != "combination_weighted":
        return {"members": tuple(members)}
    wide = _member_matrix(detail, members)
    weights = combination_weights(
        wide["actual"].to_numpy(dtype=float), wide[list(members)].to_numpy(dtype=float).T
    )
    return {"members": tuple(members), "weights": tuple(float(w) for w in weights)}
