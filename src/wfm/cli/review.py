"""`wfm review`: KPIs of a past period from the history, against a forecast and a rota."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from wfm.cli.common import (
    EXIT_OK,
    add_output_folder_option,
    centre_and_timezone,
    output_folder,
    parse_date,
    say,
    warn,
)
from wfm.errors import InputError


def register(commands) -> None:
    parser = commands.add_parser(
        "review",
        help="KPI review of a past period: service level, AHT, abandons, forecast accuracy, staffing",
        description="Measure what happened (service level with a named counting variant, AHT, ASA, abandonment, "
        "occupancy, forecast accuracy, required vs scheduled staff) and write kpi_by_interval.csv, "
        "kpi_by_day.csv and a self-contained review.html.",
    )
    parser.add_argument(
        "--history", required=True, help="interval history CSV with the actual counts"
    )
    parser.add_argument(
        "--forecast", help="forecast CSV made for the period (wfm forecast / wfm plan)"
    )
    parser.add_argument(
        "--requirements", help="requirements CSV for the period (wfm staff / wfm plan)"
    )
    parser.add_argument("--coverage", help="coverage CSV of the rota (wfm schedule / wfm plan)")
    parser.add_argument(
        "--actual-staff", help="CSV interval_start,queue,agents_actual (e.g. from adherence)"
    )
    parser.add_argument("--centre", help="centre TOML: time zone, interval, targets")
    parser.add_argument("--timezone", help="IANA time zone of the site (default: the centre's)")
    parser.add_argument(
        "--sl-definition", help="service-level counting variant (default: all_abandons_against)"
    )
    parser.add_argument(
        "--from", dest="date_from", help="first date reviewed, YYYY-MM-DD (site time)"
    )
    parser.add_argument(
        "--to", dest="date_to", help="last date reviewed, YYYY-MM-DD (site time, inclusive)"
    )
    parser.add_argument(
        "--contacts",
        help="per-contact export for quality of service: first-contact resolution, repeats, "
        "satisfaction and categories per queue, team, agent and day (customer ids are pseudonymised)",
    )
    parser.add_argument(
        "--contacts-layout",
        default="generic",
        help="layout of --contacts: generic, amazon-connect or genesys-cloud (default generic)",
    )
    parser.add_argument(
        "--fcr-days",
        type=float,
        default=7.0,
        help="a contact is resolved when the customer does not contact again within this many days (default 7)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="store whose per-install salt pseudonymises customer ids "
        "(default: $WFM_DB_URL, else sqlite:///wfm.db)",
    )
    add_output_folder_option(parser)
    parser.set_defaults(handler=run)


def _contact_quality(args, centre, timezone: str, out_dir: Path) -> dict:
    """The contact-quality tables of ``--contacts``, as files to write (empty without it)."""
    if not args.contacts:
        return {}
    from wfm.data.contacts import read_contacts
    from wfm.data.vendors import contact_layout
    from wfm.review.contact_quality import contact_details, contact_quality, quality_files
    from wfm.store.privacy import store_salt
    from wfm.store.repository import check_store

    check_store(args.store)
    contacts, problems = read_contacts(
        args.contacts,
        contact_layout(args.contacts_layout),
        timezone=timezone,
        extras=True,
        salt=store_salt(args.store),
    )
    for line in problems.lines():
        warn(line)
    teams = None
    if centre is not None and (centre.agents is not None or centre.sites):
        from wfm.plan.site_agents import centre_agents  # with sites: each site's agents file

        teams = {agent.agent_id: agent.team for agent in centre_agents(centre)}
    quality = contact_quality(contact_details(contacts), fcr_days=args.fcr_days, teams=teams)
    return quality_files(quality, out_dir)


def _period(frame, date_from: dt.date | None, date_to: dt.date | None, source: str):
    if frame is None:
        return None
    dates = frame["interval_start"].dt.date
    keep = (dates >= date_from if date_from else True) & (dates <= date_to if date_to else True)
    result = frame[keep] if not isinstance(keep, bool) else frame
    if result.empty:
        raise InputError(
            "no rows in the period reviewed", source=source, fix="check --from and --to"
        )
    return result


def run(args: argparse.Namespace) -> int:
    from wfm.data.history import read_history
    from wfm.data.io import write_files_atomic
    from wfm.data.output_files import read_coverage, read_forecast, read_requirements
    from wfm.data.timestamps import check_timezone
    from wfm.review.kpi import PlanFigures, review_kpis
    from wfm.review.kpi_report import review_html
    from wfm.staffing.service_level_definitions import DEFAULT_DEFINITION, parse_definition

    out_dir = output_folder(args.output)
    centre, timezone = centre_and_timezone(args, args.history, "interval_start")
    check_timezone(timezone)
    definition = parse_definition(args.sl_definition or DEFAULT_DEFINITION)
    date_from, date_to = parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to")
    if date_from and date_to and date_to < date_from:
        raise InputError("--to is before --from", value=f"{date_from} .. {date_to}")
    history = read_history(
        args.history,
        timezone=timezone,
        interval_minutes=centre.interval_minutes if centre else None,
    )
    forecast = read_forecast(args.forecast, timezone) if args.forecast else None
    if date_from is None and date_to is None and forecast is not None:
        # Without an explicit period, review the dates the forecast covers.
        date_from, date_to = (
            forecast["interval_start"].dt.date.min(),
            forecast["interval_start"].dt.date.max(),
        )
    actuals = _period(history.frame, date_from, date_to, args.history)
    period_from, period_to = (
        actuals["interval_start"].dt.date.min(),
        actuals["interval_start"].dt.date.max(),
    )
    forecast = _period(forecast, period_from, period_to, args.forecast)
    requirements = read_requirements(args.requirements, timezone) if args.requirements else None
    coverage = read_coverage(args.coverage, timezone) if args.coverage else None
    actual_staff = (
        read_coverage(args.actual_staff, timezone, agents_column="agents_actual")
        if args.actual_staff
        else None
    )
    plan = PlanFigures(
        forecast=forecast, requirements=requirements, coverage=coverage, actual_staff=actual_staff
    )
    review = review_kpis(actuals, history.interval_minutes, definition, plan=plan)
    targets = {q.name: q.service_level_target for q in centre.queues} if centre else {}
    title = centre.name if centre else Path(args.history).stem
    page = review_html(review, title=title, targets=targets, period=f"{period_from} to {period_to}")
    quality_tables = _contact_quality(args, centre, timezone, out_dir)
    write_files_atomic(
        {
            out_dir / "kpi_by_interval.csv": review.by_interval,
            out_dir / "kpi_by_day.csv": review.by_day,
            out_dir / "review.html": page,
        }
        | quality_tables
    )
    total = review.by_queue.set_index("queue").loc["all"]
    say(
        f"review of {title}, {period_from} to {period_to} (service level counted as {definition.value})"
    )
    say(
        f"  offered       {total['offered']:,.0f} contacts, {total['abandonment_rate']:.1%} abandoned"
    )
    say(f"  service level {total['service_level']:.1%}, AHT {total['aht_seconds']:.0f} s")
    if forecast is not None:
        say(
            f"  forecast      WAPE {total['wape']:.1%}, bias {total['bias']:+.1%}, MAPE {total['mape']:.1%}"
        )
    for note in review.notes:
        say(f"  note          {note}")
    for path, table in quality_tables.items():
        if path.name == "contact_quality_by_queue.csv":
            for row in table.itertuples():
                fcr = "n/a" if pd.isna(row.fcr) else f"{row.fcr:.1%}"
                say(
                    f"  contacts      {row.queue}: FCR {fcr} of {row.fcr_judged:,} judged "
                    f"({args.fcr_days:g} days), {row.repeat_contacts:,} repeat contacts"
                )
    extra = "".join(f", {path.name}" for path in quality_tables)
    say(f"  files         kpi_by_interval.csv, kpi_by_day.csv, review.html{extra} in {out_dir}")
    return EXIT_OK
