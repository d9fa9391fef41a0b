"""In a real browser: the US bank data (datetime, calls; no queue, no handle time) uploaded on
the Data page, AHT given there, a centre proposed and used, then forecast, requirements and
a rota, with no file edited. Screenshots of each step go to the test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_browser_workflow import (
    SOLVE_TIMEOUT_S,
    STEP_TIMEOUT_S,
    click_button,
    error_texts,
    explain_failure,
    go_to_page,
    open_app,
    upload,
    wait_idle,
)

pytestmark = pytest.mark.slow


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox whose label contains ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click(timeout=STEP_TIMEOUT_S * 1000)
    box.locator("input").fill(option)
    page.keyboard.press("Enter")
    wait_idle(page)


def test_bank_data_to_a_rota_in_the_browser(
    page: Any, app_server: Any, tmp_path: Path, bank_calls_path: Path
) -> None:
    folder = Path(__import__("os").environ.get("WFM_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        open_app(page, app_server.url)
        go_to_page(page, "Data")
        choose(page, "Time zone of times", "America/New_York")
        upload(page, "History CSV", bank_calls_path)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("no handle time").count() > 0
        shot(page, folder, "1-bank-upload-asks-aht")
        aht = page.locator('[data-testid="stNumberInput"]').filter(has_text="AHT [seconds]")
        aht.locator("input").fill("240")
        aht.locator("input").press("Enter")
        wait_idle(page)
        shot(page, folder, "2-bank-mapped-preview")
        click_button(page, "Save history")
        assert not error_texts(page), error_texts(page)
        click_button(page, "Propose a centre")
        assert main.get_by_text("07:00-21:05").count() > 0
        shot(page, folder, "3-bank-proposed-centre")
        click_button(page, "Use this centre")
        assert not error_texts(page), error_texts(page)
        go_to_page(page, "Forecast")
        click_button(page, "Run forecast", SOLVE_TIMEOUT_S)
        assert not error_texts(page), error_texts(page)
        shot(page, folder, "4-bank-forecast")
        go_to_page(page, "Staffing")
        click_button(page, "Compute requirements", SOLVE_TIMEOUT_S)
        assert not error_texts(page), error_texts(page)
        shot(page, folder, "5-bank-staffing")
        go_to_page(page, "Rota builder")
        click_button(page, "Generate rota", 3 * SOLVE_TIMEOUT_S)
        assert not error_texts(page), error_texts(page)
        shot(page, folder, "6-bank-rota")
    except BaseException:
        explain_failure(page, app_server, tmp_path / "failure.png")
        raise
