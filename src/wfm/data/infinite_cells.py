"""Output cells for numbers that are not finite: the one place wfm decides how they look.

A spreadsheet reads a cell ``inf`` or ``nan`` as text, not as a number, so a column holding
one sorts, sums and charts wrongly. wfm's writers (CSV: :func:`wfm.data.io.frame_to_csv_text`,
which :func:`~wfm.data.io.write_files_atomic` and every download button use; Excel: the rota
and capacity workbooks) pass each table through :func:`spreadsheet_values` first:

- a missing value (NaN, ``None``, NaT) is an **empty cell**: "nothing to show", e.g. the
  service level of an interval without contacts;
- an infinite value (``inf``, ``-inf``) is an **empty cell too, explained by a boolean column**
  placed right after it: ``True`` where the value was infinite, ``False`` elsewhere. The
  column's name says what infinity means there (:data:`INFINITE_MEANINGS`): an infinite
  ``asa_seconds`` is an Erlang C queue with no more productive agents than Erlangs of
  traffic, whose wait grows without bound, so its flag is ``queue_unstable``. A column
  without a listed meaning gets ``<column>_infinite``.

A table that already carries the flag column (e.g. the projection of
:func:`wfm.review.projection.project_service`, which always has ``queue_unstable`` so that
``coverage.csv`` has the same columns whether or not a queue was overloaded) keeps it; the
writer only sets it where it finds an infinite value. :func:`restore_infinite` undoes the
blanking on reading a wfm file back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Column -> name of the boolean column that explains an empty cell where the value was
#: infinite (see the module docstring).
INFINITE_MEANINGS = {"asa_seconds": "queue_unstable"}

#: Suffix of the flag column of a column not in :data:`INFINITE_MEANINGS`.
INFINITE_SUFFIX = "_infinite"


def infinite_flag_name(column: object) -> str:
    """The name of the boolean column that says where ``column`` was infinite.

    >>> infinite_flag_name("asa_seconds"), infinite_flag_name("wape")
    ('queue_unstable', 'wape_infinite')
    """
    return INFINITE_MEANINGS.get(str(column), f"{column}{INFINITE_SUFFIX}")


def _infinite_mask(values: pd.Series) -> np.ndarray | None:
    """Where a float column is ±inf; ``None`` for a column that is not float or has none."""
    if not pd.api.types.is_float_dtype(values.dtype):
        return None
    mask = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    return mask if mask.any() else None


def spreadsheet_values(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as wfm writes it to a spreadsheet: infinite numbers blanked and flagged.

    Every ±inf of a float column becomes NaN (an empty cell when written) and a boolean
    column named by :func:`infinite_flag_name` is set ``True`` there; it is added right
    after the column when the frame lacks it. NaN stays NaN. The input is not modified;
    a frame without infinite values is returned as it is (no copy).

    >>> table = pd.DataFrame({"queue": ["a", "b"], "asa_seconds": [12.5, np.inf]})
    >>> spreadsheet_values(table).to_dict("list")
    {'queue': ['a', 'b'], 'asa_seconds': [12.5, nan], 'queue_unstable': [False, True]}
    """
    masks = {}
    for position in range(frame.shape[1]):
        mask = _infinite_mask(frame.iloc[:, position])
        if mask is not None:
            masks[position] = mask
    if not masks:
        return frame
    flags: dict[str, np.ndarray] = {}
    for position, mask in masks.items():
        flag = infinite_flag_name(frame.columns[position])
        flags[flag] = flags.get(flag, np.zeros(len(frame), dtype=bool)) | mask
    names: list[object] = []
    columns: list[pd.Series] = []
    for position, name in enumerate(frame.columns):
        values = frame.iloc[:, position]
        if position in masks:
            values = values.where(~masks[position])
        elif str(name) in flags:  # the frame's own flag column: set where infinite
            given = values.to_numpy(dtype=object)
            given = np.array([v is True or str(v).strip().lower() == "true" for v in given])
            values = pd.Series(given | flags[str(name)], index=frame.index, name=name)
        names.append(name)
        columns.append(values)
        flag = infinite_flag_name(name) if position in masks else None
        if flag is not None and flag not in frame.columns and flag not in names:
            names.append(flag)
            columns.append(pd.Series(flags[flag], index=frame.index, name=flag))
    result = pd.concat(columns, axis=1, ignore_index=True)
    result.columns = names
    return result


def restore_infinite(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Undo :func:`spreadsheet_values` for ``column`` of a frame read back from a wfm file:
    an empty cell whose flag column is true is infinite again. Other frames are returned as
    they are.

    >>> read = pd.DataFrame({"asa_seconds": [3.0, np.nan], "queue_unstable": ["False", "True"]})
    >>> restore_infinite(read, "asa_seconds")["asa_seconds"].tolist()
    [3.0, inf]
    """
    flag = infinite_flag_name(column)
    if column not in frame or flag not in frame:
        return frame
    text = frame[flag].astype("str").str.strip().str.lower()
    unbounded = (text.isin(["true", "1", "yes"]) & frame[column].isna()).to_numpy()
    if not unbounded.any():
        return frame
    result = frame.copy()
    result[column] = result[column].mask(unbounded, np.inf)
    return result


__all__ = [
    "INFINITE_MEANINGS",
    "INFINITE_SUFFIX",
    "infinite_flag_name",
    "restore_infinite",
    "spreadsheet_values",
]
