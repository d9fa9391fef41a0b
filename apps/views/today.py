"""Today (for team leaders and planners watching the day): position, service level, who is
out of adherence now, a re-plan of the rest of the day whose accepted changes are published as
a new rota version, and a coaching session, meeting or training placed where the rest of the
day's service level loses least.

The day's feed is a folder holding ``arrivals.csv`` (today's interval history so far) and
``states.csv`` (today's agent states, open events allowed) as a telephony system exports
them, with the day's ``forecast.csv`` and ``rota.csv``; "Play the sample day" writes such a
folder from the sample centre (a volume spike, two agents absent). The live part of the page
re-reads the feed and recomputes the position every minute on its own (``st.fragment`` with
``run_every``), without rerunning the rest of the page.

A centre with ``[[sites]]`` reads its agents from the sites' agents files. The figures are
the queues' day on the centre's clock; when the sites are in several time zones the charts
are drawn per site, each on the site's own local day and clock (the shared queues' agents and
the site's own, :mod:`wfm.intraday.site_days`), each agent's times (out of adherence since,
the re-plan's changes) are shown in its own site's zone, the zones named, and the re-plan
keeps each agent under its own site's break rules and contracts. The sample day is the sample
centre's: another centre gives its own feed folder.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from helpers import data, state, today_charts, today_tables, ui
from wfm.data.history import read_history
from wfm.data.output_files import read_forecast, read_rota
from wfm.intraday.centre_day import day_now
from wfm.intraday.feed import day_of_arrivals, parse_as_of, read_states_today

#: Seconds between refreshes of the live part.
REFRESH_SECONDS = 60


def _publish_sample_rota(ws, centre, day: dt.date) -> None:
    """The sample's published rota, published in the store when no version covers ``day``
    (so accepted changes have a version to start from)."""
    from wfm.intraday.accept import published_version_for
    from wfm.store import repository

    with repository.reading(ws.url) as conn:
        if published_version_for(conn, day, centre.timezone) is not None:
            return
    week = read_rota(centre.base_dir / "published_rota.csv", centre.timezone)
    week = week[
        (week["date"] >= day - dt.timedelta(days=6)) & (week["date"] <= day + dt.timedelta(days=6))
    ]
    version = ws.save_rota(week, pd.DataFrame(), name="sample published rota", start_date=day)
    ws.publish_rota(version)


st.title("Today")
st.caption(
    "The day as it goes: contacts so far against the forecast, the rest of the day "
    "re-forecast from them, agents required, scheduled and present, the day's projected "
    "service level, and who is out of adherence now. Refreshes every minute."
)

with ui.friendly_errors():
    centre = data.file_centre()
    folder = st.text_input(
        "Feed folder (arrivals.csv, states.csv, forecast.csv, rota.csv)",
        key=state.TODAY_FOLDER,
        help="The folder your telephony export writes to; or play the sample day below.",
    )
    sample_rota = centre.base_dir / "published_rota.csv"
    playable = sample_rota.is_file() and centre.agent_states is not None and not centre.sites
    if not playable:
        st.caption(
            f"“Play the sample day” plays the sample centre's published rota and agent states "
            f"({sample_rota.name} and the agent states file beside its centre file); "
            f"{centre.name} has "
            + ("sites, each with its own agents file" if centre.sites else "none")
            + ", so give the folder of its own day's feed."
        )
    if st.button("Play the sample day", icon=":material/play_arrow:", disabled=not playable):
        from wfm.intraday.sample_day import play_day, write_played_day

        day = dt.date(2026, 10, 20)
        target = Path(tempfile.mkdtemp(prefix="wfm-today-"))
        with st.spinner("Playing 20 Oct 2026 of the sample centre up to 11:00…"):
            played = play_day(
                centre,
                day,
                parse_as_of("11:00", day, centre.timezone),
                rota_path=sample_rota,
            )
            write_played_day(played, target)
            _publish_sample_rota(data.workspace(), centre, day)
        st.session_state[state.TODAY_FOLDER_PLAYED] = str(target)
        st.session_state.pop(state.TODAY_REPLAN, None)
        st.session_state[state.TODAY_AS_OF] = "11:00"
    folder = folder or st.session_state.get(state.TODAY_FOLDER_PLAYED, "")
    if not folder:
        st.info("Give the feed folder, or play the sample day.", icon=":material/info:")
        st.stop()
    feed = Path(folder)
    missing = [
        name
        for name in ("arrivals.csv", "states.csv", "forecast.csv", "rota.csv")
        if not (feed / name).is_file()
    ]
    if missing:
        st.error(f"The feed folder {feed} has no {', '.join(missing)}.", icon=":material/error:")
        st.stop()
    as_of_text = st.text_input(
        "Time (HH:MM; empty for now)", key=state.TODAY_AS_OF, help="The time of the position."
    )
    zones = data.site_zones(centre)
    if zones.on_own_clocks:
        st.caption(
            f"The figures are the centre's day, on its clock ({centre.timezone}); the charts "
            "are drawn once per site, on the site's own local day and clock (the queues' "
            "required, scheduled and present agents of every site, since the sites share "
            "the queues, and the site's own agents). "
            + zones.caption().replace("Times in", "Each agent's times are in")
        )


@st.cache_data(show_spinner=False, max_entries=4)
def _static(folder: str, timezone: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return read_forecast(Path(folder) / "forecast.csv", timezone), read_rota(
        Path(folder) / "rota.csv", timezone
    )


def _feed_day() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dt.date, pd.Timestamp]:
    """The feed's forecast, rota and arrivals, the day they are of (the rota's first when no
    contact has arrived yet) and the time of the position (typed, or now)."""
    forecast, rota = _static(str(feed), centre.timezone)
    arrivals = read_history(
        feed / "arrivals.csv",
        timezone=centre.timezone,
        interval_minutes=centre.interval_minutes,
    ).frame
    day = day_of_arrivals(arrivals, centre.timezone) or min(rota["date"])
    as_of = (
        parse_as_of(as_of_text, day, centre.timezone)
        if as_of_text
        else pd.Timestamp.now(tz=centre.timezone)
    )
    return forecast, rota, arrivals, day, as_of


def _site_charts(forecast, rota, arrivals, states, agents, day, as_of) -> None:
    """The charts of a centre whose sites are in several zones: a tab per site, each on the
    site's own local day and clock (:func:`wfm.intraday.site_days.site_days`)."""
    from wfm.intraday.centre_day import position_options
    from wfm.intraday.site_days import site_day_frame, site_days

    options = position_options(
        centre,
        agents,
        data.update_priors(centre, day, forecast, str(feed / "forecast.csv")),
    )
    days = site_days(
        data.centre_sites(centre),
        options,
        forecast=forecast,
        rota=rota,
        states=states,
        arrivals=arrivals,
        as_of=as_of,
    )
    if not days:
        st.warning("The forecast covers none of the sites' local days.", icon=":material/warning:")
        return
    queues = sorted(set().union(*(set(d.position.intervals["queue"]) for d in days)))
    queue = ui.queue_picker(queues)
    for tab, site_day in zip(st.tabs([d.label for d in days]), days, strict=True):
        zone = site_day.site.timezone
        own = site_day_frame(site_day, queue)
        with tab:
            if own.empty:
                st.caption(f"{queue} has no interval on {site_day.label}'s day.")
                continue
            st.caption(
                f"{site_day.site.name}'s local day, {site_day.day:%A %d %B} on its own clock "
                f"({zone}), now {as_of.tz_convert(zone):%H:%M} there."
            )
            clock = {
                "timezone": zone,
                "as_of": as_of,
                "time_title": f"{site_day.site.name} local time ({zone})",
                "interval_minutes": centre.interval_minutes,
            }
            series = today_charts.site_agent_series(site_day.site.name)
            _agent_and_contact_charts(
                own, series, dashed_agents=tuple(list(series.values())[-2:]), clock=clock
            )


