"""The planner's workflow in a real browser: upload -> forecast -> rota -> publish.

The app runs as ``streamlit run apps/streamlit_app.py`` on a free local port (see
``conftest.py``) and headless Chromium drives it the way a planner would: clicking the
sidebar navigation and the pages' buttons, uploading files. Every page of the navigation
is visited; each gets a full-page screenshot and must show no traceback (``stException``)
and no error box. A broken upload must give a clear validation message instead of a
traceback. The screenshots go to a temporary folder, so that ``pytest`` changes no tracked
file; ``WFM_WRITE_SCREENSHOTS=1 pytest tests/browser`` writes them to
``docs/screenshots/<page>.png`` instead, where the README shows them.

Streamlit 1.x markup relied on (checked against the installed frontend bundle):
``[data-testid="stApp"]`` carries ``data-test-script-state`` (``notRunning`` when a run
has finished) and ``data-test-connection-state``; elements left from the previous run
have ``data-stale="true"``; ``st.error`` renders ``[data-testid="stAlertContentError"]``
inside ``[data-testid="stAlertContainer"]`` (``role="alert"``); an uncaught exception
renders ``[data-testid="stException"]``; sidebar links are
``[data-testid="stSidebarNavLink"]`` with ``aria-current="page"`` on the current page.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Set to 1 to refresh the README's screenshots in docs/screenshots/.
WRITE_SCREENSHOTS_ENV = "WFM_WRITE_SCREENSHOTS"
DOC_SCREENSHOTS = REPO / "docs" / "screenshots"
SAMPLE_HISTORY = REPO / "data" / "sample" / "history.csv"

pytestmark = pytest.mark.slow

#: Navigation titles, in the order the workflow visits them after its own steps.
PAGES = ["Overview", "Data", "Forecast", "Staffing", "Rota builder", "What if", "Adherence", "Review", "Settings"]  # fmt: skip
#: Page loads, uploads and small reruns [seconds].
STEP_TIMEOUT_S = 60
#: The app's solver time limit [seconds] (see conftest.py: 40 unless set).
APP_TIME_LIMIT_S = float(os.environ.get("WFM_APP_TIME_LIMIT_SECONDS", "").strip() or 40)
#: A forecast or rota solve on a loaded machine (the solver alone has 40 s) [seconds].
SOLVE_TIMEOUT_S = max(180.0, 4 * APP_TIME_LIMIT_S)
#: Tallest full-page screenshot [pixels]; longer pages are cut there.
MAX_SCREENSHOT_HEIGHT_PX = 8000
#: Polls [seconds] and how many idle polls in a row count as "finished".
POLL_S = 0.3
IDLE_POLLS = 3

IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]');
}"""


# ---------------------------------------------------------------------------- helpers


def wait_idle(page: Any, timeout_s: float = STEP_TIMEOUT_S) -> None:
    """Wait until Streamlit has finished running the script (idle for several polls)."""
    deadline = time.monotonic() + timeout_s
    idle_polls = 0
    while idle_polls < IDLE_POLLS:
        if time.monotonic() > deadline:
            state = page.locator('[data-testid="stApp"]').first.get_attribute(
                "data-test-script-state"
            )
            pytest.fail(
                f"the app was still busy after {timeout_s:.0f} s (script state {state!r}) on {page.url}"
            )
        idle_polls = idle_polls + 1 if page.evaluate(IDLE_JS) else 0
        time.sleep(POLL_S)


def open_app(page: Any, url: str) -> None:
    """Load the app's start page and wait for its first run (the page may plan on load)."""
    page.goto(url, wait_until="domcontentloaded")
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=STEP_TIMEOUT_S * 1000)
    wait_idle(page, SOLVE_TIMEOUT_S)


def nav_titles(page: Any) -> list[str]:
    """The page titles in the sidebar navigation, top to bottom."""
    view_more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if view_more.count() and "more" in view_more.inner_text().lower():
        view_more.click()
    labels = page.locator('[data-testid="stSidebarNavLink"] span[label]')
    return [labels.nth(i).get_attribute("label") for i in range(labels.count())]


def go_to_page(page: Any, title: str, timeout_s: float = SOLVE_TIMEOUT_S) -> None:
    """Click ``title`` in the sidebar navigation and wait for the page to finish running."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
    link.click(timeout=STEP_TIMEOUT_S * 1000)
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while link.get_attribute("aria-current") != "page":
        if time.monotonic() > deadline:
            pytest.fail(f"clicking {title!r} in the navigation did not open that page")
        time.sleep(POLL_S)
    wait_idle(page, timeout_s)


def click_button(page: Any, label: str, timeout_s: float = SOLVE_TIMEOUT_S) -> None:
    """Click the main area's button ``label`` and wait for the rerun it starts to finish."""
    button = page.locator('[data-testid="stMain"]').get_by_role("button", name=label, exact=True)
    button.first.click(timeout=STEP_TIMEOUT_S * 1000)
    wait_idle(page, timeout_s)


