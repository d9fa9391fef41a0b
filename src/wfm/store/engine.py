"""Database URLs and engines.

The default store is a SQLite file, ``wfm.db`` in the current folder: nothing to start or
administer. Any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) can be given instead, by
argument or the ``WFM_DB_URL`` environment variable.

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

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: The store used when no URL is given and ``WFM_DB_URL`` is not set.
DEFAULT_URL = "sqlite:///wfm.db"
#: Environment variable naming the store URL.
URL_ENV = "WFM_DB_URL"
#: How long a SQLite writer waits for another writer's lock [milliseconds].
SQLITE_BUSY_TIMEOUT_MILLISECONDS = 30_000


def resolve_url(url: str | None = None) -> str:
    """The store URL: ``url`` if given, else ``$WFM_DB_URL``, else :data:`DEFAULT_URL`."""
    return url or os.environ.get(URL_ENV) or DEFAULT_URL


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
