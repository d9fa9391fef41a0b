"""A linear model built as arrays and handed to HiGHS in bulk: the rota models' builder.

A :class:`LinearModel` holds *variable blocks* (one per family, e.g. the shift choices ``x``:
keys, column indices, bounds, integrality), *row blocks* added as COO triplets (row, column,
coefficient) with row bounds, and a linear objective. :meth:`LinearModel.highs` passes the
whole model to a ``highspy.Highs`` object with one ``passModel`` call and keeps that object,
so that the LP relaxation and the MIPs of one search (the same model with narrowed bounds)
reuse it: a bound change is a ``changeColsBounds`` call, not a rebuild.
:meth:`LinearModel.load` reads a solution back as one array.

Column and row order. HiGHS's path through a MIP depends on the order of its columns and
rows. The rows go in the order they were added; the columns in the order pyomo's
persistent HiGHS interface gave them (the order in which they first occur, row by row and
term by term, then those only in the objective; a column in no row and not in the
objective is not passed at all). So a model built here is the very model the same
formulation built through pyomo was, and a search gives the same rota
(``tests/scheduling/test_linear_model.py`` checks the sample's models entry by entry).

Variables are read through :class:`VarBlock` (``model.x[key]`` is a column index;
``model.x.items()`` yields :class:`ColumnRef` objects with ``value``, ``lb``, ``ub``,
``setlb``, ``setub`` and ``fix``, so that code written against pyomo variables reads the same)
or as arrays (:meth:`VarBlock.solution`).

References
----------
.. [1] Huangfu, Q. and Hall, J. A. J. (2018). "Parallelizing the dual revised simplex
   method". Mathematical Programming Computation 10(1), 119-142 (HiGHS).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sparse

from wfm.highs_solver import new_highs

logger = logging.getLogger(__name__)

INF = math.inf


class ColumnRef:
    """One column of a :class:`LinearModel`, read and bounded like a pyomo variable.

    Parameters
    ----------
    model
        The model holding the column.
    column
        Its index among the model's columns (the order of :meth:`LinearModel.add_variables`).
    """

    __slots__ = ("column", "model")

    def __init__(self, model: LinearModel, column: int):
        self.model = model
        self.column = int(column)

    @property
    def value(self) -> float | None:
        """The column's value in the last solution loaded, ``None`` without one."""
        value = self.model.values[self.column]
        return None if math.isnan(value) else float(value)

    def set_value(self, value: float | None, skip_validation: bool = True) -> None:
        """Set the value (``None``: no value)."""
        self.model.values[self.column] = np.nan if value is None else float(value)

    @property
    def lb(self) -> float | None:
        """Lower bound (``None`` for none)."""
        value = self.model.col_lower[self.column]
        return None if value == -INF else float(value)

    @property
    def ub(self) -> float | None:
        """Upper bound (``None`` for none)."""
        value = self.model.col_upper[self.column]
        return None if value == INF else float(value)

    def setlb(self, value: float | None) -> None:
        """Set the lower bound (``None``: none)."""
        self.model.col_lower[self.column] = -INF if value is None else float(value)

    def setub(self, value: float | None) -> None:
        """Set the upper bound (``None``: none)."""
        self.model.col_upper[self.column] = INF if value is None else float(value)

    def fix(self, value: float) -> None:
        """Fix the column at ``value`` (both bounds)."""
        self.setlb(value)
        self.setub(value)
        self.set_value(value)

    def is_continuous(self) -> bool:
        """Whether the column is continuous."""
        return not bool(self.model.col_integer[self.column])

    def __repr__(self) -> str:
        return f"<column {self.column} of {self.model.name!r}>"


