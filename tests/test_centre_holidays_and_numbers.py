"""Holiday codes and numbers of the centre file, found by the third hostile-input sweep
(fuzz3): a country or subdivision the holidays package does not know was a
NotImplementedError where the calendar was first built (exit 1 in forecast, backtest,
capacity; check-rota ran on); NaN, infinity and 1e308 were accepted in every number (an
infinite ``min_rest_hours`` an OverflowError in the rota model, an infinite or 1e308 cost a
"solver failed ... report it"); a site in another country inherited the centre's
subdivision (a New York site of an English centre asked the package for the US's England).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import holidays
import pytest
import tomli_w

from wfm.cli import main
from wfm.config import MAX_CENTRE_NUMBER, load_centre
from wfm.errors import ConfigError, InputError
from wfm.holiday_countries import check_holiday_country

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def centre_file(tmp_path: Path, change) -> Path:
    raw = tomllib.loads((SAMPLE / "centre.toml").read_text())
    for key in ("history", "agents", "agent_states"):
        raw["centre"][key] = str(SAMPLE / raw["centre"][key])
    change(raw)
    path = tmp_path / "centre.toml"
    path.write_text(tomli_w.dumps(raw))
    return path


def test_the_check_agrees_with_the_holidays_package():
    # independent: the package's own list of countries and subdivisions
    supported = holidays.list_supported_countries()
    for code in ("GB", "US", "IL", "SA", "DE"):
        assert check_holiday_country(code.lower()) == code
        for subdivision in supported[code][:3]:
            check_holiday_country(code, subdivision)
    for code in ("XX", "GB-ENG", "123", "=CMD", "GB,US"):
        assert code not in supported
        with pytest.raises(InputError, match="unknown country"):
            check_holiday_country(code)
    with pytest.raises(InputError, match="ENG, NIR, SCT, WLS"):
        check_holiday_country("GB", "ZZ")


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda raw: raw["centre"].update(country="XX"), "country", "unknown country"),
        (lambda raw: raw["centre"].update(subdivision="ZZ"), "subdivision", "subdivision of GB"),
        (
            lambda raw: raw["contracts"][0].update(min_rest_hours=float("inf")),
            "contracts.0.min_rest_hours",
            "finite",
        ),
        (
            lambda raw: raw["contracts"][0].update(cost_per_paid_hour=float("nan")),
            "contracts.0.cost_per_paid_hour",
            "finite",
        ),
        (
            lambda raw: raw["scheduling"].update(under_staffing_cost_per_agent_hour=1e308),
            "scheduling.under_staffing_cost_per_agent_hour",
            "at most 1,000,000,000",
        ),
        (
            lambda raw: raw["shift_templates"][0].update(start_step_minutes=2**63 - 1),
            "shift_templates.0.start_step_minutes",
            "at most 1,000,000,000",
        ),
        (
            lambda raw: raw["contracts"][0].update(min_rest_hours=1e9),
            "contracts.0.min_rest_hours",
            "168",
        ),
    ],
)
def test_a_bad_code_or_number_names_the_file_and_key(tmp_path, change, key, problem):
    path = centre_file(tmp_path, change)
    with pytest.raises(ConfigError, match=problem) as caught:
        load_centre(path)
    assert caught.value.source == str(path)
    assert caught.value.column == key


def test_the_largest_number_allowed_is_read(tmp_path):
    path = centre_file(
        tmp_path, lambda raw: raw["scheduling"].update(time_limit_seconds=MAX_CENTRE_NUMBER)
    )
    assert load_centre(path).scheduling.time_limit_seconds == MAX_CENTRE_NUMBER


@pytest.mark.parametrize(
    "argv",
    [
        ["forecast", "{history}", "--centre", "{centre}", "--horizon-days", "2"],
        ["capacity", "--centre", "{centre}", "--months", "2"],
    ],
)
def test_the_commands_that_crashed_now_exit_2(tmp_path, capsys, argv):
    centre = centre_file(tmp_path, lambda raw: raw["centre"].update(country="XX"))
    out = tmp_path / "out"
    args = [part.format(history=SAMPLE / "history.csv", centre=centre) for part in argv] + [
        "-q",
        "-o",
        str(out / "x.csv" if argv[0] == "forecast" else out),
    ]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "key 'country'" in error and "'XX'" in error and "internal error" not in error
    assert not out.exists()


def test_country_option_names_the_option(capsys):
    history = str(SAMPLE / "history.csv")
    assert main(["forecast", history, "--country", "GB-ENG", "-o", "/tmp/never.csv"]) == 2
    error = capsys.readouterr().err
    assert "option --country" in error and "column" not in error


def test_a_site_in_another_country_has_no_inherited_subdivision(tmp_path):
    def two_countries(raw):
        agents = raw["centre"].pop("agents")
        raw["sites"] = [
            {"name": "leeds", "queues": ["sales"], "agents": agents},
            {"name": "york", "queues": ["support"], "agents": agents, "country": "US",
             "timezone": "America/New_York"},
        ]  # fmt: skip

    centre = load_centre(centre_file(tmp_path, two_countries))
    assert centre.site_centre("leeds").subdivision == "ENG"
    york = centre.site_centre("york")
    assert (york.country, york.subdivision) == ("US", None)
    # the package's US calendar: Independence Day, which England does not keep
    assert "Independence Day" in york.holiday_dates([2026]).values()
