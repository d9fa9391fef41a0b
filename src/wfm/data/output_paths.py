"""Where outputs go: checked before any work starts, folders created only when writing.

Every command that writes files checks its output location first
(:func:`check_output_folder`, :func:`check_output_file`), so that a read-only folder, a file
where a folder is needed (``-o notes.txt/x.csv``, a file called ``calendars`` in the output
folder) or a folder where a file is needed is an :class:`~wfm.errors.InputError` before a
forecast or a solve has run. Nothing is created by the check.

The atomic writer (:func:`wfm.data.io.write_files_atomic`) then creates the missing folders
with :func:`create_folders` and, if the write fails, removes the folders it created with
:func:`remove_created_folders`, so a failed run leaves no empty output folder behind.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from wfm.errors import InputError

logger = logging.getLogger(__name__)


def _blocking_file(folder: Path) -> Path | None:
    """The first existing non-folder among ``folder`` and its parents, if any."""
    for candidate in (folder, *folder.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


def _nearest_existing(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def check_output_folder(
    path: str | Path, *, subfolders: Iterable[str] = (), option: str = "-o"
) -> Path:
    """Check that ``path`` can be (or is) a folder wfm can write into; return it.

    Parameters
    ----------
    path
        The output folder (it need not exist yet).
    subfolders
        Folders the command writes inside it (e.g. ``calendars``): each must not be a file.
    option
        The option that named ``path``, for messages.

    Raises
    ------
    InputError
        ``path`` or a parent is a file, a subfolder is a file, or the folder (or the nearest
        existing parent it would be created in) is not writable.
    """
    folder = Path(path)
    blocking = _blocking_file(folder)
    if blocking is not None:
        what = "is a file" if blocking == folder else f"is inside {blocking}, which is a file"
        raise InputError(
            f"the output folder {what}",
            source=str(folder),
            option=option,
            fix=f"give a folder for {option}, e.g. {option} out/ (it is created if missing)",
        )
    for name in subfolders:
        inner = folder / name
        if inner.exists() and not inner.is_dir():
            raise InputError(
                f"a file named '{name}' is in the way: wfm writes a folder '{name}' here",
                source=str(inner),
                option=option,
                fix=f"move or remove {inner}, or choose another {option} folder",
            )
    _check_writable(_nearest_existing(folder), option)
    return folder


def check_output_file(path: str | Path, *, option: str = "-o") -> Path:
    """Check that ``path`` can be written as a file; return it.

    Raises
    ------
    InputError
        ``path`` is a folder, a device, pipe or socket (:func:`check_not_special`), a parent
        of it is a file, or its folder is not writable.
    """
    target = Path(path)
    check_not_special(target, option)
    if target.is_dir():
        raise InputError(
            "the output path is a folder",
            source=str(target),
            option=option,
            fix=f"give a file name, e.g. {option} {target / 'result.csv'}",
        )
    blocking = _blocking_file(target.parent)
    if blocking is not None:
        raise InputError(
            f"the output file would be inside {blocking}, which is a file",
            source=str(target),
            option=option,
            fix=f"give a path in a folder for {option}",
        )
    _check_writable(_nearest_existing(target.parent), option)
    return target


def check_not_special(path: Path, option: str | None = "-o") -> None:
    """:class:`InputError` if ``path`` exists and is not a regular file: a device
    (``/dev/full``, ``/dev/stdout``), a named pipe or a socket. wfm writes a whole new file
    beside the target and renames it into place, which would replace the device node itself
    (run as root, ``-o /dev/null`` would leave a regular file there for every other program)
    instead of writing into it.

    >>> check_not_special(Path("no-such-file.csv"))
    """
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:  # absent (or a dangling link): a new file is made
        return
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise InputError(
            "the output path is a device, pipe or socket, not a file: wfm writes a new file "
            "and renames it into place, which would replace it",
            source=str(path),
            option=option,
            fix=f"give the path of a file{' for ' + option if option else ''}, e.g. out.csv, "
            "and read it from there",
        )


def _check_writable(folder: Path, option: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            "cannot write into this folder (permission denied)",
            source=str(folder.resolve()),
            option=option,
            fix=f"choose a folder you can write to for {option}, or change its permissions",
        )


def create_folders(folders: Iterable[Path]) -> list[Path]:
    """Create the missing ``folders`` (and parents); return those created, outermost first.

    Raises
    ------
    InputError
        A folder cannot be created (a file in the way, permission denied); any folders
        already created are removed again.
    """
    created: list[Path] = []
    try:
        for folder in folders:
            missing = [p for p in (folder, *folder.parents) if not p.exists()]
            for candidate in reversed(missing):
                candidate.mkdir()
                created.append(candidate)
    except FileExistsError:
        remove_created_folders(created)
        raise InputError(
            "a file is in the way of an output folder",
            source=str(_blocking_file(folder) or folder),
            fix="move or remove that file, or choose another output folder",
        ) from None
    except OSError as error:
        remove_created_folders(created)
        raise InputError(
            f"cannot create the output folder ({error.strerror or type(error).__name__})",
            source=str(folder),
            fix="choose a folder you can write to",
        ) from None
    return created


def remove_created_folders(created: Iterable[Path]) -> None:
    """Remove folders made by :func:`create_folders` that are still empty, innermost first."""
    for folder in reversed(list(created)):
        try:
            folder.rmdir()
        except OSError:
            logger.debug("left %s in place (not empty or not removable)", folder)


def write_error(error: OSError, path: Path) -> InputError:
    """An :class:`InputError` for an operating-system error while writing ``path``."""
    if isinstance(error, PermissionError):
        problem = "cannot write here (permission denied)"
    elif isinstance(error, IsADirectoryError):
        problem = "a folder is in the way of this output file"
    elif isinstance(error, NotADirectoryError):
        problem = "a file is in the way of this output's folder"
    else:
        problem = f"cannot write the file ({error.strerror or type(error).__name__})"
    return InputError(
        problem,
        source=str(path),
        fix="choose an output location you can write to; nothing was written",
    )


__all__ = [
    "check_output_file",
    "check_output_folder",
    "create_folders",
    "remove_created_folders",
    "write_error",
]
