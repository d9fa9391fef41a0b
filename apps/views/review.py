"""Review (plan, do, check, act): what happened, from the history in the workspace.

KPIs of a chosen period by :func:`wfm.review.kpi.review_kpis`: the service level under a chosen
counting variant, ASA (from answer-wait totals, when the history has them), AHT,
abandonment, occupancy (where a rota covers the period), forecast accuracy (WAPE, bias) of
the saved forecast, or of a backtest forecast of the period made from the history before
it, and required vs scheduled staff per interval. The HTML report is
:func:`wfm.review.kpi_report.review_html`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from helpers import data, review_charts, state, ui
from wfm.data.io import frame_to_csv_text
from wfm.plan.chain import forecast_centre
from wfm.review.kpi import PlanFigures, review_kpis
from wfm.review.kpi_report import review_html
from wfm.staffing.service_level_definitions import DEFAULT_DEFINITION

SAVED, BACKTEST, NONE = "saved", "backtest", "none"
FORECAST_CHOICES = {
    SAVED: "The saved forecast",
    BACKTEST: "A backtest: forecast the period from the history before it",
    NONE: "No forecast",
}
#: Session-state key prefix of backtest forecasts (one per history import and period).
BACKTEST_PREFIX = "review_backtest_"
#: Days reviewed by default (the last week of history).
DEFAULT_DAYS = 7


@st.cache_data(show_spinner=False, max_entries=4)
def _history(_ws, url: str, dataset_id: int):
    return _ws.history(dataset_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _covering(
    _ws, url: str, newest_id: int, kind: str, first: dt.date, last: dt.date, timezone: str
):
    """The newest saved ``kind`` overlapping the period: (id, frame), or None."""
    saved = _ws.covering(kind, first, last, timezone)
    return None if saved is None else (saved.id, saved.frame)


def _newest_covering(ws, kind: str, first: dt.date, last: dt.date, timezone: str):
    """The newest saved ``kind`` overlapping the period: (id, frame), or None (cached on the
    newest saved id of that kind, so a new save is seen at once)."""
    listed = ws.datasets(kind)
    if listed.empty:
        return None
    return _covering(ws, ws.url, int(listed.iloc[-1]["id"]), kind, first, last, timezone)


@st.cache_data(show_spinner=False, max_entries=8)
def _rota_for(
    _ws, url: str, versions_key: str, first: dt.date, last: dt.date, timezone: str, queues: tuple
):
    """Coverage (in the period) of the rota that applies to it, and where it comes from."""
    version = _ws.rota_for_period(first, last, timezone, queues)
    if version is None:
        return (
            None,
            "no saved rota of this centre covers these dates (the rotas are for other weeks)",
        )
    period = review_charts.in_period(version.coverage, first, last)
    return period, f"rota version {version.id} ({version.status})"


def _progress(bar):
    def report(fraction_done: float, message: str) -> None:
        # Streamlit's Stop raises from this call: let it through, so the work ends here.
        bar.progress(min(max(fraction_done, 0.0), 1.0), text=f"Forecasting: {message}")

    return report


def history_review() -> None:
    """The KPIs of a period from the saved history (returns early when there is nothing to
    show, so the contact-quality section below is always reached)."""

    with ui.friendly_errors():
        ws = data.workspace()
        histories = ws.histories()
        if histories.empty:
            data.require_step("history", "review")
        history_id = int(histories.iloc[-1]["id"])
        history = _history(ws, ws.url, history_id)
        centre = data.app_centre()
        frame = history.frame
        first_date, last_date = review_charts.date_span(frame)
        st.caption(
            f"History “{history.source}”: {first_date:%d %b %Y} to {last_date:%d %b %Y}, "
            f"{history.interval_minutes}-minute intervals, queues {', '.join(history.queues)}."
        )

        # --- controls ---------------------------------------------------------------------------
        period_col, rule_col = st.columns([3, 2])
        with period_col:
            default_first = max(first_date, last_date - dt.timedelta(days=DEFAULT_DAYS - 1))
            chosen = st.date_input(
                "Period reviewed",
                value=(default_first, last_date),
                min_value=first_date,
                max_value=last_date,
                key=state.REVIEW_PERIOD,
                help="First and last date (site time) of the period.",
            )
        if not isinstance(chosen, tuple | list) or len(chosen) != 2:
            st.info("Pick the last date of the period too.", icon=":material/date_range:")
            return
        first, last = chosen
        supported = review_charts.supported_definitions(frame.columns)
        rule = None
        if not supported:
            st.info(
                "This history has volumes only: contacts offered but not how many were answered, or answered in time, so the "
                "service level, ASA, AHT and abandonment of the past cannot be measured; the volumes, the "
                "forecast's accuracy and the staffing of the period are shown below. To measure the service, "
                "import a history with the answered contacts and those answered within the answer time "
                "(“handled” and “answered within threshold” columns), or a per-contact export, on the Data page.",
                icon=":material/info:",
            )
        else:
            with rule_col:
                rule = st.selectbox(
                    "Service level counted as",
                    supported,
                    index=supported.index(DEFAULT_DEFINITION)
                    if DEFAULT_DEFINITION in supported
                    else 0,
                    format_func=lambda r: r.value.replace("_", " "),
                    key=state.REVIEW_SL_DEFINITION,
                    help="How abandoned contacts count (DOMAIN §4). Variants needing counts the history lacks are not offered.",
                )
        source = st.radio(
            "Forecast compared with the actuals",
            list(FORECAST_CHOICES),
            format_func=FORECAST_CHOICES.get,
            horizontal=True,
            key=state.REVIEW_FORECAST_SOURCE,
        )

        actuals = review_charts.in_period(frame, first, last)
        if actuals.empty:
            st.warning(
                f"The history has no intervals from {first:%d %b %Y} to {last:%d %b %Y}.",
                icon=":material/event_busy:",
            )
            return

        # --- the forecast compared --------------------------------------------------------------
        forecast = None
        if source == SAVED:
            found = _newest_covering(ws, "forecast", first, last, history.timezone)
            if found is None:
                st.info(
                    f"No saved forecast covers {first:%d %b} to {last:%d %b %Y} (saved forecasts are for the "
                    "future, which has no actuals yet), so forecast accuracy is left out. Choose the backtest to "
                    "measure the forecasting method on this period.",
                    icon=":material/info:",
                )
            else:
                forecast_id, saved = found
                forecast = review_charts.in_period(saved, first, last)
                st.caption(f"Forecast {forecast_id}, the newest saved one covering the period.")
        elif source == BACKTEST:
            key = f"{BACKTEST_PREFIX}{history_id}_{first}_{last}_{centre.planning.forecast_model}"
            if key not in st.session_state:
                st.caption(
                    f"Forecasts {first:%d %b} to {last:%d %b %Y} with the centre's model "
                    f"({centre.planning.forecast_model}) from the history before {first:%d %b %Y} only, "
                    "as a forecast made then would have been. Stop (top right) ends the work at the next step."
                )
                if st.button(
                    "Run backtest forecast", key="review_run_backtest", icon=":material/history:"
                ):
                    bar = st.progress(0.0, text="Forecasting: starting")
                    st.session_state[key] = forecast_centre(
                        centre,
                        history,
                        first,
                        horizon_days=(last - first).days + 1,
                        progress=_progress(bar),
                    )
                    bar.empty()
            if key in st.session_state:
                forecast = review_charts.in_period(st.session_state[key], first, last)

        # --- staffing of the period -------------------------------------------------------------
        requirements = None
        found = _newest_covering(ws, "requirements", first, last, history.timezone)
        if found is not None:
            requirements = review_charts.in_period(found[1], first, last)
            requirements = requirements if not requirements.empty else None
        versions = ws.rota_versions()
        coverage, rota_note = _rota_for(
            ws,
            ws.url,
            versions[["id", "updated_at"]].to_json(),
            first,
            last,
            history.timezone,
            tuple(q.name for q in centre.queues),
        )

        review = review_kpis(
            actuals,
            history.interval_minutes,
            rule,
            plan=PlanFigures(forecast=forecast, requirements=requirements, coverage=coverage),
        )
        targets = {q.name: q.service_level_target for q in centre.queues}
        total = review.by_queue.set_index("queue").loc["all"]

        # --- check: headline --------------------------------------------------------------------
        st.subheader(f"{first:%d %b} to {last:%d %b %Y}, all queues")
        figures = [
            ("Service level", ui.percent(total["service_level"])),
            (
                "ASA",
                ui.seconds(total["asa_seconds"]) if pd.notna(total["asa_seconds"]) else ui.MISSING,
            ),
            ("AHT", ui.seconds(total["aht_seconds"], 0)),
            ("Abandoned", ui.percent(total["abandonment_rate"])),
            (
                "Occupancy",
                ui.percent(total["occupancy"]) if pd.notna(total["occupancy"]) else ui.MISSING,
            ),
            (
                "Forecast WAPE",
                ui.percent(total["wape"]) if pd.notna(total["wape"]) else ui.MISSING,
            ),
            (
                "Forecast bias",
                ui.percent(total["bias"]) if pd.notna(total["bias"]) else ui.MISSING,
            ),
        ]
        for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
            column.metric(label, value)
        notes = (
            [f"Service level counted as “{review.definition.value.replace('_', ' ')}”."]
            if review.definition is not None
            else [
                "Service level, AHT and abandonment not measured: no answered counts in the history."
            ]
        )
        if pd.isna(total["asa_seconds"]):
            notes.append(
                "ASA not available: the history has no answer-wait totals (`total_wait_seconds`, the sum of the "
                "answered contacts' waits per interval); import them on the Data page to see it."
            )
        if coverage is None:
            notes.append(f"Occupancy and scheduled staff not available: {rota_note}.")
        else:
            notes.append(f"Scheduled staff from {rota_note}.")
        if pd.notna(total["bias"]):
            notes.append("Bias above 0: the forecast was too high.")
        st.caption(" ".join(notes))

        # --- per queue and per day --------------------------------------------------------------
        def pretty(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
            shown = {
                key.capitalize(): table[key].map(
                    lambda v: f"{v:%a %d %b}" if isinstance(v, dt.date) else v
                )
                for key in keys
            }
            shown.update(
                {
                    "Offered": table["offered"].map(lambda v: ui.number(v, 0)),
                    "Service level": table["service_level"].map(ui.percent),
                    "Target": table["queue"].map(targets).map(lambda v: ui.percent(v, 0))
                    if "queue" in table
                    else ui.MISSING,
                    "ASA": table["asa_seconds"].map(ui.seconds),
                    "AHT": table["aht_seconds"].map(lambda v: ui.seconds(v, 0)),
                    "Abandoned": table["abandonment_rate"].map(ui.percent),
                    "Occupancy": table["occupancy"].map(ui.percent),
                    "Forecast": table["forecast_offered"].map(lambda v: ui.number(v, 0)),
                    "WAPE": table["wape"].map(ui.percent),
                    "Bias": table["bias"].map(ui.percent),
                    "Required agent-h": table["required_agent_hours"].map(ui.hours),
                    "Scheduled agent-h": table["scheduled_agent_hours"].map(ui.hours),
                }
            )
            return pd.DataFrame(shown)

        st.subheader("Per queue")
        st.dataframe(pretty(review.by_queue, ["queue"]), hide_index=True)
        st.subheader("Per day")
        measures = {
            k: v[0]
            for k, v in review_charts.DAILY_MEASURES.items()
            if review.by_day[k].notna().any()
        }
        measure = st.selectbox(
            "Daily KPI drawn", list(measures), format_func=measures.get, key="review_daily_measure"
        )
        target_values = set(targets.values())
        target = (
            next(iter(target_values))
            if measure == "service_level" and len(target_values) == 1
            else None
        )
        st.altair_chart(
            review_charts.daily_chart(
                review_charts.daily_frame(review.by_day, measure), measure, target
            ),
            width="stretch",
        )
        st.dataframe(pretty(review.by_day, ["date", "queue"]), hide_index=True)
        downloads = st.columns(3)
        downloads[0].download_button(
            "Per day (CSV)",
            frame_to_csv_text(review.by_day),
            "kpi_by_day.csv",
            "text/csv",
            key="review_download_days",
        )
        downloads[1].download_button(
            "Per interval (CSV)",
            frame_to_csv_text(review.by_interval),
            "kpi_by_interval.csv",
            "text/csv",
            key="review_download_intervals",
        )
        page = review_html(review, title=centre.name, targets=targets, period=f"{first} to {last}")
        downloads[2].download_button(
            "HTML report",
            page.encode("utf-8"),
            f"review_{first}_{last}.html",
            "text/html",
            key="review_download_html",
            icon=":material/description:",
        )

        # --- per interval -----------------------------------------------------------------------
        st.subheader("Per interval")
        queue = st.selectbox("Queue", sorted(actuals["queue"].unique()), key=state.REVIEW_QUEUE)
        if review.by_interval["forecast_offered"].notna().any():
            st.markdown("**Forecast vs actual contacts offered**")
            chart_frame = review_charts.forecast_vs_actual_frame(
                review.by_interval, queue, history.interval_minutes
            )
            st.altair_chart(
                review_charts.interval_chart(chart_frame, "Contacts offered"), width="stretch"
            )
        staff = review_charts.staff_frame(review.by_interval, queue, history.interval_minutes)
        if staff.empty:
            st.caption(
                "Required vs scheduled staff per interval: not available for this period (no requirements or rota "
                "saved for these dates). Actual staff per queue is not recorded by the agent states."
            )
        else:
            st.markdown("**Required vs scheduled agents**")
            st.altair_chart(review_charts.interval_chart(staff, "Agents"), width="stretch")
        st.caption(f"Local time ({history.timezone}).")

        # --- act -------------------------------------------------------------------------------------
        if review.notes:
            with st.expander("What the review could not compute"):
                for note in review.notes:
                    st.markdown(f"- {note}")


st.title("Review")
history_review()

# --- quality of service from contacts (issue 14) -----------------------------------------------
from helpers.contact_quality_view import contact_quality_section  # noqa: E402

contact_quality_section(data.workspace(), data.app_centre())
