"""Benchmark: the What-if page in a real browser, from slider release to updated figures.

Starts ``streamlit run apps/streamlit_app.py`` on a free local port with a store holding a
planned sample week, opens the What if page in headless Chromium (Debian's ``chromium``
driven by playwright; no browser is downloaded), and moves the volume slider one step at a
time with the keyboard. For every move it measures, in the page's own clock
(``performance.now()``):

* **headline**: from the key's release until the headline figures (the metric tiles) show
  new values: the live part of the page (``st.fragment``);
* **page**: from the release until the whole page is idle again (the rest follows).

Target (issue 16, item 4): the headline ≤ 0.3 s after release (median). Prints the median
and the largest of each, with the load average.

    python benchmarks/bench_whatif_browser.py [--store planned.db] [--moves 12]

Without ``--store`` the sample week is planned first into a temporary store (a few minutes:
the rota solve), which is not timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "apps" / "streamlit_app.py"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
#: The page's metric values, joined: a change of any of them is an update of the headline.
METRICS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
  .map(e => e.innerText).join('|')"""
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]');
}"""
#: Records when the key is released and when the metric texts next change.
WATCH_JS = """(before) => {
  window.__released = null; window.__changed = null;
  const read = () => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
    .map(e => e.innerText).join('|');
  document.addEventListener('keyup', () => { window.__released = performance.now(); },
    {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (window.__changed === null && read() !== before) {
      window.__changed = performance.now(); observer.disconnect();
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def planned_store(folder: Path) -> Path:
    """Plan the sample week into a new store (not timed)."""
    from wfm.config import load_centre
    from wfm.plan.chain import run_plan
    from wfm.plan.workspace import Workspace

    centre = load_centre(REPO / "data" / "sample" / "centre.toml")
    path = folder / "planned.db"
    Workspace.open(f"sqlite:///{path}", actor="benchmark").save_plan(run_plan(centre))
    return path


def wait(page, condition: str, timeout_s: float = 120.0, settle_polls: int = 3) -> None:
    deadline, calm = time.monotonic() + timeout_s, 0
    while calm < settle_polls:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not settle within {timeout_s} s")
        calm = calm + 1 if page.evaluate(condition) else 0
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store holding a planned week (copied)")
    parser.add_argument("--moves", type=int, default=12, help="slider moves timed")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="wfm_bench_whatif_"))
    store = work / "store.db"
    shutil.copyfile(args.store or planned_store(work), store)
    port = free_port()
    env = dict(os.environ, WFM_DB_URL=f"sqlite:///{store}")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        headline, whole = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url, wait_until="domcontentloaded")
            page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=180_000)
            wait(page, IDLE_JS, 180)
            nav = page.locator('[data-testid="stSidebarNav"]')
            nav.get_by_role("link", name="What if", exact=True).click()
            page.locator('[data-testid="stSlider"]').first.wait_for(timeout=180_000)
            wait(page, IDLE_JS, 180)
            thumb = page.locator('[data-testid="stSlider"]').first.locator('input[type="range"]')
            for move in range(args.moves + 1):
                before = page.evaluate(METRICS_JS)
                page.evaluate(WATCH_JS, before)
                thumb.focus()
                page.keyboard.press("ArrowRight")
                deadline = time.monotonic() + 60
                while page.evaluate("() => window.__changed") is None:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the headline did not change after a slider move")
                    time.sleep(0.005)
                released, changed = page.evaluate("() => [window.__released, window.__changed]")
                wait(page, IDLE_JS)
                settled = page.evaluate("() => performance.now()")
                if move:  # the first move warms the caches of the page's first scenario
                    headline.append((changed - released) / 1000)
                    whole.append((settled - released) / 1000)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {len(headline)} slider moves")
    print(
        f"headline updated after release: median {statistics.median(headline):.3f} s, "
        f"max {max(headline):.3f} s (target ≤ 0.3 s)"
    )
    print(
        f"whole page idle after release:  median {statistics.median(whole):.3f} s, "
        f"max {max(whole):.3f} s"
    )


if __name__ == "__main__":
    main()
