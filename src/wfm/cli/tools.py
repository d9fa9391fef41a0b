"""`wfm sample` and `wfm app`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from wfm.cli.common import EXIT_OK, say
from wfm.errors import InputError

#: The app listens on this computer only unless ``--address`` says otherwise.
LOCAL_ADDRESS = "127.0.0.1"


def register(commands) -> None:
    sample = commands.add_parser(
        "sample", help="write the sample centre", description="Write the seeded sample centre."
    )
    sample.add_argument("-o", "--output", required=True, help="folder to write into")
    sample.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    sample.set_defaults(handler=run_sample)

    app = commands.add_parser(
        "app", help="open the Streamlit app", description="Start the wfm Streamlit app."
    )
    app.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    app.add_argument(
        "--address",
        default=LOCAL_ADDRESS,
        help=f"network address to listen on (default {LOCAL_ADDRESS}: this computer only); "
        "give 0.0.0.0 to let other computers open the app, on purpose",
    )
    app.add_argument("--headless", action="store_true", help="do not open a browser")
    app.set_defaults(handler=run_app)


def run_sample(args: argparse.Namespace) -> int:
    from wfm.data.synthetic import generate_sample_centre

    centre_path = generate_sample_centre(args.output, seed=args.seed)
    say(f"sample centre written: {centre_path}")
    return EXIT_OK


def run_app(args: argparse.Namespace) -> int:
    app = Path(__file__).resolve().parents[3] / "apps" / "streamlit_app.py"
    if not app.exists():
        raise InputError(
            "the app file is not found next to the package",
            source=str(app),
            fix="run from a source checkout",
        )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
    ]
    if args.headless:
        command += ["--server.headless", "true"]
    return subprocess.call(command, env=os.environ.copy())
