"""Database URLs and engines.

The default store is a SQLite file, ``wfm.db`` in the platform's user data folder
(:func:`default_store_path`: ``~/.local/share/wfm/wfm.db`` on Linux, ``$XDG_DATA_HOME`` if
set; ``~/Library/Application Support/wfm`` on macOS; ``%LOCALAPPDATA%\\wfm`` on Windows), the
same for the CLI and the app: nothing to start or administer, and the same store whichever
folder a command runs in. Any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) can be given
instead, by argument (``--store`` on every command) or the ``WFM_DB_URL`` environment
variable.

For SQLite, every connection turns on write-ahead logging (readers do not block the writer)
and a busy timeout, and each transaction starts with ``BEGIN IMMEDIATE`` so that two writers
queue for the write lock instead of failing when a read transaction tries to become a write
transaction.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Folder name of wfm's data under the platform's user data folder.
APP_NAME = "wfm"
#: File name of the default store.
STORE_FILE_NAME = "wfm.db"
#: Environment variable naming the store URL.
URL_ENV = "WFM_DB_URL"
#: How long a SQLite writer waits for another writer's lock [milliseconds].
SQLITE_BUSY_TIMEOUT_MILLISECONDS = 30_000


def default_store_path() -> Path:
    """The default store: ``wfm.db`` in the platform's user data folder.

    ``platformdirs.user_data_dir("wfm")``: ``$XDG_DATA_HOME/wfm`` (default
    ``~/.local/share/wfm``) on Linux, ``~/Library/Application Support/wfm`` on macOS,
    ``%LOCALAPPDATA%\\wfm`` on Windows. Read on every call, so a changed ``XDG_DATA_HOME``
    applies.
    """
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_FILE_NAME


def default_url() -> str:
    """SQLAlchemy URL of :func:`default_store_path`."""
    return f"sqlite:///{default_store_path()}"


def resolve_url(url: str | None = None) -> str:
    """The store URL: ``url`` if given, else ``$WFM_DB_URL``, else :func:`default_url`."""
    return (url or "").strip() or os.environ.get(URL_ENV, "").strip() or default_url()


@cache
def _warn_about_old_stores(default: Path) -> None:
    """Say once where stores of earlier versions are, which the default no longer opens."""
    for old in (Path.cwd() / STORE_FILE_NAME, default.parent / "app.db"):
        if old.is_file() and old.resolve() != default.resolve():
            logger.warning(
                "%s is a store of an earlier wfm version (the default store is now %s); "
                "use it with --store sqlite:///%s or WFM_DB_URL",
                old,
                default,
                old.resolve(),
            )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MILLISECONDS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_store(url: str | Engine | None = None) -> Engine:
    """An engine for the store at ``url`` (see :func:`resolve_url`); an engine is returned as is.

    Parameters
    ----------
    url
        SQLAlchemy URL, e.g. ``sqlite:///wfm.db`` (a file, relative to the current folder) or
        ``sqlite:////abs/path/wfm.db``.

    Returns
    -------
    sqlalchemy.Engine
        With WAL, a busy timeout and immediate transactions for SQLite.
    """
    if isinstance(url, Engine):
        return url
    text = resolve_url(url)
    if text == default_url():
        default = default_store_path()
        default.parent.mkdir(parents=True, exist_ok=True)
        _warn_about_old_stores(default)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise InputError(
            "not a database URL", value=text, fix="give a SQLAlchemy URL such as sqlite:///wfm.db"
        ) from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs = (
        {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MILLISECONDS / 1000}} if is_sqlite else {}
    )
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as error:  # a missing driver, a malformed option
        raise InputError(
            f"cannot open the database ({type(error).__name__}: {error})",
            value=text,
            fix="check the URL and that its database driver is installed",
        ) from None
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    logger.debug("store opened: %s", parsed.render_as_string(hide_password=True))
    return engine


@contextmanager
def connected(store: str | Engine | None) -> Iterator[Engine]:
    """An engine for ``store`` for the length of a ``with`` block.

    An engine passed in is yielded as is and left open (its owner disposes of it); one
    created here from a URL is disposed of at the end, so no connection outlives the call.
    """
    engine = open_store(store)
    try:
        yield engine
    finally:
        if engine is not store:
            engine.dispose()


def sqlite_file_missing(store: str | Engine | None) -> bool:
    """True when ``store`` is a SQLite file URL whose file does not exist (yet)."""
    if isinstance(store, Engine):
        return False
    try:
        url = make_url(resolve_url(store))
    except ArgumentError:  # open_store reports it
        return False
    database = url.database
    if (
        url.get_backend_name() != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        return False
    return not os.path.exists(database)
