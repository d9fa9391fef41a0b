"""`wfm place-activities`: put coaching, meetings and training into a rota where the projected
service level suffers least."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_output_folder_option,
    check_queues_in_centre,
    output_folder,
    progress_bar,
    quiet_options,
    say,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "place-activities",
        parents=[quiet_options()],
        help="place coaching, meetings and training in a rota where service suffers least",
        description="Read off-phone sessions (activities.csv: activity_id, activity "
        "coaching|meeting|training, attendees A003|A017 or team:NAME, duration_minutes, window "
        "such as week, tuesday, 'tuesday afternoon', '2026-10-20 13:00-15:30') and place each, in "
        "the file's order, at the start where every attendee is on shift and not on a break and "
        "the rota's projected service level (Erlang C per queue and interval against the "
        "forecast) loses least. Writes rota.csv (the rota with the sessions) and "
        "placements.csv (where each went, the service level it costs, or why it could not go).",
        epilog="Exit codes: 0 every session placed, 3 some could not be placed (the rest are "
        "written), 2 bad input, 1 internal error.",
    )
    parser.add_argument("--centre", required=True, help="centre TOML (targets, agents, teams)")
    parser.add_argument("--rota", required=True, help="the rota CSV (from `wfm plan`/`schedule`)")
    parser.add_argument(
        "--forecast", required=True, help="the forecast CSV covering the rota's dates"
    )
    parser.add_argument("--activities", required=True, help="the sessions to place (CSV)")
    add_output_folder_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.data.activities import read_activities
    from wfm.data.io import write_files_atomic
    from wfm.data.output_files import read_forecast, read_rota
    from wfm.intraday.activity_placement import place_for_centre
    from wfm.plan.site_agents import centre_agents

    centre = load_centre(args.centre)
    out = output_folder(args.output)
    agents = centre_agents(centre)  # a centre with sites: each site's agents file
    rota = read_rota(args.rota, centre.timezone)
    forecast = read_forecast(args.forecast, centre.timezone)
    check_queues_in_centre(forecast["queue"].unique(), centre, args.centre, args.forecast)
    activities = read_activities(args.activities, interval_minutes=centre.interval_minutes)
    with progress_bar(not args.quiet) as progress:
        placed = place_for_centre(
            centre, agents, rota=rota, activities=activities, forecast=forecast, progress=progress
        )
    table = placed.placements
    write_files_atomic({out / "rota.csv": placed.rota, out / "placements.csv": table})
    for row in table.itertuples(index=False):
        if row.placed:
            local = row.start.tz_convert(centre.timezone)
            say(
                f"{row.activity_id} ({row.activity}, {row.attendees}): "
                f"{local:%a %d %b %H:%M}-{row.end.tz_convert(centre.timezone):%H:%M}, "
                f"service level -{100 * row.service_level_loss:.3f} points "
                f"(best of {row.candidates} starts)"
            )
        else:
            say(f"{row.activity_id} ({row.activity}): not placed: {row.reason}")
    done = int(table["placed"].sum())
    say(
        f"placed {done} of {len(table)} sessions; projected service level "
        f"{placed.service_level_before:.1%} -> {placed.service_level_after:.1%}; "
        f"wrote {out / 'rota.csv'} and {out / 'placements.csv'}"
    )
    return EXIT_OK if done == len(table) else EXIT_FINDINGS  # some not placed
