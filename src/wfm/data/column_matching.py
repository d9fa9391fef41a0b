"""The columns of a file contract found in a file: names compared as wfm compares them, an
optional column mapping (file name -> wfm name), and the messages that name a file's columns.

- :func:`match_columns` finds the columns a contract needs, case-insensitively and ignoring
  surrounding spaces (:func:`normalise_name`), applying an optional column mapping; it
  returns a :class:`MatchedColumns`.
- :func:`describe_columns` lists a file's columns for a message without quoting anything
  that does not read like a column name (the wrong file named by mistake).
- :func:`parse_name_pairs` reads ``NAME=NAME`` options (``--map calls=offered``,
  ``--state-map 'Lunch Break=lunch'``) into a column or state map.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from wfm.data.excel import other_sheets_hint
from wfm.errors import InputError

logger = logging.getLogger(__name__)


def normalise_name(name: object) -> str:
    """A column name as wfm compares it: trimmed, lower case, without a byte-order mark.

    >>> normalise_name("  Interval_Start ")
    'interval_start'
    """
    return str(name).replace("\ufeff", "").strip().lower()


# A header cell that reads like a column name; anything else (a line of some other file, such
# as "API_KEY=..." from a secrets file named by mistake) is never quoted in a message.
_COLUMN_NAME = re.compile(r"[\w .()/%#&+-]{1,40}")

#: Most column names a message lists.
MAX_COLUMNS_SHOWN = 20


def describe_columns(names: Iterable[object]) -> str:
    """The file's column names for a message, short and sanitised.

    Names that do not read like column names (too long, or with characters such as ``=``,
    ``:`` or quotes that a header line rarely has) are not quoted, only counted, so that
    naming the wrong file (a key file, a password list) never echoes its content.

    >>> describe_columns(["interval_start", "API_KEY=sk_live_123"])
    "'interval_start' and 1 more that does not look like a column name (not shown)"
    """
    names = [str(name).replace("\ufeff", "").strip() for name in names]
    shown = [name for name in names if _COLUMN_NAME.fullmatch(name)]
    hidden = len(names) - len(shown)
    text = ", ".join(repr(name) for name in shown[:MAX_COLUMNS_SHOWN])
    if len(shown) > MAX_COLUMNS_SHOWN:
        text += f" and {len(shown) - MAX_COLUMNS_SHOWN} more"
    if hidden:
        more = f"{hidden} more" if shown else f"{hidden} column{'s' if hidden > 1 else ''}"
        text += (" and " if shown else "") + (
            f"{more} that do{'es' if hidden == 1 else ''} not look like "
            f"{'a column name' if hidden == 1 else 'column names'} (not shown)"
        )
    return text or "none"


class MatchedColumns(NamedTuple):
    """Result of :func:`match_columns`."""

    #: The frame with wfm column names (a new frame; the input is not modified).
    frame: pd.DataFrame
    #: wfm column name -> the column's name as it appears in the file, for messages.
    file_names: dict[str, str]


def match_columns(
    frame: pd.DataFrame,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    source: str | None,
    column_map: Mapping[str, str] | None = None,
    keep_extra: bool = False,
    map_hint: str = "--map",
) -> MatchedColumns:
    """Find the columns of a file contract, case-insensitively, with an optional mapping.

    A file column matches a wfm column when its name, trimmed and lower-cased, equals the
    wfm name, or when ``column_map`` maps it there. A mapped column wins over a column
    that matches by name (the bank file's ``datetime`` mapped to ``interval_start``
    replaces its own clock-time ``interval_start`` column, which is then ignored).

    Parameters
    ----------
    frame
        Raw frame as read from the file.
    required
        wfm column names that must be present.
    optional
        wfm column names that are used when present.
    source
        File name for messages.
    column_map
        File column name -> wfm column name, e.g. ``{"datetime": "interval_start"}``; both
        sides match case-insensitively.
    keep_extra
        Keep columns that match nothing (under their file names); by default they are
        dropped.
    map_hint
        How the user passes a mapping, for the fix text (the CLI's ``--map``).

    Returns
    -------
    MatchedColumns
        The frame restricted to (and renamed to) the wfm columns, required first, then
        optional ones present, then any kept extras; and the file name of each.

    Raises
    ------
    InputError
        A required column is missing, two columns match the same wfm column, or the
        mapping names a column the file does not have or a wfm column that does not exist.
    """
    required, optional = tuple(required), tuple(optional)
    known = required + tuple(name for name in optional if name not in required)
    mapping = {
        normalise_name(key): normalise_name(value) for key, value in (column_map or {}).items()
    }
    found = [str(name) for name in frame.columns]
    found_text = describe_columns(found)
    for key, target in mapping.items():
        if target not in known:
            raise InputError(
                "the column mapping names a wfm column that this file type does not have",
                source=source,
                column=key,
                value=target,
                fix=f"map to one of {', '.join(known)}",
            )
        if key not in {normalise_name(name) for name in found}:
            raise InputError(
                "the column mapping names a column that is not in the file",
                source=source,
                column=key,
                fix=f"the file's columns are {found_text}",
            )

    mapped: dict[str, list[object]] = {}
    by_name: dict[str, list[object]] = {}
    extras: list[object] = []
    for column in frame.columns:
        key = normalise_name(column)
        if key in mapping:
            mapped.setdefault(mapping[key], []).append(column)
        elif key in known:
            by_name.setdefault(key, []).append(column)
        else:
            extras.append(column)

    chosen: dict[str, object] = {}
    for target in known:
        if len(mapped.get(target, ())) > 1:
            names = " and ".join(repr(str(name)) for name in mapped[target])
            raise InputError(
                f"columns {names} are both mapped to '{target}'",
                source=source,
                column=target,
                fix="map only one file column to each wfm column",
            )
        if len(by_name.get(target, ())) > 1 and target not in mapped:
            names = " and ".join(repr(str(name)) for name in by_name[target])
            raise InputError(
                f"columns {names} both match '{target}' (names match ignoring case and spaces)",
                source=source,
                column=target,
                fix="remove or rename one of them",
            )
        if target in mapped:
            chosen[target] = mapped[target][0]
            for ignored in by_name.get(target, ()):
                logger.info(
                    "%s: ignoring column '%s': column '%s' is mapped to '%s'",
                    source,
                    ignored,
                    chosen[target],
                    target,
                )
        elif target in by_name:
            chosen[target] = by_name[target][0]

    missing = [name for name in required if name not in chosen]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problem = (
            f"required column{plural} {', '.join(repr(name) for name in missing)} not found; "
            f"the file's columns: {found_text}"
        )
        fix = (
            f"rename the column{plural} in the file, or map file columns to wfm names "
            f"(e.g. {map_hint} 'Start Time={missing[0]}', column_map={{'Start Time': '{missing[0]}'}}); "
            "names match ignoring case and surrounding spaces"
        )
        sheets = other_sheets_hint(frame)
        if sheets is not None:  # an .xlsx whose data is on another sheet
            problem, fix = f"{problem} ({sheets[0]})", f"{sheets[1]}; or {fix}"
        raise InputError(problem, source=source, column=missing[0], fix=fix)

    order = [name for name in known if name in chosen]
    # No copy: the columns are only read from here on (a history can have millions of rows).
    result = pd.DataFrame(
        {name: frame[chosen[name]] for name in order}, index=frame.index, copy=False
    )
    result.attrs.update(frame.attrs)  # e.g. the workbook sheet it came from
    file_names = {name: str(chosen[name]).strip() for name in order}
    if keep_extra:
        for column in extras:
            if str(column) not in result.columns:
                result[str(column)] = frame[column]
                file_names[str(column)] = str(column)
    return MatchedColumns(result, file_names)


def parse_name_pairs(
    pairs: Sequence[str] | None, *, option: str, form: str, example: str, lower: bool = False
) -> dict[str, str] | None:
    """Name pairs given as ``OLD=NEW`` options, as a mapping; ``None`` if there are none.

    Parameters
    ----------
    pairs
        The option values, e.g. ``["calls=offered"]``.
    option, form, example
        The option's name, the form it takes and an example, for the error message.
    lower
        Lower-case both names (for case-insensitive lookups).

    Examples
    --------
    >>> parse_name_pairs(["calls = offered"], option="--map", form="A=B", example="calls=offered")
    {'calls': 'offered'}
    """
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(
                f"a {option} option must be {form}", value=pair, fix=f"e.g. {option} {example}"
            )
        name, target = (part.strip() for part in pair.split("=", 1))
        mapping[name.lower() if lower else name] = target.lower() if lower else target
    return mapping


__all__ = [
    "MAX_COLUMNS_SHOWN",
    "MatchedColumns",
    "describe_columns",
    "match_columns",
    "normalise_name",
    "parse_name_pairs",
]
