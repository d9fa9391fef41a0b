"""Reading TOML input: the centre file, the capacity file, or a copy of either uploaded to
the app. One place where text that is not UTF-8, not TOML, or nested beyond any real file
becomes a :class:`~wfm.errors.ConfigError` naming the file (and the line where known)
instead of a ``UnicodeDecodeError``, ``TOMLDecodeError`` or ``RecursionError`` (``tomllib``
recurses once per level of ``[[[...]]]``: a few thousand levels exhaust the stack).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from wfm.errors import ConfigError

BYTE_ORDER_MARK = "\ufeff"


def parse_toml(data: str | bytes, source: str) -> dict:
    """The TOML document ``data`` (bytes are decoded as UTF-8; a byte-order mark is
    ignored, as in wfm's CSV readers) as a dict.

    >>> parse_toml(b"[centre]\\nname = 'x'\\n", "centre.toml")
    {'centre': {'name': 'x'}}
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ConfigError(
                f"the file is not UTF-8 text (line {line})",
                source=source,
                fix="save it as UTF-8 (TOML files must be UTF-8); it may be UTF-16, Latin-1 or "
                "Windows-1252",
            ) from None
    try:
        return tomllib.loads(data.removeprefix(BYTE_ORDER_MARK))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"not valid TOML: {error}", source=source, fix="check quotes, brackets and '=' signs"
        ) from None
    except RecursionError:
        raise ConfigError(
            "arrays or tables are nested too deeply to read",
            source=source,
            fix="wfm's files nest a few levels at most: check the brackets, or start from "
            "`wfm sample -o DIR`",
        ) from None


def read_toml_file(path: Path, *, what: str, missing_fix: str) -> dict:
    """The TOML file ``path`` as a dict; ``what`` names it in messages ("centre file"),
    ``missing_fix`` is the fix for a file that does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what} not found", source=str(path), fix=missing_fix) from None
    except IsADirectoryError:
        raise ConfigError(
            f"is a folder, not a {what}",
            source=str(path),
            fix=f"give the TOML file itself, e.g. {path / 'centre.toml'}",
        ) from None
    except PermissionError:
        raise ConfigError(
            f"cannot read the {what} (permission denied)",
            source=str(path),
            fix="check the file's permissions",
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read the {what} ({error.strerror or type(error).__name__})",
            source=str(path),
            fix="check the path",
        ) from None
    return parse_toml(data, str(path))