class VarBlock:
    """A family of columns with keys, e.g. ``x[(unit_id, candidate)]``.

    Parameters
    ----------
    model
        The model holding the block.
    name
        The family's name.
    keys
        One key per column (a tuple, or a scalar), in column order.
    start
        Index of the block's first column in the model.
    """

    def __init__(self, model: LinearModel, name: str, keys: list, start: int):
        self.model = model
        self.name = name
        self.keys = keys
        self.start = start
        self._position: dict | None = None

    @property
    def columns(self) -> np.ndarray:
        """Column indices of the block, in key order."""
        return np.arange(self.start, self.start + len(self.keys), dtype=np.int64)

    def position(self) -> dict:
        """Key -> position within the block (built once)."""
        if self._position is None:
            self._position = {key: i for i, key in enumerate(self.keys)}
        return self._position

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key) -> bool:
        return key in self.position()

    def __getitem__(self, key) -> int:
        """The column index of ``key``."""
        return self.start + self.position()[key]

    def column_of(self, keys: Iterable) -> np.ndarray:
        """Column indices of ``keys``."""
        position = self.position()
        return np.fromiter((self.start + position[key] for key in keys), dtype=np.int64)

    def index_set(self) -> list:
        """The keys, in column order (as pyomo's ``index_set``)."""
        return self.keys

    def ref(self, key) -> ColumnRef:
        """The :class:`ColumnRef` of ``key``."""
        return ColumnRef(self.model, self[key])

    def items(self) -> Iterator[tuple[object, ColumnRef]]:
        """``(key, ColumnRef)`` pairs, in column order."""
        for i, key in enumerate(self.keys):
            yield key, ColumnRef(self.model, self.start + i)

    def values(self) -> Iterator[ColumnRef]:
        """:class:`ColumnRef` of each column, in column order."""
        for i in range(len(self.keys)):
            yield ColumnRef(self.model, self.start + i)

    def solution(self) -> np.ndarray:
        """The block's values in the last solution loaded (0 where there is none)."""
        values = self.model.values[self.start : self.start + len(self.keys)]
        return np.nan_to_num(values, nan=0.0)

    def __repr__(self) -> str:
        return f"<{len(self.keys)} columns {self.name!r}>"


@dataclass
class RowBlock:
    """A family of rows, ``lower <= sum(coef * column) <= upper`` each, as COO triplets.

    ``row`` is the row within the block of each triplet; the triplets of a row keep the
    order they were given in (it decides the column order, see the module docstring).
    """

    name: str
    keys: list
    row: np.ndarray
    col: np.ndarray
    coef: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    active: bool = True

    def __len__(self) -> int:
        return len(self.keys)

    def deactivate(self) -> None:
        """Leave the block's rows out of the model passed to HiGHS."""
        self.active = False

    def activity(self, values: np.ndarray) -> np.ndarray:
        """Each row's ``sum(coef * values[col])`` for column values ``values``."""
        return np.bincount(
            self.row, weights=self.coef * np.asarray(values)[self.col], minlength=len(self)
        )

    def holds(self, values: np.ndarray, tolerance: float = 1e-9) -> bool:
        """Whether every row keeps its bounds at column values ``values``."""
        activity = self.activity(values)
        return bool(
            np.all(activity >= self.lower - tolerance)
            and np.all(activity <= self.upper + tolerance)
        )


@dataclass
class Expression:
    """A named linear expression (e.g. a penalty of the objective): columns, coefficients
    and a constant."""

    col: np.ndarray
    coef: np.ndarray
    constant: float = 0.0


def _as_array(value, n: int) -> np.ndarray:
    """``value`` (a scalar, ``None`` for infinite, or a sequence) as a float array of ``n``."""
    if value is None:
        return np.full(n, np.nan)
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return np.full(n, float(array))
    return array.astype(np.float64, copy=True)


