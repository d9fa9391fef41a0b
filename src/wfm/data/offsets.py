"""A time zone from the UTC offsets a file carries, when no zone is given.

A file whose every timestamp carries one and the same UTC offset (``+02:00`` throughout) says
which fixed offset its site keeps, at least over the file's span. With no ``--timezone``
and no centre file, wfm uses that fixed offset (the IANA ``Etc/GMT-2`` for +02:00; ``UTC``
for +00:00) and says so, instead of planning UTC days or refusing. A fixed offset knows no
daylight saving: give the site's zone (``Europe/Berlin``) when the plan crosses a change.
Offsets that are not whole hours have no IANA fixed-offset name; such files still need a
zone.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from wfm.errors import InputError

logger = logging.getLogger(__name__)


def single_offset_zone(text: pd.Series, *, source: str | None = None) -> str | None:
    """The fixed-offset zone when every timestamp carries one and the same whole-hour offset
    (:func:`wfm.data.parsing.timezone_of_offsets`); ``None`` otherwise. Logs a warning that
    says which zone is used."""
    from wfm.data.parsing import timezone_of_offsets

    values = text.dropna()
    zone = timezone_of_offsets(values) if len(values) else None
    if zone is not None:
        sample = str(values.iloc[0]).strip()
        offset = "+00:00" if zone == "UTC" else sample[-6:]
        logger.warning(
            "%s: every timestamp carries UTC%s and no time zone was given: using that fixed "
            "offset (%s). Give the site's time zone (--timezone) if the plan crosses a "
            "daylight-saving change.",
            source or "file",
            offset if offset.startswith(("+", "-")) else "+00:00",
            zone,
        )
    return zone


def zone_from_file(path: str | Path, column: str, *, option: str = "--timezone") -> str:
    """The fixed-offset zone of a file's timestamp column, or an :class:`InputError` asking
    for the zone (see :func:`single_offset_zone`)."""
    from wfm.data.io import read_raw_csv
    from wfm.data.parsing import normalise_name

    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=(column,))
    names = [c for c in raw.columns if normalise_name(c) == column]
    zone = single_offset_zone(raw[names[0]], source=source) if names else None
    if zone is None:
        raise InputError(
            "the time zone is unknown: the timestamps do not all carry one whole-hour UTC offset",
            source=source,
            column=column,
            fix=f"give {option} Europe/London (the site's IANA zone) or --centre centre.toml",
        )
    return zone


__all__ = ["single_offset_zone", "zone_from_file"]
