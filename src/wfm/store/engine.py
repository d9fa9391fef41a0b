"""Database URLs and engines.

The default store is a SQLite file, ``wfm.db`` in the platform's user data folder
(:func:`default_store_path`: ``~/.local/share/wfm/wfm.db`` on Linux, ``$XDG_DATA_HOME`` if
set; ``~/Library/Application Support/wfm`` on macOS; ``%LOCALAPPDATA%\\wfm`` on Windows), the
same for the CLI and the app: nothing to start or administer, and the same store whichever
folder a command runs in. Any SQLAlchemy URL can be given
instead, by argument (``--store`` on every command) or the ``WFM_DB_URL`` environment
variable; PostgreSQL is tested (``pip install "wfm[postgres]"`` for the psycopg driver, then
``postgresql://USER:PASSWORD@HOST:5432/DATABASE``; see the README).

For SQLite, every connection turns on write-ahead logging (readers do not block the writer)
and a busy timeout, and each transaction starts with ``BEGIN IMMEDIATE`` so that two writers
queue for the write lock instead of failing when a read transaction tries to become a write
transaction. A store whose file or folder is read-only is opened for reading only (and
without locks when its folder is read-only), so it can still be read; database errors (a
damaged file, a read-only store, a lock) become :class:`~wfm.errors.InputError` with the
fix (:func:`store_error`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

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
    try:  # switching to WAL writes to the file: a read-only store is read as it is
        cursor.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as error:
        logger.debug("journal_mode = WAL not set (%s); reading the store as it is", error)
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin_read_only(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def sqlite_path(url) -> Path | None:
    """The file of a SQLite file URL (``None`` for other databases and in-memory ones)."""
    database = url.database
    if (
        url.get_backend_name() != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        return None
    return Path(database).expanduser()


def _read_only_reason(path: Path) -> str | None:
    """Why a SQLite store at ``path`` can only be read, or ``None`` if it can be written."""
    if not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return "the store file is read-only"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "the store's folder is read-only"
    return None


def _sqlite_file_checks(path: Path, text: str) -> None:
    if path.is_dir():
        raise InputError(
            "the store URL names a folder, not a database file",
            value=text,
            fix=f"name a file in it, e.g. sqlite:///{path / 'wfm.db'}",
        )
    if path.exists() and not path.is_file():  # SQLite would put its journal beside it
        raise InputError(
            "the store URL names a device, pipe or socket, not a database file",
            value=text,
            fix="name a database file, e.g. sqlite:///wfm.db",
        )
    if not path.parent.is_dir():
        problem = (
            "the store's folder is a file"
            if path.parent.exists()
            else "the store's folder does not exist"
        )
        raise InputError(
            problem, value=text, fix=f"create the folder {path.parent} first, or give another path"
        )


def store_error(error: Exception, text: str) -> InputError:
    """An :class:`InputError` with the fix for a database error on the store ``text``."""
    message = str(getattr(error, "orig", error)).lower()
    if "file is not a database" in message or "malformed" in message or "corrupt" in message:
        return InputError(
            "the store file is damaged or is not a wfm store",
            value=text,
            fix="restore it from a backup, or point --url / WFM_DB_URL at another file and run "
            "`wfm db init` to create a new store",
        )
    if "readonly" in message or "read-only" in message:
        return InputError(
            "the store is read-only: it can be read but not changed",
            value=text,
            fix="give write access to the store file and its folder (SQLite writes a journal "
            "next to the file), or copy the store somewhere writable",
        )
    if "unable to open" in message:
        return InputError(
            "cannot open the store file",
            value=text,
            fix="check that the URL names a file in an existing folder you can read",
        )
    if "locked" in message or "busy" in message:
        return InputError(
            "the store is locked by another writer",
            value=text,
            fix="try again when the other wfm command or app has finished",
        )
    return InputError(
        f"the store cannot be used ({type(getattr(error, 'orig', error)).__name__}: "
        f"{str(getattr(error, 'orig', error))[:120]})",
        value=text,
        fix="check the URL, that the database is running and that you may use it",
    )


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
        try:
            default.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"cannot create the folder of the default store ({error.strerror})",
                value=str(default.parent),
                fix="give a store you can write with --store or $WFM_DB_URL",
            ) from None
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
    path = sqlite_path(parsed) if is_sqlite else None
    read_only = None
    if path is not None:
        _sqlite_file_checks(path, text)
        read_only = _read_only_reason(path)
        if read_only:  # open read-only; without a writable folder, without locks (immutable)
            flags = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
            uri = f"{path.resolve().as_uri()}?{flags}"
            kwargs["connect_args"] |= {"uri": True}
            kwargs["creator"] = lambda: sqlite3.connect(
                uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MILLISECONDS / 1000
            )
            logger.info("%s: %s; opened for reading only", text, read_only)
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as error:  # a missing driver, a malformed option
        postgres = parsed.get_backend_name() == "postgresql"
        raise InputError(
            f"cannot open the database ({type(error).__name__}: {error})",
            value=parsed.render_as_string(hide_password=True),
            fix='install the PostgreSQL driver: pip install "wfm[postgres]"'
            if postgres and isinstance(error, ImportError)
            else "check the URL and that its database driver is installed",
        ) from None
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_read_only if read_only else _sqlite_begin)
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
        if engine is not store and engine.url.get_backend_name() != "sqlite":
            _check_reachable(engine)  # a server: reachable? (SQLite files: store_error says)
        yield engine
    except DBAPIError as error:  # a damaged file, a read-only store, a lock: say what to do
        raise store_error(error, str(engine.url.render_as_string(hide_password=True))) from None
    finally:
        if engine is not store:
            engine.dispose()


def _check_reachable(engine: Engine) -> None:
    """Connect once, so that a server that is down or a wrong name is a user error, not a bug."""
    try:
        with engine.connect():
            pass
    except (OperationalError, InterfaceError) as error:
        engine.dispose()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise InputError(
            f"cannot connect to the database ({reason})",
            value=engine.url.render_as_string(hide_password=True),
            fix="check that the server is running and the host, port, database name, user "
            "and password in the URL",
        ) from None


def sqlite_file_missing(store: str | Engine | None) -> bool:
    """True when ``store`` is a SQLite file URL whose file does not exist (yet)."""
    if isinstance(store, Engine):
        return False
    try:
        url = make_url(resolve_url(store))
    except ArgumentError:  # open_store reports it
        return False
    return sqlite_path(url) is not None and not os.path.exists(url.database)