def _agent_and_contact_charts(own, agent_series, dashed_agents, clock):
    """The day's agents (``agent_series``, ``dashed_agents`` drawn dashed) and contacts per
    interval of one queue's ``own`` intervals, on ``clock`` (time zone and now)."""
    st.altair_chart(
        today_charts.day_lines(
            own,
            agent_series,
            title="Agents",
            height=260,
            dashed=dashed_agents,
            **clock,
        ),
        width="stretch",
    )
    st.altair_chart(
        today_charts.day_lines(
            own,
            today_charts.CONTACT_SERIES,
            title="Contacts per interval",
            height=220,
            dashed=today_charts.CONTACT_SERIES["offered_planned"],
            **clock,
        ),
        width="stretch",
    )


def _now(forecast, rota_today, arrivals, day, as_of):
    """The agents, their states so far today and today at ``as_of`` (position and who is out
    of adherence; the rest of the day updated as ``wfm forecast --as-of`` updates it)."""
    agents = data.centre_agents(centre)
    states = read_states_today(feed / "states.csv", timezone=centre.timezone, as_of=as_of)
    now = day_now(
        centre,
        agents,
        forecast=forecast,
        rota_day=rota_today,
        states=states,
        arrivals=arrivals,
        as_of=as_of,
        update_by_queue=data.update_priors(centre, day, forecast, str(feed / "forecast.csv")),
    )
    return agents, states, now


