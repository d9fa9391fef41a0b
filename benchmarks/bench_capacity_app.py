"""Browser benchmark: how long the Capacity page takes to show a scenario change.

Starts the app (``streamlit run``) on a free local port with a temporary store holding the
sample centre, its history and agents; opens the Capacity page in headless Chromium
(Debian's ``/usr/bin/chromium`` through playwright); waits for the base plan; then moves a
scenario slider one step with the keyboard and times until the "Peak requirement" (volume,
AHT) or "Cost" (attrition, shrinkage) figure changes. Prints medians per slider.

Target (issue 21): a scenario change updates the page's numbers in ≤ 0.5 s.

    python benchmarks/bench_capacity_app.py [--moves 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_store(path: Path) -> None:
    from wfm.config import load_centre
    from wfm.plan.chain import load_agents, load_history
    from wfm.plan.workspace import Workspace

    centre = load_centre(REPO / "data" / "sample" / "centre.toml")
    ws = Workspace.open(f"sqlite:///{path}", actor="benchmark")
    ws.save_centre(centre)
    ws.save_history(load_history(centre))
    ws.save_agents(load_agents(centre))


def metric_text(page, label: str) -> str:
    return page.locator(
        f'[data-testid="stMetric"]:has-text("{label}") [data-testid="stMetricValue"]'
    ).inner_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    store = folder / "app.db"
    prepare_store(store)
    port = free_port()
    env = dict(os.environ, WFM_DB_URL=f"sqlite:///{store}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "apps" / "streamlit_app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, list[float]] = {}
    try:
        with sync_playwright() as play:
            browser = play.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            deadline = time.time() + 60
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/capacity", timeout=10000)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(1)
            page.wait_for_selector("text=Peak requirement", timeout=300000)
            sliders = {
                "volume": ("Volume change (%)", "Peak requirement"),
                "attrition": ("Attrition change (points a month)", "Cost"),
            }
            for name, (label, watched) in sliders.items():
                handle = page.get_by_role("slider", name=label)
                for _ in range(args.moves):
                    before = metric_text(page, watched)
                    handle.focus()
                    start = time.perf_counter()
                    page.keyboard.press("ArrowRight")
                    while metric_text(page, watched) == before:
                        if time.perf_counter() - start > 30:
                            raise TimeoutError(f"{watched} did not change after moving {label}")
                        time.sleep(0.01)
                    results.setdefault(name, []).append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()[0]
    print(f"Capacity page, sample centre, 18 months; load average {load:.2f}")
    for name, times in results.items():
        print(
            f"  {name:9s} slider: median {statistics.median(times):.2f} s  {[round(t, 2) for t in times]}"
        )


if __name__ == "__main__":
    main()
