"""A CSV file written part by part as results arrive, and moved into place whole.

Fanned-out work (one forecast per queue on a cluster, :mod:`wfm.execution`) finishes in any
order. :class:`StreamedCsv` writes each part to a hidden spill folder next to the target as
soon as it arrives, so the parts need not all be held in memory, then joins them **in part
order** into a hidden temporary file and renames it over the target (atomic on one file
system). The file is byte for byte what :func:`wfm.data.io.write_csv_atomic` writes for the
parts joined in that order; a run that fails (an exception inside the ``with`` block)
leaves no output file and no spill behind, and an existing target stays as it was.

Example
-------
>>> import pandas as pd, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with StreamedCsv(folder / "out.csv", ["queue", "offered"]) as sink:
...     sink.add(1, pd.DataFrame({"queue": ["b"], "offered": [2.0]}))
...     sink.add(0, pd.DataFrame({"queue": ["a"], "offered": [1.0]}))
>>> (folder / "out.csv").read_text()
'queue,offered\\na,1.0\\nb,2.0\\n'
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from wfm.data.io import PreparedFile, _temporary_path, frame_to_csv_text
from wfm.data.output_paths import write_error

logger = logging.getLogger(__name__)


class StreamedCsv:
    """Write a CSV part by part (any order), joined in part order at the end.

    Parameters
    ----------
    path
        The CSV file to write.
    columns
        Its columns: every part must have them, in this order (the header of an empty file).
    """

    def __init__(self, path: str | Path, columns: Sequence[str]) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self._spill: Path | None = None
        self._joined: Path | None = None
        self._parts: list[int] = []
        self._made_folders: list[Path] = []
        self.rows = 0

    def __enter__(self) -> StreamedCsv:
        return self

    def add(self, number: int, frame: pd.DataFrame) -> None:
        """Write part ``number`` (its place in the file) now."""
        if list(frame.columns) != self.columns:
            raise ValueError(f"part {number} has columns {list(frame.columns)}, not {self.columns}")
        text = frame_to_csv_text(frame)
        body = text.split("\n", 1)[1] if "\n" in text else ""
        try:
            if self._spill is None:
                self._make_folder()
                spill = _temporary_path(self.path, "parts")
                spill.mkdir()
                self._spill = spill
            (self._spill / f"{number}.csv").write_text(body, encoding="utf-8")
        except OSError as error:  # a place the check let through but that takes no files
            raise write_error(error, self.path) from None
        self._parts.append(number)
        self.rows += len(frame)

    @property
    def parts(self) -> int:
        """Parts written so far."""
        return len(self._parts)

    def join(self) -> PreparedFile:
        """Join the parts in order into a hidden temporary file beside the target, not yet
        renamed (for :func:`wfm.data.io.write_files_atomic`, which renames it together with
        other files); the spill is removed. :meth:`abort` removes the joined file too."""
        self._make_folder()
        temporary = _temporary_path(self.path, "tmp")
        header = frame_to_csv_text(pd.DataFrame(columns=self.columns))
        try:
            with open(temporary, "xb") as out:
                self._joined = temporary
                out.write(header.encode("utf-8"))
                for number in sorted(self._parts):
                    with open(self._spill / f"{number}.csv", "rb") as part:
                        shutil.copyfileobj(part, out)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            self.abort()
            raise write_error(error, self.path) from None
        except BaseException:
            self.abort()
            raise
        finally:
            self._remove_spill()
        return PreparedFile(temporary)

    def finish(self) -> Path:
        """Join the parts in order into the target, atomically; returns its path."""
        temporary = self.join().temporary
        try:
            if self.path.exists():
                shutil.copymode(self.path, temporary)
            os.replace(temporary, self.path)
        except OSError as error:
            self.abort()
            raise write_error(error, self.path) from None
        except BaseException:
            self.abort()
            raise
        self._joined = None
        logger.info("%s: %d rows from %d parts", self.path, self.rows, len(self._parts))
        return self.path

    def abort(self) -> None:
        """Drop everything written so far (and folders made for it); the target is untouched."""
        self._remove_spill()
        if self._joined is not None:
            self._joined.unlink(missing_ok=True)  # gone already if it was renamed into place
            self._joined = None
        self._remove_made_folders()

    def _make_folder(self) -> None:
        """Create the target's missing folders, remembering them to remove on failure."""
        missing = []
        folder = self.path.parent
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self._made_folders.append(folder)

    def _remove_made_folders(self) -> None:
        for folder in reversed(self._made_folders):
            try:
                folder.rmdir()
            except OSError:  # not empty: something else wrote there
                break
        self._made_folders = []

    def _remove_spill(self) -> None:
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.finish()
        else:
            self.abort()
