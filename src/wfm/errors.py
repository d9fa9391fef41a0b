"""Errors raised by wfm.

Every error a user can cause derives from :class:`WfmError`. Messages say what was wrong,
where it came from (file, row, column, key) and how to fix it, so that the CLI can print
them without a traceback and the app can show them in a box.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Longest excerpt of a user's value an error message quotes [characters].
MAX_VALUE_CHARACTERS = 60


def show_value(value: object) -> str:
    """A value as a message quotes it: as the user wrote it, short and on one line.

    NumPy scalars are shown as plain numbers (``0.0``, not ``np.float64(0.0)``); text is
    quoted with control characters escaped and cut to :data:`MAX_VALUE_CHARACTERS`, so that
    an error never echoes a long excerpt of a file.

    >>> show_value(3.0), show_value("x" * 100)[-3:], show_value("a" + chr(9) + "b")
    ('3.0', "x…'", "'a\\\\tb'")
    """
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        try:
            value = item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= MAX_VALUE_CHARACTERS else value[:MAX_VALUE_CHARACTERS] + "…"
        return repr(text)
    text = str(value)
    if len(text) > MAX_VALUE_CHARACTERS:
        text = text[:MAX_VALUE_CHARACTERS] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


class WfmError(Exception):
    """Base class for every error wfm raises on purpose."""


@dataclass(eq=False)
class InputError(WfmError):
    """Bad input data: a file, row, column or value that cannot be used.

    Parameters
    ----------
    problem
        What is wrong, in plain words ("offered is negative").
    source
        The file (or other source) the data came from.
    row
        1-based line number in the file, counting the header as line 1; ``None`` if not
        about one row.
    column
        Column name as it appears in the file, if any.
    value
        The offending value, if any.
    fix
        What the user can do about it.
    option
        The command-line option (``-o``, ``--model``) or API argument the value came
        from, if any.
    """

    problem: str
    source: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    fix: str | None = None
    option: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.option:
            where.append(f"option {self.option}")
        text = ", ".join(where)
        text = f"{text}: {self.problem}" if text else self.problem
        if self.value is not None:
            text += f" (value: {show_value(self.value)})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text

    def __str__(self) -> str:
        return self.message

    def at(self, source: str | None, row: int | None) -> InputError:
        """The same problem, column, value and fix placed at ``source``, line ``row``: for a
        reader whose cell check (a helper given one cell or part of a column) did not know
        the file or the line.

        >>> InputError("not a date", column="day", value="x", fix="write YYYY-MM-DD").at("a.csv", 7)
        InputError(problem='not a date', source='a.csv', row=7, column='day', value='x', fix='write YYYY-MM-DD', option=None)
        """
        return InputError(
            self.problem,
            source=source,
            row=row,
            column=self.column,
            value=self.value,
            fix=self.fix,
            option=self.option,
        )


class ConfigError(InputError):
    """Bad centre configuration (TOML): the ``column`` field holds the key path."""

    @property
    def message(self) -> str:
        where = str(self.source) if self.source else "centre file"
        if self.column:
            where += f", key '{self.column}'"
        text = f"{where}: {self.problem}"
        if self.value is not None:
            text += f" (value: {show_value(self.value)})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class SolveError(WfmError):
    """The scheduling model could not be built or solved at all (not infeasibility of soft
    coverage, which is reported in the solve summary)."""