@st.fragment(run_every=REFRESH_SECONDS)
def live() -> None:
    """Re-read the feed and redraw the position (runs on its own every minute)."""
    with ui.friendly_errors():
        forecast, rota, arrivals, day, as_of = _feed_day()
        agents, states, now = _now(forecast, rota[rota["date"] == day], arrivals, day, as_of)
    position, out, total = now.position, now.out_of_adherence, now.totals
    (st.warning if position.feed.stale else st.caption)(
        f"{day:%A %d %B %Y} at {as_of:%H:%M}: {position.feed.describe()}."
    )
    volume, service = st.columns(3), st.columns(3)
    volume[0].metric(
        "Contacts so far",
        ui.number(total["offered_so_far"], 0),
        delta=ui.number(total["offered_so_far"] - total["forecast_so_far"], 0) + " vs forecast",
        delta_color="off",
    )
    volume[1].metric(
        "Contacts expected today",
        ui.number(total["offered_day_updated"], 0),
        delta=ui.number(total["offered_day_updated"] - total["offered_day_planned"], 0)
        + " vs plan",
        delta_color="off",
        help="So far plus the rest of the day re-forecast from the arrivals so far, as "
        "`wfm forecast --as-of` re-forecasts it.",
    )
    volume[2].metric(
        "Out of adherence now",
        f"{len(out)}",
        help=f"absent today: {', '.join(position.absent_agents) or 'nobody'}",
    )
    service[0].metric("Service level so far", ui.percent(total["service_level_so_far"]))
    service[1].metric("Rest of day (projected)", ui.percent(total["service_level_rest_projected"]))
    service[2].metric("Whole day (projected)", ui.percent(total["service_level_day_projected"]))
    if zones.on_own_clocks:
        with ui.friendly_errors():
            _site_charts(forecast, rota, arrivals, states, agents, day, as_of)
    else:
        intervals = position.intervals
        queue = ui.queue_picker(sorted(intervals["queue"].unique()))
        own = intervals[intervals["queue"] == queue]
        clock = {"timezone": centre.timezone, "as_of": as_of}
        _agent_and_contact_charts(own, today_charts.AGENT_SERIES, dashed_agents=None, clock=clock)
    left, right = st.columns([3, 2])
    left.subheader("Out of adherence now")
    if len(out):
        left.dataframe(today_tables.out_of_adherence_table(out, zones), hide_index=True)
    else:
        left.write("Everyone is where the rota says.")
    right.subheader("By team")
    right.dataframe(
        now.out_of_adherence_by_team.rename(
            columns={"team": "Team", "agents": "Agents", "out_of_adherence": "Out of adherence"}
        ),
        hide_index=True,
    )


live()


# --- re-plan the rest of the day -------------------------------------------------------------
st.header("Re-plan the rest of the day")
st.caption(
    "The fewest changes that best protect the day's service level from now on: breaks, "
    "lunches and off-phone activities moved, postponed or cancelled; overtime, early starts "
    "and call-ins where the rules allow; voluntary time off where over-staffed. Tick the "
    "changes to accept: they are published as a new rota version (with the audit trail)."
)
message = st.session_state.pop(state.TODAY_MESSAGE, None)
if message:
    st.success(message, icon=":material/publish:")
