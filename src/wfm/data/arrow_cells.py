"""Text cells of an Arrow-backed chunk parsed fast, whole columns at a time.

The per-contact reader (:mod:`wfm.data.contacts`) and the vendor layouts read tens of
millions of text cells; these parsers work on the Arrow arrays behind them and report the
bad cells as a mask instead of raising, so that bad rows can be excluded and counted:

- :func:`encode_text`: trimmed text as codes into its distinct values;
- :func:`parse_instants_ms`: ISO 8601 [#iso]_ timestamps as instants [ms since 1970 UTC];
- :func:`parse_seconds`: durations as seconds, from numbers (in any unit) or ``h:mm:ss``.

.. [#iso] ISO 8601-1:2019, Date and time -- Representations for information interchange.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wfm.data.chunked_csv import line_at
from wfm.errors import InputError


def arrow_array(values: pd.Series) -> pa.ChunkedArray | pa.Array:
    """The arrow array behind a text column (no copy when it is arrow-backed)."""
    if isinstance(values.dtype, pd.ArrowDtype):
        return pa.array(values)
    return pa.array(values.astype(object), type=pa.string(), from_pandas=True)


def encode_text(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Trimmed text as codes into its distinct values (pyarrow dictionary encoding).

    Returns
    -------
    (numpy.ndarray, list of str)
        Codes (int32, -1 where the cell is missing or blank) and the distinct values.
    """
    array = pc.utf8_trim_whitespace(arrow_array(values))
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    labels = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(np.isnan(codes.astype(np.float64)), -1, codes).astype(np.int32)
    blank = [i for i, label in enumerate(labels) if label == ""]
    if blank:
        codes[np.isin(codes, blank)] = -1
    return codes, labels


def parse_instants_ms(
    values: pd.Series,
    *,
    timezone: str | None,
    source: str,
    column: str,
    first_line: int | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 text -> instants [ms since epoch UTC], NaN where missing or unreadable.

    Timestamps with a UTC offset (``Z``, ``+02:00``) are exact; naive ones are local times
    in ``timezone`` (an :class:`InputError` if there is none). In the hour the clocks go back,
    a repeated local time is taken as summer time. Tries pyarrow's ISO 8601 parser on the
    whole column first (fast) and falls back to pandas cell by cell to find the bad cells.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Instants [ms] as float64 (NaN where missing or unreadable), and a mask of the cells
        that are filled but are not timestamps.
    """
    array = arrow_array(values)
    missing = np.asarray(values.isna().to_numpy(), dtype=bool)
    result = np.full(len(values), np.nan)
    try:
        parsed = pc.cast(array, pa.timestamp("ms", tz="UTC"))
        numbers = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False)
        result[~missing] = np.asarray(numbers, dtype=np.float64)[~missing]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # cells as written, but without surrounding spaces: " 2026-11-09T10:00+00:00 " has
        # an offset too (pandas ignores the spaces; a test for the offset at the end must)
        text = pd.Series(values.astype("str"), index=values.index).str.strip()
        has_offset = np.array(
            text.str.contains(r"(?:[Zz]|[+-]\d{2}:?\d{2})$", regex=True), dtype=bool
        )
        has_offset &= ~missing
        if has_offset.any():
            exact = pd.to_datetime(
                text.where(has_offset), utc=True, format="ISO8601", errors="coerce"
            )
            good = exact.notna().to_numpy()
            result[good] = pd.DatetimeIndex(exact[good]).as_unit("ms").asi8
        naive = ~has_offset & ~missing
        local = pd.to_datetime(text.where(naive), format="ISO8601", errors="coerce")
        if getattr(local.dt, "tz", None) is not None:  # an offset the test above missed
            good = local.notna().to_numpy()
            result[good] = pd.DatetimeIndex(local[good]).tz_convert("UTC").as_unit("ms").asi8
            naive &= False
        naive &= local.notna().to_numpy()
        if naive.any():
            if timezone is None:
                position = int(np.argmax(naive))
                raise InputError(
                    "timestamps have no UTC offset, so the time zone they are in is needed",
                    source=source,
                    row=line_at(first_line, position),
                    column=column,
                    value=values.iloc[position],
                    fix="pass the site's time zone, e.g. --timezone Europe/London",
                ) from None
            localised = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
            # repeated hour when clocks go back: take the first as summer time
            retry = localised.isna().to_numpy() & local.notna().to_numpy()
            if retry.any():
                localised = local.dt.tz_localize(
                    timezone, ambiguous=np.ones(len(local), dtype=bool), nonexistent="NaT"
                )
            good = localised.notna().to_numpy()
            result[good] = pd.DatetimeIndex(localised[good]).as_unit("ms").asi8
    return result, np.isnan(result) & ~missing


def parse_seconds(values: pd.Series, *, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Numbers (or ``h:mm:ss`` text) -> seconds, NaN where empty.

    ``scale`` converts the file's unit to seconds (0.001 for milliseconds; ``h:mm:ss`` is
    always read as clock time). Returns the seconds and a mask of filled cells that are
    neither.
    """
    array = arrow_array(values)
    try:
        numbers = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(numbers, dtype=np.float64) * scale, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pd.Series(values.astype("str"), index=values.index).str.strip()
    missing = values.isna().to_numpy()
    numbers = (
        pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64) * scale
    )
    clock = np.isnan(numbers) & ~missing
    if clock.any():
        parts = text[clock].str.extract(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
        seconds = (
            parts[0].astype("float64") * 3600
            + parts[1].astype("float64") * 60
            + parts[2].astype("float64")
        )
        numbers[clock] = seconds.to_numpy(dtype=np.float64)
    return numbers, np.isnan(numbers) & ~missing


__all__ = ["arrow_array", "encode_text", "parse_instants_ms", "parse_seconds"]
