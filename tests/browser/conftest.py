"""Fixtures for the browser test: the Streamlit app on a free local port, and headless Chromium.

The browser is Debian's ``chromium`` package driven by playwright's Python package; no
browser is ever downloaded (``playwright install`` is never run). Without chromium or
playwright the tests are skipped, unless ``WFM_REQUIRE_BROWSER`` is set (``.ci/run`` sets
it), in which case they fail so that CI cannot pass without running them.
Checked with playwright 1.65.2 (pip) driving Debian bookworm's chromium 156 over CDP.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "apps" / "streamlit_app.py"
#: Set (to anything but empty) to make a missing browser a failure instead of a skip.
REQUIRE_ENV = "WFM_REQUIRE_BROWSER"
#: Debian's chromium; the path is a fallback for a PATH without /usr/bin.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Solver time limit the app gets [seconds]: 40, generous for the sample centre on a quiet
#: machine; a ``WFM_APP_TIME_LIMIT_SECONDS`` already set (a loaded machine) is passed on.
APP_TIME_LIMIT_SECONDS = os.environ.get("WFM_APP_TIME_LIMIT_SECONDS", "").strip() or "40"
#: How long the server may take to answer its health check [seconds].
SERVER_START_TIMEOUT_SECONDS = 90
#: Browser window [pixels]: wide enough that the sidebar navigation stays open.
VIEWPORT = {"width": 1440, "height": 900}


def _missing_or_skip(reason: str) -> None:
    """Skip for ``reason``, or fail when ``$WFM_REQUIRE_BROWSER`` says the test must run."""
    if os.environ.get(REQUIRE_ENV, "").strip():
        pytest.fail(f"{reason}, and {REQUIRE_ENV} is set: the browser test must run here")
    pytest.skip(f"{reason}; the browser test needs Debian's chromium and the playwright package")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the chromium executable, with playwright importable (else skip or fail)."""
    path = shutil.which("chromium") or DEFAULT_CHROMIUM
    if not Path(path).exists():
        _missing_or_skip("chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing_or_skip("the playwright package is not installed (pip install playwright)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the server and anything it started (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass


class AppServer:
    """A running ``streamlit run apps/streamlit_app.py``: its URL, store file and log file."""

    def __init__(
        self, url: str, store: Path, log_path: Path, process: subprocess.Popen[bytes]
    ) -> None:
        self.url = url
        self.store = store
        self.log_path = log_path
        self.process = process

    def log_tail(self, characters: int = 6000) -> str:
        """The end of the server's output, for failure messages."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-characters:]


@pytest.fixture(scope="module")
def app_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app on a free port with an empty store of its own; stopped afterwards, always."""
    work = tmp_path_factory.mktemp("browser_app")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    store = work / "store.sqlite"
    # The app's own store for the test (never the user's).
    env["WFM_DB_URL"] = f"sqlite:///{store}"
    env["WFM_APP_TIME_LIMIT_SECONDS"] = APP_TIME_LIMIT_SECONDS
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Other work may edit the pages while the test runs: no "source changed" prompts.
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "viewer",  # no "Deploy" button in the screenshots
    ]  # fmt: skip
    log_path = work / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    server = AppServer(url, store, log_path, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"the app stopped with code {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not answer {url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT_SECONDS} s:\n{server.log_tail()}"
                )
            time.sleep(0.5)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """Headless Debian chromium through playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, app_server: AppServer) -> Iterator[Any]:
    """A fresh browser tab (its own Streamlit session) on the app's start page."""
    context = browser.new_context(viewport=dict(VIEWPORT))
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