def terms_to_coo(
    terms: Sequence[tuple[Sequence[float], Sequence[int]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO triplets (row, column, coefficient) of rows given as ``(coefs, columns)`` each.

    >>> terms_to_coo([([1.0, 2.0], [4, 5]), ([3.0], [6])])[0].tolist()
    [0, 0, 1]
    """
    lengths = np.fromiter((len(columns) for _, columns in terms), dtype=np.int64, count=len(terms))
    total = int(lengths.sum())
    row = np.repeat(np.arange(len(terms), dtype=np.int64), lengths)
    col = np.fromiter(
        (int(c) for _, columns in terms for c in columns), dtype=np.int64, count=total
    )
    coef = np.fromiter(
        (float(a) for coefs, _ in terms for a in coefs), dtype=np.float64, count=total
    )
    return row, col, coef


@dataclass
class HighsState:
    """The ``highspy.Highs`` object a model was passed to, and what was passed."""

    highs: object
    columns: np.ndarray  # model column of each HiGHS column
    position: np.ndarray  # HiGHS column of each model column (-1: not passed)
    lower: np.ndarray
    upper: np.ndarray
    n_rows: int


@dataclass
class LinearModel:
    """A linear (mixed-integer) model built as arrays; minimised.

    Components are attributes: variable blocks (:class:`VarBlock`), row blocks
    (:class:`RowBlock`) and named expressions (:class:`Expression`), by name.
    """

    name: str = ""
    col_lower: np.ndarray = field(default_factory=lambda: np.zeros(0))
    col_upper: np.ndarray = field(default_factory=lambda: np.zeros(0))
    col_integer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    row_blocks: list[RowBlock] = field(default_factory=list)
    var_blocks: list[VarBlock] = field(default_factory=list)
    objective_terms: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    objective_offset: float = 0.0
    _highs: HighsState | None = None

    # --- building ------------------------------------------------------------------------

    @property
    def n_columns(self) -> int:
        """Columns declared so far."""
        return len(self.col_lower)

    def add_variables(
        self,
        name: str,
        keys: Sequence,
        *,
        lower=0.0,
        upper=None,
        integer: bool = False,
    ) -> VarBlock:
        """Add a block of columns, one per key, and make it the attribute ``name``.

        Parameters
        ----------
        name
            Family name (an attribute of the model afterwards).
        keys
            One key per column.
        lower, upper
            Bounds: a scalar, a sequence (one per key) or ``None`` for none.
        integer
            Whether the columns are integer.
        """
        keys = list(keys)
        n = len(keys)
        lower = np.nan_to_num(_as_array(lower, n), nan=-INF)
        upper = np.nan_to_num(_as_array(upper, n), nan=INF)
        block = VarBlock(self, name, keys, self.n_columns)
        self.col_lower = np.concatenate([self.col_lower, lower])
        self.col_upper = np.concatenate([self.col_upper, upper])
        self.col_integer = np.concatenate([self.col_integer, np.full(n, bool(integer))])
        self.values = np.concatenate([self.values, np.full(n, np.nan)])
        self.var_blocks.append(block)
        setattr(self, name, block)
        return block

    def add_rows_coo(
        self,
        name: str,
        keys: Sequence,
        row: np.ndarray,
        col: np.ndarray,
        coef: np.ndarray,
        *,
        lower=None,
        upper=None,
    ) -> RowBlock:
        """Add a block of rows ``lower <= sum(coef * x[col]) <= upper`` from COO triplets.

        Parameters
        ----------
        name
            Family name (an attribute of the model afterwards).
        keys
            One key per row.
        row, col, coef
            Triplets: row within the block, model column, coefficient; the triplets of a row
            in their order in the row.
        lower, upper
            Row bounds: a scalar, a sequence (one per row; ``nan`` for none) or ``None`` for
            none.
        """
        keys = list(keys)
        n = len(keys)
        block = RowBlock(
            name,
            keys,
            np.asarray(row, dtype=np.int64),
            np.asarray(col, dtype=np.int64),
            np.asarray(coef, dtype=np.float64),
            np.nan_to_num(_as_array(lower, n), nan=-INF),
            np.nan_to_num(_as_array(upper, n), nan=INF),
        )
        self.row_blocks.append(block)
        setattr(self, name, block)
        return block

    def add_rows(
        self,
        name: str,
        rows: dict,
        *,
        lower=None,
        upper=None,
    ) -> RowBlock:
        """Add a block of rows given as ``{key: (coefs, columns)}``.

        ``lower`` and ``upper`` are as for :meth:`add_rows_coo`, or a callable of the key
        returning the bound (``None`` for none).
        """
        keys = list(rows)
        row, col, coef = terms_to_coo([rows[key] for key in keys])
        if callable(lower):
            lower = [np.nan if lower(key) is None else lower(key) for key in keys]
        if callable(upper):
            upper = [np.nan if upper(key) is None else upper(key) for key in keys]
        return self.add_rows_coo(name, keys, row, col, coef, lower=lower, upper=upper)

    def add_upper_rows(self, name: str, rows: dict, *, keep_empty: bool = False) -> RowBlock | None:
        """Rows ``sum(coefs * columns) <= bound`` from ``{key: (coefs, columns, bound)}``;
        nothing when ``rows`` is empty, unless ``keep_empty`` (an empty block then)."""
        if not rows and not keep_empty:
            return None
        return self.add_rows(
            name,
            {key: (value[0], value[1]) for key, value in rows.items()},
            upper=[value[2] for value in rows.values()],
        )

    def add_expression(self, name: str, col, coef, constant: float = 0.0) -> Expression:
        """A named linear expression (attribute ``name``), e.g. a penalty term."""
        expression = Expression(
            np.asarray(col, dtype=np.int64), np.asarray(coef, dtype=np.float64), float(constant)
        )
        setattr(self, name, expression)
        return expression

    def add_objective(self, col, coef, constant: float = 0.0) -> None:
        """Add ``sum(coef * x[col]) + constant`` to the objective (minimised); terms added
        later come later in the objective's order."""
        self.objective_terms.append(
            (np.asarray(col, dtype=np.int64), np.asarray(coef, dtype=np.float64))
        )
        self.objective_offset += float(constant)

    def add_objective_expression(self, expression: Expression) -> None:
        """Add a named expression to the objective."""
        self.add_objective(expression.col, expression.coef, expression.constant)

    def component(self, name: str):
        """The block or expression called ``name``, ``None`` without one (as pyomo's)."""
        value = getattr(self, name, None)
        return value if isinstance(value, (VarBlock, RowBlock, Expression)) else None

    # --- size ----------------------------------------------------------------------------

    def size(self) -> tuple[int, int, int]:
        """(columns, integer columns, rows) passed to HiGHS (columns with equal bounds are
        fixed and not counted, as in pyomo's count)."""
        columns, _, _ = self._column_order()
        free = self.col_lower[columns] < self.col_upper[columns]
        n_rows = sum(len(block) for block in self.row_blocks if block.active)
        return int(free.sum()), int((free & self.col_integer[columns]).sum()), n_rows

    # --- to HiGHS ------------------------------------------------------------------------

    def _triplets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Triplets of the active rows with global row numbers, and the number of rows."""
        rows, cols, coefs = [], [], []
        offset = 0
        for block in self.row_blocks:
            if not block.active:
                continue
            rows.append(block.row + offset)
            cols.append(block.col)
            coefs.append(block.coef)
            offset += len(block)
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), offset
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(coefs), offset

    def _objective(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.objective_terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return (
            np.concatenate([col for col, _ in self.objective_terms]),
            np.concatenate([coef for _, coef in self.objective_terms]),
        )

    def _column_order(self):
        """Model columns in HiGHS order (first occurrence row by row, then objective-only
        ones), and the triplets."""
        rows, cols, coefs, n_rows = self._triplets()
        order = np.argsort(rows, kind="stable")
        in_rows = _first_occurrence(cols[order])
        obj_cols, _ = self._objective()
        seen = np.zeros(self.n_columns, dtype=bool)
        seen[in_rows] = True
        objective_only = _first_occurrence(obj_cols[~seen[obj_cols]]) if len(obj_cols) else []
        columns = np.concatenate([in_rows, np.asarray(objective_only, dtype=np.int64)])
        return columns.astype(np.int64), (rows, cols, coefs), n_rows

    def highs(self):
        """The ``highspy.Highs`` object holding this model: passed whole on the first call
        (``passModel``), afterwards kept, with the bounds changed since brought up to date
        (``changeColsBounds``)."""
        import highspy

        if self._highs is None:
            columns, (rows, cols, coefs), n_rows = self._column_order()
            position = np.full(self.n_columns, -1, dtype=np.int64)
            position[columns] = np.arange(len(columns))
            matrix = sparse.csc_matrix(
                (coefs, (rows, position[cols])), shape=(n_rows, len(columns))
            )
            matrix.sum_duplicates()
            matrix.eliminate_zeros()
            matrix.sort_indices()
            cost = np.zeros(len(columns))
            obj_cols, obj_coefs = self._objective()
            np.add.at(cost, position[obj_cols], obj_coefs)
            row_lower, row_upper = self._row_bounds()
            lp = highspy.HighsLp()
            lp.num_col_ = len(columns)
            lp.num_row_ = n_rows
            lp.offset_ = float(self.objective_offset)
            lp.col_cost_ = cost
            lp.col_lower_ = self.col_lower[columns].copy()
            lp.col_upper_ = self.col_upper[columns].copy()
            lp.row_lower_ = row_lower
            lp.row_upper_ = row_upper
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.num_col_ = len(columns)
            lp.a_matrix_.num_row_ = n_rows
            lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
            lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
            lp.a_matrix_.value_ = matrix.data.astype(np.float64)
            highs = new_highs()
            status = highs.passModel(lp)
            if status == highspy.HighsStatus.kError:
                raise RuntimeError(f"HiGHS refused the model {self.name!r}")
            # Integrality as one array (HighsVarType values: 0 continuous, 1 integer).
            highs.changeColsIntegrality(
                len(columns),
                np.arange(len(columns), dtype=np.int32),
                self.col_integer[columns].astype(np.uint8),
            )
            self._highs = HighsState(
                highs,
                columns,
                position,
                lp.col_lower_.copy(),
                lp.col_upper_.copy(),
                n_rows,
            )
            logger.debug(
                "model %r passed to HiGHS: %d columns, %d rows, %d non-zeros",
                self.name,
                len(columns),
                n_rows,
                matrix.nnz,
            )
            return highs
        state = self._highs
        lower = self.col_lower[state.columns]
        upper = self.col_upper[state.columns]
        changed = np.flatnonzero((lower != state.lower) | (upper != state.upper))
        if len(changed):
            state.highs.changeColsBounds(
                len(changed), changed.astype(np.int32), lower[changed], upper[changed]
            )
            state.lower, state.upper = lower.copy(), upper.copy()
        return state.highs

    def _row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        blocks = [block for block in self.row_blocks if block.active]
        if not blocks:
            return np.zeros(0), np.zeros(0)
        return (
            np.concatenate([block.lower for block in blocks]),
            np.concatenate([block.upper for block in blocks]),
        )

    def highs_columns(self, columns: np.ndarray) -> np.ndarray:
        """HiGHS column indices of model ``columns`` (-1 for those not passed)."""
        self.highs()
        return self._highs.position[np.asarray(columns, dtype=np.int64)]

    def load(self, values: np.ndarray) -> None:
        """Load a HiGHS solution (``col_value``, HiGHS order) into :attr:`values`."""
        state = self._highs
        self.values[state.columns] = np.asarray(values, dtype=np.float64)[: len(state.columns)]

    def drop_highs(self) -> None:
        """Forget the HiGHS object (the next :meth:`highs` passes the model again)."""
        self._highs = None


def _first_occurrence(values: np.ndarray) -> np.ndarray:
    """The distinct values in the order they first occur.

    >>> _first_occurrence(np.array([3, 1, 3, 2, 1])).tolist()
    [3, 1, 2]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    unique, first = np.unique(values, return_index=True)
    return unique[np.argsort(first, kind="stable")]
