"""Reproducible output files: the same inputs give the same bytes.

A file that carries a creation time (an .ics calendar's ``DTSTAMP``; an .xlsx workbook's
``created`` and ``modified`` properties and the times of the zip entries it is made of)
takes it from the environment variable ``SOURCE_DATE_EPOCH`` when it is set, else from its
inputs (e.g. a rota's first day), never from the clock, so two runs on the same inputs
write identical files.

References
----------
Reproducible Builds, "SOURCE_DATE_EPOCH specification",
https://reproducible-builds.org/specs/source-date-epoch/
"""

from __future__ import annotations

import io
import os
import re
import zipfile

import pandas as pd

from wfm.errors import InputError

#: The environment variable that fixes every creation time written [s since 1970 UTC].
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"

#: The earliest time a zip entry can carry (the MS-DOS date format starts in 1980).
ZIP_EPOCH = pd.Timestamp("1980-01-01", tz="UTC")


def source_date_epoch() -> pd.Timestamp | None:
    """``SOURCE_DATE_EPOCH`` as a time [UTC], ``None`` when unset; :class:`InputError` when
    it is not a whole number of seconds (the specification asks for an error)."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH)
    if epoch is None:
        return None
    if re.fullmatch("[0-9]+", epoch.strip()) is None:
        raise InputError(
            "is not a whole number of seconds since 1970-01-01 00:00 UTC",
            source=f"environment variable {SOURCE_DATE_EPOCH}",
            value=epoch,
            fix=f"set {SOURCE_DATE_EPOCH} to e.g. $(git log -1 --format=%ct), or unset it",
        )
    return pd.Timestamp(int(epoch), unit="s", tz="UTC")


def creation_time(from_inputs: pd.Timestamp | None) -> pd.Timestamp:
    """The creation time to write [UTC, whole seconds]: ``SOURCE_DATE_EPOCH`` when set, else
    ``from_inputs`` (a time the file's inputs fix), else :data:`ZIP_EPOCH`.

    >>> creation_time(pd.Timestamp("2026-11-16 08:00:00.5", tz="Europe/London"))
    Timestamp('2026-11-16 08:00:00+0000', tz='UTC')
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    if from_inputs is None or pd.isna(from_inputs):
        return ZIP_EPOCH
    stamp = pd.Timestamp(from_inputs)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.floor("s")


def first_day(times: pd.Series) -> pd.Timestamp | None:
    """Midnight UTC of the local date of the earliest of ``times`` (tz-aware), ``None`` when
    there are none: a creation time the inputs fix, the same for every run.

    >>> starts = pd.to_datetime(["2026-11-17 01:00", "2026-11-16 23:30"]).tz_localize("Asia/Tokyo")
    >>> first_day(pd.Series(starts))
    Timestamp('2026-11-16 00:00:00+0000', tz='UTC')
    """
    earliest = times.min() if len(times) else None
    if earliest is None or pd.isna(earliest):
        return None
    return pd.Timestamp(earliest.date(), tz="UTC")


def workbook_bytes(book, created: pd.Timestamp) -> bytes:
    """An openpyxl workbook saved with every time in it set to ``created`` [UTC]: its
    ``created`` and ``modified`` properties (openpyxl's ``save`` stamps ``modified`` with
    the clock) and the zip entries' times (:class:`FixedTimeZip`)."""
    from openpyxl.writer.excel import ExcelWriter

    naive = pd.Timestamp(created).tz_convert("UTC").tz_localize(None).to_pydatetime()
    book.properties.created = naive
    book.properties.modified = naive
    buffer = io.BytesIO()
    archive = FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.created = created
    ExcelWriter(book, archive).save()  # what openpyxl's save does, less the clock
    return buffer.getvalue()


class FixedTimeZip(zipfile.ZipFile):
    """A zip archive being written whose entries all carry the time ``created`` (its UTC wall
    clock, :data:`ZIP_EPOCH` at the earliest) and permissions 0o644, whether added from
    bytes (``writestr``, which would take the clock) or from a file (``write``, which would
    take the file's time and mode)."""

    created: pd.Timestamp = ZIP_EPOCH

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        when = max(pd.Timestamp(self.created).tz_convert("UTC"), ZIP_EPOCH)
        entry = zipfile.ZipInfo(
            name, date_time=(when.year, when.month, when.day, when.hour, when.minute, when.second)
        )
        entry.compress_type = self.compression if compress_type is None else compress_type
        entry.external_attr = 0o644 << 16
        super().writestr(entry, data, compresslevel=compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as file:
            self.writestr(
                arcname or os.path.basename(filename), file.read(), compress_type, compresslevel
            )
