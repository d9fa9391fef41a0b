"""Write the sample centre: the centre file, history, agents, published rota and agent states."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tomllib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import parse_centre
from wfm.data.io import write_files_atomic
from wfm.data.synthetic.agents import agents_frame
from wfm.data.synthetic.behaviour import agent_states_frame
from wfm.data.synthetic.centre import centre_toml_text
from wfm.data.synthetic.defaults import (
    DEFAULT_END_DATE,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    STATE_WEEKS,
)
from wfm.data.synthetic.demand import history_frame, history_start
from wfm.data.synthetic.rota import rota_frame, rota_shifts

logger = logging.getLogger(__name__)


def generate_sample_centre(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    end_date: dt.date = DEFAULT_END_DATE,
    years: int = DEFAULT_YEARS,
) -> Path:
    """Write the sample centre into ``out_dir`` and return the path of its ``centre.toml``.

    Writes ``centre.toml``, ``history.csv``, ``agents.csv``, ``published_rota.csv`` and
    ``agent_states.csv`` all together or not at all (:func:`wfm.data.io.write_files_atomic`;
    CSV as :func:`wfm.data.io.frame_to_csv_text` writes it). The output is a pure function
    of the arguments: the same arguments give byte-identical files.

    Parameters
    ----------
    out_dir
        Folder to write into; created if missing.
    seed
        Seed of all random draws.
    end_date
        Last local date of the history (inclusive). The default is a Sunday, when the centre
        is closed, so the history ends on Saturday 2026-11-14.
    years
        Years of history (whole years ending on ``end_date``).

    Returns
    -------
    pathlib.Path
        The centre file.

    Examples
    --------
    >>> path = generate_sample_centre("/tmp/northwind", seed=2026)  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'centre.toml'
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    out_dir = Path(out_dir)
    history_rng, agents_rng, rota_rng, states_rng = (
        np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(4)
    )

    toml_text = centre_toml_text(
        seed=seed, history_start=history_start(end_date, years), end_date=end_date, years=years
    )
    centre = parse_centre(tomllib.loads(toml_text), source="sample centre", base_dir=out_dir)

    history = history_frame(centre, end_date=end_date, years=years, rng=history_rng)
    history["aht_seconds"] = history["aht_seconds"].map(
        lambda value: "" if np.isnan(value) else f"{value:.1f}"
    )

    agents = agents_frame(agents_rng)

    # The last STATE_WEEKS full Monday-to-Sunday weeks up to end_date.
    last_sunday = end_date - dt.timedelta(days=(end_date.weekday() + 1) % 7)
    first_monday = last_sunday - dt.timedelta(days=7 * STATE_WEEKS - 1)
    holidays = set(centre.holiday_dates(range(first_monday.year, last_sunday.year + 1)))
    part_time_min_hours = centre.contract("part_time").min_hours_per_week
    shifts = rota_shifts(agents, first_monday, STATE_WEEKS, holidays, part_time_min_hours, rota_rng)
    rota = rota_frame(shifts, centre, rota_rng)
    window_end = pd.Timestamp(last_sunday + dt.timedelta(days=1)).tz_localize(centre.timezone)
    states = agent_states_frame(rota, window_end, centre.timezone, states_rng)

    files = {
        out_dir / "history.csv": history,
        out_dir / "agents.csv": agents,
        out_dir / "published_rota.csv": rota,
        out_dir / "agent_states.csv": states,
        out_dir / "centre.toml": toml_text,  # last, so a complete folder has its centre file
    }
    for path in write_files_atomic(files):
        logger.info("wrote %s (%d bytes)", path, path.stat().st_size)
    return out_dir / "centre.toml"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m wfm.data.synthetic OUT_DIR [--seed N] [--end-date YYYY-MM-DD] [--years N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m wfm.data.synthetic", description="Write the sample contact centre."
    )
    parser.add_argument("out_dir", type=Path, help="folder to write into")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=DEFAULT_END_DATE,
        help=f"last local date of the history (default {DEFAULT_END_DATE.isoformat()})",
    )
    parser.add_argument(
        "--years",
        type=int,
        default=DEFAULT_YEARS,
        help=f"years of history (default {DEFAULT_YEARS})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate_sample_centre(args.out_dir, seed=args.seed, end_date=args.end_date, years=args.years)
    return 0