if st.button("Re-plan now", type="primary", icon=":material/auto_fix_high:"):
    from wfm.intraday.day_replan import replan_today
    from wfm.plan.site_agents import centre_availability

    with ui.friendly_errors(), st.spinner("Re-planning the rest of the day…"):
        forecast, rota, arrivals, day, as_of = _feed_day()
        done = replan_today(
            centre,
            forecast=forecast,
            rota_day=rota[rota["date"] == day],
            whole_rota=rota,
            states=read_states_today(feed / "states.csv", timezone=centre.timezone, as_of=as_of),
            arrivals=arrivals,
            as_of=as_of,
            agents=data.centre_agents(centre),
            day=day,
            unavailable=centre_availability(centre, data.centre_sites(centre) or None),
            update_by_queue=data.update_priors(centre, day, forecast, str(feed / "forecast.csv")),
        )
        st.session_state[state.TODAY_REPLAN] = (str(feed), day, done)

saved = st.session_state.get(state.TODAY_REPLAN)
if saved is not None and saved[0] == str(feed):
    _, replan_day_, done = saved[:3]
    accepted_already = len(saved) > 3
    changes = done.replan.changes
    cols = st.columns(3)
    cols[0].metric("Day's service level now", ui.percent(done.service_level_before))
    cols[1].metric(
        "With every suggestion",
        ui.percent(done.service_level_after),
        delta=f"{(done.service_level_after - done.service_level_before) * 100:+.1f} points",
    )
    cols[2].metric(
        "Shortfall recovered",
        ui.percent(done.recovered),
        help=f"Against the day's target of {ui.percent(done.service_level_target)}; "
        f"{done.agent_activities_changed} agent-activities changed.",
    )
    if changes.empty:
        st.info("No change is worth its cost now.", icon=":material/check_circle:")
    elif not accepted_already:
        table = today_tables.replan_changes_table(changes, zones)
        if zones.on_own_clocks:
            st.caption(
                zones.caption()
                + " The re-plan keeps each agent under its own site's break rules and "
                "contracts."
            )
        edited = st.data_editor(
            table,
            hide_index=True,
            disabled=[c for c in table.columns if c != "accept"],
            column_config={
                "accept": st.column_config.CheckboxColumn("accept"),
                "cost": st.column_config.NumberColumn(format="%.2f"),
                "service level (alone)": st.column_config.NumberColumn(format="%+.2f pts"),
                "service level (in the plan)": st.column_config.NumberColumn(format="%+.2f pts"),
            },
            key="today_replan_table",
        )
        left, right = st.columns(2)
        chosen = None
        if left.button("Accept selected", icon=":material/done:"):
            chosen = changes[changes["change_id"].isin(edited.loc[edited["accept"], "id"])]
        if right.button("Accept all", icon=":material/done_all:"):
            chosen = changes
        if chosen is not None:
            from wfm.intraday.accept import publish_changes, published_version_for
            from wfm.store import repository

            with ui.friendly_errors():
                ws = data.workspace()
                if chosen.empty:
                    st.warning("Tick at least one change.", icon=":material/warning:")
                    st.stop()
                with repository.reading(ws.url) as conn:
                    base = published_version_for(conn, replan_day_, centre.timezone)
                if base is None:
                    st.error(
                        f"The store has no published rota for {replan_day_:%d %B}: publish it "
                        "in the Rota builder first.",
                        icon=":material/error:",
                    )
                    st.stop()
                agents = data.centre_agents(centre)
                published = publish_changes(
                    ws.url,
                    base,
                    replan_day_,
                    chosen,
                    timezone=centre.timezone,
                    queues_by_agent={a.agent_id: a.queues for a in agents},
                    interval_minutes=centre.interval_minutes,
                    actor=ws.actor,
                    note="accepted on the Today page",
                )
            st.session_state[state.TODAY_MESSAGE] = (
                f"Published rota version {published.version_id} (from version {base}) with "
                f"{len(chosen)} changes."
            )
            st.session_state[state.TODAY_REPLAN] = (str(feed), replan_day_, done, published)
            st.rerun()
    if accepted_already:
        published = saved[3]
        st.subheader(f"Published version {published.version_id}: the changed agents today")
        changed = set()
        for agent in published.changes["agent_id"]:
            changed.update(str(agent).split("|"))
        shown = published.rota_day[published.rota_day["agent_id"].isin(changed)]
        shown = today_tables.changed_rota_table(shown, zones)
        st.dataframe(shown, hide_index=True)


