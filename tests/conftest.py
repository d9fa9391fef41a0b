"""Shared fixtures: paths of the repository, the sample centre and the shared real data."""

import contextlib
import fcntl
import io
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests on a busy machine: no per-example time limit (hypothesis's default 200 ms
# deadline and its "too slow" health check fail a correct test when other jobs hold the
# cores) and the same examples on every run (derandomized), so that a run's result does not
# depend on the machine's load or on the clock. Tests that set their own ``@settings`` keep
# these for what they leave unset.
settings.register_profile(
    "wfm", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("wfm")

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CENTRE = REPO / "data" / "sample" / "centre.toml"
BANK_CALLS = REPO.parent / "shared" / "data" / "us_bank_calls_5min_2003.csv"

# Keep compiled bytecode between runs even where the environment sets
# PYTHONDONTWRITEBYTECODE=1 (as some CI images do): without the cache every test worker and
# every `wfm` subprocess the tests start compiles the package again, about 7 s of CPU a
# worker. The cache lives in __pycache__ folders, which git ignores.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


#: The longest test files (minutes each on 2 cores), in the order they start. pytest runs them,
#: then every other file holding a ``slow`` test, before the rest, so that under pytest-xdist
#: (``-n auto --dist loadfile``, see pyproject.toml) no worker is left with a long file at the
#: end while the other idles: longest first is what keeps two workers evenly busy.
LONGEST_FILES = (
    "tests/test_readme_commands.py",
    "tests/browser/test_browser_workflow.py",
    "tests/browser/test_browser_new_user_path.py",
    "tests/test_notebook.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files longest first (:data:`LONGEST_FILES`, then files with a slow test);
    each file's tests stay together and in their order, so module fixtures run once."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def rank(name: str) -> tuple[int, int]:
        if name in LONGEST_FILES:
            return (0, LONGEST_FILES.index(name))
        return (1 if any(item.get_closest_marker("slow") for item in files[name]) else 2, 0)

    items[:] = [item for name in sorted(files, key=rank) for item in files[name]]


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_CENTRE.parent


#: A PostgreSQL URL to run the store tests against as well (a database the tests may create
#: databases beside), e.g. postgresql+psycopg://wfm@127.0.0.1:5432/wfm; see .ci/postgres.
POSTGRES_URL_ENV = "WFM_TEST_POSTGRES_URL"
#: Set to 1 (as CI does) to fail, not run SQLite only, when no PostgreSQL URL is given.
REQUIRE_POSTGRES_ENV = "WFM_REQUIRE_POSTGRES"


def _store_backends() -> list[str]:
    if os.environ.get(POSTGRES_URL_ENV):
        return ["sqlite", "postgresql"]
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        raise pytest.UsageError(
            f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set: start a server "
            "(.ci/postgres start DIR) and export its URL"
        )
    return ["sqlite"]


@pytest.fixture(params=_store_backends())
def empty_store_url(request, tmp_path) -> Iterator[str]:
    """The URL of a new, empty store: a SQLite file, or a new PostgreSQL database.

    The PostgreSQL database is created beside the one :data:`POSTGRES_URL_ENV` names and
    dropped after the test, so every test starts from nothing on either backend.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wfm.db'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(os.environ[POSTGRES_URL_ENV])
    name = f"wfm_test_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def store_url(empty_store_url) -> str:
    """A new store at the current schema version (SQLite, and PostgreSQL when configured)."""
    from wfm.store import init

    init(empty_store_url)
    return empty_store_url


@pytest.fixture(scope="session")
def sample_centre_path() -> Path:
    return SAMPLE_CENTRE


@pytest.fixture(scope="session")
def bank_calls_path() -> Path:
    if not BANK_CALLS.exists():
        pytest.skip("../shared/data/us_bank_calls_5min_2003.csv is not beside the repository")
    return BANK_CALLS


@pytest.fixture(autouse=True)
def _private_user_data_folder(tmp_path_factory, monkeypatch):
    """Keep tests out of the user's own store: the default store (``wfm.db`` in the user data
    folder, see :func:`wfm.store.default_store_path`) lives in a temporary folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder ``name``, filled by ``build(folder)`` once per test run.

    Under pytest-xdist the workers share it: the first to take the lock builds it in the
    run's common temporary folder (into a draft folder renamed when complete), the others wait
    for it and use the same folder. Without xdist it is built in this run's temporary folder.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    folder = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.exists():
            draft = shared / f"{name}-{os.environ['PYTEST_XDIST_WORKER']}"
            draft.mkdir()
            build(draft)
            os.replace(draft, folder)
    return folder


@dataclass(frozen=True)
class CliPlan:
    """One ``wfm plan --centre data/sample/centre.toml -o OUT --store URL -q`` run."""

    #: The plan's output folder (read it; never write into it: other tests share it).
    out: Path
    #: The store the plan saved its forecast, requirements and rota draft in.
    store_url: str
    #: What the command printed on standard output.
    stdout: str
    #: Its exit code.
    exit_code: int


@pytest.fixture(scope="session")
def sample_cli_plan(tmp_path_factory) -> CliPlan:
    """The sample centre planned once through the CLI, for every test that reads its files or
    its store (a solve of tens of seconds: shared, not repeated per test file)."""
    from wfm.cli import main

    def build(folder: Path) -> None:
        url = f"sqlite:///{folder / 'store.db'}"
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["db", "init", "--url", url]) == 0
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["plan", "--centre", str(SAMPLE_CENTRE), "-o", str(folder / "plan"),
                         "--store", url, "-q"])  # fmt: skip
        (folder / "stdout.txt").write_text(printed.getvalue())
        (folder / "exit_code.txt").write_text(str(code))

    folder = built_once(tmp_path_factory, "sample-cli-plan", build)
    return CliPlan(
        out=folder / "plan",
        store_url=f"sqlite:///{folder / 'store.db'}",
        stdout=(folder / "stdout.txt").read_text(),
        exit_code=int((folder / "exit_code.txt").read_text()),
    )