def upload(page: Any, label: str, path: Path, timeout_s: float = SOLVE_TIMEOUT_S) -> None:
    """Put ``path`` into the file uploader labelled ``label`` and wait for the rerun."""
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text=label)
    uploader.locator('input[type="file"]').set_input_files(str(path), timeout=STEP_TIMEOUT_S * 1000)
    wait_idle(page, timeout_s)


def error_texts(page: Any) -> list[str]:
    """Texts of the error boxes (``st.error``) now on the page."""
    boxes = page.locator('[data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def success_count(page: Any) -> int:
    """How many success boxes (``st.success``) are on the page."""
    return page.locator('[data-testid="stAlertContentSuccess"]').count()


def assert_no_errors(page: Any, where: str) -> None:
    """No traceback and no error box on the page."""
    tracebacks = page.locator('[data-testid="stException"]')
    assert tracebacks.count() == 0, (
        f"{where}: traceback shown: {tracebacks.first.inner_text()[:2000]}"
    )
    errors = error_texts(page)
    assert not errors, f"{where}: error box shown: {errors}"


def slug(title: str) -> str:
    """File name for a page title: ``'Rota builder' -> 'rota-builder'``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def screenshot_folder() -> Path:
    """``docs/screenshots`` when asked for (:data:`WRITE_SCREENSHOTS_ENV`), else a temporary folder."""
    if os.environ.get(WRITE_SCREENSHOTS_ENV) == "1":
        return DOC_SCREENSHOTS
    return Path(tempfile.gettempdir()) / "wfm-browser-screenshots"


def screenshot(page: Any, title: str, folder: Path | None = None) -> Path:
    """Full-page screenshot into ``<folder>/<page>.png`` (overwritten; the folder is
    :func:`screenshot_folder` unless given).

    Streamlit scrolls inside ``stMain``, not the document, so the window is made as tall
    as that content for the shot and restored afterwards.
    """
    folder = folder or screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(title)}.png"
    viewport = page.viewport_size
    content_px = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    )
    height_px = min(max(viewport["height"], int(content_px)), MAX_SCREENSHOT_HEIGHT_PX)
    page.mouse.move(viewport["width"] - 2, viewport["height"] // 2)  # no hover effects
    page.set_viewport_size({"width": viewport["width"], "height": height_px})
    try:
        page.wait_for_timeout(500)  # let charts lay themselves out at the new size
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)
    return path


def says_published(page: Any) -> bool:
    """Whether the Rota builder shows a published rota: no "Publish rota" button (a
    published version is frozen) and the word "published" in the main area."""
    main = page.locator('[data-testid="stMain"]')
    publish = main.get_by_role("button", name="Publish rota", exact=True)
    text = main.inner_text()
    return publish.count() == 0 and re.search(r"\bpublished\b", text, re.IGNORECASE) is not None


def visit(page: Any, title: str, visited: list[str]) -> None:
    """Open a page (if not already on it), check it and take its screenshot."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
    if link.get_attribute("aria-current") != "page":
        go_to_page(page, title)
    assert_no_errors(page, title)
    screenshot(page, title)
    visited.append(title)


def explain_failure(page: Any, app_server: Any, where: Path) -> None:
    """Print the server log's end and keep a screenshot of the window, for a failed test."""
    try:
        page.screenshot(path=str(where), full_page=True)
        print(f"\n--- screenshot of the failure: {where}")
    except Exception as error:  # noqa: BLE001 - the browser may be gone already
        print(f"\n--- no screenshot of the failure: {error}")
    print(f"--- server log (end) ---\n{app_server.log_tail()}")


# ------------------------------------------------------------------------------ tests


def test_workflow_upload_forecast_rota_publish(page: Any, app_server: Any, tmp_path: Path) -> None:
    """upload -> forecast -> requirements -> generate rota -> publish, then every page;
    a new session (reload) finds the published rota again in the store."""
    try:
        open_app(page, app_server.url)
        assert_no_errors(page, "start page")
        titles = nav_titles(page)
        missing = [title for title in PAGES if title not in titles]
        assert not missing, f"pages missing from the navigation {titles}: {missing}"
        visited: list[str] = []

        go_to_page(page, "Data")
        click_button(page, "Use the sample centre")
        assert_no_errors(page, "Data, after choosing the sample centre")
        successes = success_count(page)
        upload(page, "History CSV", SAMPLE_HISTORY)
        click_button(page, "Save history")  # saved after its preview is shown (issue 14)
        assert success_count(page) > successes, "Data: no success message for a valid history"
        visit(page, "Data", visited)

        go_to_page(page, "Forecast")
        click_button(page, "Run forecast")
        visit(page, "Forecast", visited)

        go_to_page(page, "Staffing")
        click_button(page, "Compute requirements")
        visit(page, "Staffing", visited)

        go_to_page(page, "Rota builder")
        click_button(page, "Generate rota")
        assert_no_errors(page, "Rota builder, after generating the rota")
        click_button(page, "Publish rota")
        assert says_published(page), "Rota builder: nothing on the page says the rota was published"
        visit(page, "Rota builder", visited)

        for title in titles:
            if title == "Today":  # the README shows a played day, not the empty page
                go_to_page(page, title)
                click_button(page, "Play the sample day")
            if title not in visited:
                visit(page, title, visited)
        assert sorted(visited) == sorted(titles)

        open_app(page, app_server.url)  # a new session: the work comes back from the store
        go_to_page(page, "Rota builder")
        assert_no_errors(page, "Rota builder, after a reload")
        assert says_published(page), "Rota builder: the published rota is gone after a reload"
        assert app_server.store.exists(), f"the app did not use its test store {app_server.store}"
    except BaseException:
        explain_failure(page, app_server, tmp_path / "failure.png")
        raise


def test_broken_upload_shows_a_validation_message(
    page: Any, app_server: Any, tmp_path: Path
) -> None:
    """A history file with a word where a number belongs: one clear error box, no traceback."""
    broken = tmp_path / "broken_history.csv"
    broken.write_text(
        "interval_start,queue,offered,aht_seconds\n"
        "2024-11-16T09:00:00+00:00,sales,7,164.9\n"
        "2024-11-16T09:15:00+00:00,sales,seven,246.9\n"
    )
    try:
        open_app(page, app_server.url)
        go_to_page(page, "Data")
        assert_no_errors(page, "Data, before the upload")
        upload(page, "History CSV", broken, STEP_TIMEOUT_S)
        tracebacks = page.locator('[data-testid="stException"]')
        assert tracebacks.count() == 0, "a traceback instead of a message"
        errors = error_texts(page)
        assert errors, "the broken upload was accepted without an error box"
        message = " ".join(errors)
        assert "offered" in message and "seven" in message, (
            f"the message does not say which column and value are wrong: {message!r}"
        )
    except BaseException:
        explain_failure(page, app_server, tmp_path / "failure.png")
        raise


# ----------------------------------------------------------- the manager's what-if path

#: The headline figures' texts (metric values), joined.
METRICS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
  .map(e => e.innerText).join('|')"""


#: Metric values wider than their tile (shown with an ellipsis, "23,29…").
CUT_FIGURES_JS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *'))
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def move_first_slider(page: Any, steps: int) -> None:
    """Move the page's first slider ``steps`` steps (negative: left) with the keyboard, one
    step at a time: each step reruns the page, which may take the focus from the slider."""
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        thumb = page.locator('[data-testid="stSlider"]').first.locator('input[type="range"]')
        thumb.focus()
        page.keyboard.press(key)
        wait_idle(page)


def ensure_a_rota(page: Any, app_server: Any) -> None:
    """A rota in the app's store: the workflow test above leaves one; alone, plan the sample."""
    from wfm.plan.workspace import Workspace

    if Workspace(f"sqlite:///{app_server.store}").latest_rota() is not None:
        return
    go_to_page(page, "Data")
    click_button(page, "Use the sample centre")
    go_to_page(page, "Overview")
    page.get_by_text("Plan everything in one go").click()
    click_button(page, "Plan everything")


def test_manager_what_if_path_is_live_and_keeps_scenarios(
    page: Any, app_server: Any, tmp_path: Path
) -> None:
    """The manager's path (issue 16, "Done when"): What if → pick the rota → move a slider
    (the headline follows; the latency target is measured in
    benchmarks/bench_whatif_browser.py, not here) → save the scenario → move away → reopen it.
    No error box and no traceback anywhere; screenshots at 1280 and 1440 px."""
    try:
        open_app(page, app_server.url)
        ensure_a_rota(page, app_server)
        go_to_page(page, "What if")
        assert_no_errors(page, "What if")
        main = page.locator('[data-testid="stMain"]')
        assert "Rota tested" in main.inner_text()
        before = page.evaluate(METRICS_JS)
        move_first_slider(page, 10)  # volume +10 %
        assert_no_errors(page, "What if, after moving the volume slider")
        assert page.evaluate(METRICS_JS) != before, "the headline did not follow the slider"
        assert "volume +10 %" in main.inner_text()

        name = main.get_by_label("Scenario name", exact=True)
        name.fill("ten percent more")
        name.press("Enter")
        wait_idle(page)
        click_button(page, "Save scenario")
        assert_no_errors(page, "What if, after saving the scenario")
        assert success_count(page) >= 1, "no message that the scenario was saved"

        move_first_slider(page, -10)  # back to no change
        assert "What if: no change" in main.inner_text()
        click_button(page, "Reopen")
        assert_no_errors(page, "What if, after reopening the scenario")
        assert "volume +10 %" in main.inner_text(), "reopening did not set the sliders back"

        for width in (1280, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            wait_idle(page)
            page.wait_for_timeout(500)  # let the tiles lay themselves out at the new width
            page.screenshot(path=str(tmp_path / f"what-if-{width}.png"), full_page=True)
            cut = page.evaluate(CUT_FIGURES_JS)
            assert not cut, f"figures cut off at {width} px: {cut}"
    except BaseException:
        explain_failure(page, app_server, tmp_path / "failure.png")
        raise