# --- place an off-phone activity -------------------------------------------------------------
st.header("Place a coaching session, meeting or training")
st.caption(
    "Where it costs the day's service level least: every attendee on shift and not on a break "
    "or another activity, all together, from the notice period on. For the weekly rota, "
    "`wfm place-activities` places a file of sessions (see docs/intraday.md)."
)
with ui.friendly_errors():
    forecast, rota, arrivals, day, as_of = _feed_day()
    rota_today = rota[rota["date"] == day]
    with st.form("today_place_activity"):
        kind_col, who_col = st.columns([1, 3])
        kind = kind_col.selectbox("Activity", ["coaching", "meeting", "training"])
        attendees = who_col.multiselect(
            "Attendees (all together)", sorted(rota_today["agent_id"].unique())
        )
        minutes_col, window_col = st.columns(2)
        minutes = minutes_col.selectbox(
            "Duration",
            [centre.interval_minutes * k for k in range(1, 9)],
            index=1,
            format_func=lambda m: f"{m} min",
        )
        part = window_col.selectbox(
            "When", ["rest of the day", "morning", "afternoon", "evening"], index=0
        )
        placed_now = st.form_submit_button("Find the best time", icon=":material/event:")
    if placed_now:
        from wfm.data.activities import one_session
        from wfm.intraday.activity_placement import place_for_centre
        from wfm.intraday.replan_settings import ReplanSettings

        agents, _, now = _now(forecast, rota_today, arrivals, day, as_of)
        window = day.isoformat() + ("" if part == "rest of the day" else f" {part}")
        notice = pd.Timedelta(minutes=ReplanSettings().notice_minutes)
        result = place_for_centre(
            centre,
            agents,
            rota=rota_today,
            activities=one_session("session", kind, attendees, minutes, window),
            position=now.position,
            not_before=(as_of + notice).ceil(f"{centre.interval_minutes}min"),
        )
        row = result.placements.iloc[0]
        if not row["placed"]:
            st.warning(f"It cannot go today: {row['reason']}.", icon=":material/event_busy:")
        else:
            start = row["start"].tz_convert(centre.timezone)
            end = row["end"].tz_convert(centre.timezone)
            st.success(
                f"{kind.capitalize()} for {', '.join(attendees)}: **{start:%H:%M}–{end:%H:%M}**"
                + (f" ({centre.timezone}, the centre's clock)" if zones.on_own_clocks else "")
                + ", "
                f"costing {row['service_level_loss'] * 100:.3f} points of the day's projected "
                f"service level (the best of {row['candidates']} possible starts).",
                icon=":material/event_available:",
            )
            tried = result.candidates.assign(
                time=lambda f: f["start"].dt.tz_convert(centre.timezone).dt.tz_localize(None),
                points=lambda f: f["service_level_loss"] * 100,
                choice=lambda f: f["chosen"].map({True: "chosen", False: "possible"}),
            )
            st.altair_chart(
                alt.Chart(tried)
                .mark_bar()
                .encode(
                    x=alt.X("time:T", title="Start", axis=alt.Axis(format="%H:%M")),
                    y=alt.Y("points:Q", title="Service level lost (points)"),
                    color=alt.Color("choice:N", title=None),
                    tooltip=[
                        alt.Tooltip("time:T", format="%H:%M", title="Start"),
                        alt.Tooltip("points:Q", format=".3f", title="Points lost"),
                    ],
                )
                .properties(height=220),
                width="stretch",
            )
            st.caption(
                "Not published: add the session to the rota in the Rota builder, or place a "
                "file of sessions with `wfm place-activities`."
            )
