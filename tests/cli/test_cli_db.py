"""`wfm db` and `wfm privacy` through ``main([...])``."""

from pathlib import Path

import pandas as pd
import pytest

import wfm.store.repository as repository
from wfm.cli import main
from wfm.data.output_files import read_rota
from wfm.store import SCHEMA_VERSION, audit_log, default_store_path, resolve_url, status
from wfm.store.privacy import pseudonym, store_salt

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_db_init_status_upgrade(empty_store_url, capsys):
    url = empty_store_url
    assert main(["db", "status", "--url", url]) == 0
    out = capsys.readouterr().out
    assert (
        f"version 0 of {SCHEMA_VERSION} (upgrade needed)" in out and "pending migration 1:" in out
    )

    assert main(["db", "init", "--url", url]) == 0
    assert f"version {SCHEMA_VERSION} of {SCHEMA_VERSION}\n" in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", url]) == 0
    assert main(["db", "status", "--url", url]) == 0
    assert "pending" not in capsys.readouterr().out
    assert status(url).up_to_date


def test_db_default_store_is_in_the_user_data_folder_whatever_the_current_folder(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("WFM_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))  # platformdirs on Linux
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["db", "init"]) == 0
    store = tmp_path / "data-home" / "wfm" / "wfm.db"
    assert store.is_file()
    assert not (work / "wfm.db").exists()
    assert default_store_path() == store


def test_store_option_is_the_same_on_db_privacy_and_plan(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("WFM_DB_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'given.db'}"
    assert main(["db", "init", "--store", url]) == 0
    assert (tmp_path / "given.db").is_file()
    assert main(["privacy", "purge", "--older-than", "90", "--store", url]) == 0
    assert "0 of 0" in capsys.readouterr().out
    assert main(["db", "status", "--url", url]) == 0  # the older spelling still works


def test_the_app_and_the_cli_share_the_default_store(tmp_path, monkeypatch):
    monkeypatch.delenv("WFM_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url() == f"sqlite:///{tmp_path / 'wfm' / 'wfm.db'}"
    monkeypatch.setenv("WFM_DB_URL", "sqlite:///elsewhere.db")
    assert resolve_url() == "sqlite:///elsewhere.db"
    assert resolve_url("sqlite:///given.db") == "sqlite:///given.db"


def test_db_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WFM_DB_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["db", "init"]) == 0
    assert (tmp_path / "env.db").is_file() and not (tmp_path / "wfm.db").exists()


def test_db_audit_on_an_uninitialised_store_is_a_user_error(tmp_path, capsys):
    assert main(["db", "audit", "--url", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    assert "wfm db init" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_bad_url_is_a_user_error(capsys):
    assert main(["db", "status", "--url", "not a url"]) == 2
    assert "not a database URL" in capsys.readouterr().err


def test_audit_export_and_privacy_commands(tmp_path, empty_store_url, capsys):
    url = empty_store_url
    assert main(["db", "init", "--url", url]) == 0
    rota = read_rota(SAMPLE / "published_rota.csv", "Europe/London")
    version_id = repository.save_rota(url, rota, rota[["agent_id"]], actor="ana")

    out = tmp_path / "rota_pseudo.csv"
    assert (
        main(
            [
                "privacy",
                "export-rota",
                "--url",
                url,
                "--rota-version",
                str(version_id),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    exported = pd.read_csv(out, dtype={"agent_id": str})
    salt = store_salt(url)
    assert exported["agent_id"].tolist() == [pseudonym(a, salt) for a in rota["agent_id"]]
    assert exported["start"].iloc[0] == "2026-10-19T09:30:00+01:00"

    adherence = tmp_path / "adherence.csv"
    pd.DataFrame({"agent_id": ["007", "A001"], "adherence_fraction": [0.9, 0.8]}).to_csv(
        adherence, index=False
    )
    pseudo = tmp_path / "adherence_pseudo.csv"
    assert main(["privacy", "pseudonymise", str(adherence), "--url", url, "-o", str(pseudo)]) == 0
    assert pd.read_csv(pseudo, dtype=str)["agent_id"].tolist() == [
        pseudonym("007", salt),
        pseudonym("A001", salt),
    ]

    assert main(["privacy", "purge", "--url", url, "--older-than", "30", "--dry-run"]) == 0
    assert "would delete 0 of 0" in capsys.readouterr().out
    assert main(["privacy", "purge", "--url", url, "--older-than", "30", "--actor", "dpo"]) == 0

    csv = tmp_path / "audit.csv"
    assert main(["db", "audit", "--url", url, "-o", str(csv)]) == 0
    exported_log = pd.read_csv(csv)
    assert exported_log["action"].tolist() == ["rota_generated", "purge"]
    assert exported_log["actor"].tolist() == ["ana", "dpo"]
    assert len(audit_log(url)) == 2
    capsys.readouterr()
    assert main(["db", "audit", "--url", url]) == 0
    assert "2 audit entries" in capsys.readouterr().out


def test_plan_into_a_store_not_initialised_fails_before_the_run(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    out = tmp_path / "plan"
    code = main(["plan", "--centre", str(SAMPLE / "centre.toml"), "-o", str(out), "--store", url])
    assert code == 2
    assert "wfm db init" in capsys.readouterr().err and not out.exists()


@pytest.mark.slow
def test_plan_saves_forecast_requirements_and_draft_rota_in_the_store(sample_cli_plan):
    """``wfm plan --store URL`` (run once for the session, see tests/conftest.py)."""
    url = sample_cli_plan.store_url
    assert sample_cli_plan.exit_code == 0
    assert "rota version 1 (draft)" in sample_cli_plan.stdout
    version = repository.load_rota(url, 1)
    assert version.status == "draft"
    pd.testing.assert_frame_equal(
        version.rota,
        read_rota(sample_cli_plan.out / "rota.csv", "Europe/London"),
        check_dtype=False,
    )
    assert set(repository.list_datasets(url)["kind"]) == {"forecast", "requirements"}
    assert audit_log(url)["action"].tolist() == [
        "forecast_run",
        "requirements_saved",
        "rota_generated",
    ]


def test_status_of_a_missing_sqlite_file_does_not_create_it(tmp_path, capsys):
    path = tmp_path / "absent.db"
    assert main(["db", "status", "--url", f"sqlite:///{path}"]) == 0
    assert "version 0 of" in capsys.readouterr().out
    assert not path.exists()
