"""The solver boundary: the one place that talks to HiGHS.

:func:`run_highs` runs HiGHS on an array model (:class:`~wfm.scheduling.linear_model.LinearModel`,
the rota models: straight into ``highspy``, the model's ``Highs`` object kept between the
calls of one search, see :func:`_run_linear_model`) or on a pyomo model (small models
elsewhere, through pyomo's newer solver interface ``pyomo.contrib.solver``), and translates
the termination condition and solution status once, here, into :class:`SolveStatus`.
Solutions are loaded into the model only when the solver has one. :class:`SolveSummary` is
what a scheduling run reports.

Warm start of an array model: the start values go to ``Highs.setSolution`` by column.
Warm start of a pyomo model: pyomo's HiGHS interface has no MIP-start option, but it is persistent and keeps
the ``highspy.Highs`` object it loads the model into (``_solver_model``) with its map from
pyomo variables to HiGHS columns. :func:`run_highs` loads the model itself, hands the start
values to ``Highs.setSolution`` (the sparse form: HiGHS fixes the given integer values and
completes the rest, e.g. the break placement, by a sub-MIP) and then solves; the HiGHS log
says "MIP start solution is feasible" and the start becomes the first incumbent. The
attribute is private to pyomo, so when it is missing the solve goes on without the start
and says so in the log (``SolverRun.warm_started`` is then false).

Why this module is over 600 lines: it is the one solver boundary (issue 12: the solver status
is translated once). Its three entry points (array models, pyomo models, shift selection's
matrices) share the status translation, the limits and the summary, and splitting them
would put HiGHS calls in more than one place.

pyomo is imported only when a pyomo model is solved: the rota models are arrays, and
importing pyomo (which also imports :mod:`scipy.stats` when scipy is loaded) cost about
0.4-0.9 s of CPU time at the start of every ``wfm plan`` (docs/benchmarks.md, "Sample plan
time"). The termination conditions are named as pyomo names them, as text, so that both
kinds of model read alike without the import.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from wfm.highs_cpu_limit import cpu_limit, thread_cpu_seconds
from wfm.highs_solver import new_highs
from wfm.scheduling.linear_model import LinearModel

if TYPE_CHECKING:  # pragma: no cover
    import highspy
    import pyomo.environ as pyo
    from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

logger = logging.getLogger(__name__)

#: Name of the solver in pyomo's (new) solver factory.
SOLVER_NAME = "highs"

#: Termination conditions (pyomo's names) by outcome, for :func:`status_of`.
SOLVED_TERMINATION = "convergenceCriteriaSatisfied"
INFEASIBLE_TERMINATIONS = frozenset(
    {"provenInfeasible", "locallyInfeasible", "infeasibleOrUnbounded"}
)
LIMIT_TERMINATIONS = frozenset(
    {"maxTimeLimit", "iterationLimit", "objectiveLimit", "interrupted", SOLVED_TERMINATION}
)


class SolveStatus(enum.Enum):
    """Outcome of a solve, independent of the solver.

    ``optimal``: proven optimal within the relative gap setting; ``feasible``: a rota was
    found but a limit stopped the search before the gap was closed; ``infeasible``: no rota
    satisfies the hard rules; ``no_solution``: a limit stopped the search before any rota
    was found; ``error``: the solver failed.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        """Whether a rota can be read from the model."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class SolverRun:
    """One call of the solver.

    Parameters
    ----------
    status
        Solver-independent outcome (for a relaxation: ``optimal`` when solved).
    termination
        The solver's termination condition, as text.
    objective
        Objective of the solution found (loaded into the model) [cost units], if any.
    bound
        Proven lower bound on the objective of the model solved [cost units], if known.
    seconds
        Wall time of the call, including handing the model to the solver [seconds].
    warm_started
        Whether a start solution was handed to the solver.
    highs_status
        HiGHS's own model status for an array model (e.g. ``kSolutionLimit``,
        ``kObjectiveTarget``), which ``termination`` (pyomo's names) does not always tell
        apart; ``None`` for a pyomo model.
    """

    status: SolveStatus
    termination: str
    objective: float | None
    bound: float | None
    seconds: float
    warm_started: bool = False
    highs_status: str | None = None

    @property
    def time_limited(self) -> bool:
        """Whether the time limit stopped the call (CPU time for an array model: the outcome
        then depends on the limit, not on the load; wall time for a pyomo model)."""
        return self.termination == "maxTimeLimit"


@dataclass(frozen=True)
class SolveSummary:
    """What a rota solve achieved and what it cost.

    Parameters
    ----------
    status
        Solver-independent outcome; ``optimal`` means within ``relative_gap`` of the bound.
    termination
        How the search ended, in words (for logs and support).
    objective
        Cost of the rota found [cost units]; ``None`` without a rota.
    bound
        Best proven lower bound on the cost of any rota [cost units]; ``None`` if unknown.
    gap
        Relative gap :math:`(\\text{objective} - \\text{bound}) / |\\text{objective}|`
        [fraction]; ``None`` when either is unknown.
    build_seconds
        Time to prepare the inputs and build the models [seconds].
    solve_seconds
        Time in the solver, including handing the models to it [seconds].
    wall_seconds
        Time of the whole scheduling run [seconds].
    n_variables, n_integer_variables, n_constraints
        Size of the model the rota was read from.
    under_staffed_agent_hours, over_staffed_agent_hours
        Agent-hours below and above the scheduled requirement, summed over intervals and
        queues [agent-hours].
    paid_hours
        Paid hours in the rota [hours].
    time_limit_reached
        Whether the CPU-time limit (a safety net) stopped a stage of the search: the rota
        then depends on the limit and the machine's speed (see :mod:`wfm.scheduling.budget`).
    """

    status: SolveStatus
    termination: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    wall_seconds: float
    n_variables: int
    n_integer_variables: int
    n_constraints: int
    under_staffed_agent_hours: float = 0.0
    over_staffed_agent_hours: float = 0.0
    paid_hours: float = 0.0
    time_limit_reached: bool = False

    def to_dict(self) -> dict[str, object]:
        """The fields as JSON-ready values (``status`` as its text; infinities as ``None``).

        >>> SolveSummary(SolveStatus.OPTIMAL, "done", 1.0, 1.0, 0.0, 0.1, 0.2, 0.3, 5, 2, 3).to_dict()["status"]
        'optimal'
        """
        values: dict[str, object] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, SolveStatus):
                value = value.value
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            values[field.name] = value
        return values

    @property
    def status_label(self) -> str:
        """The status in words: "optimal" only when proven, else how the search ended."""
        if self.status is SolveStatus.OPTIMAL and self.gap is not None and self.gap > 1e-6:
            return "within the gap target"  # not proven optimal: the gap says how far it may be
        return self.status.value.replace("_", " ")

    def describe(self) -> str:
        """One line for people, e.g. ``optimal: cost 2101.9 (bound 2099.9, gap 0.10 %), ...``."""
        if self.objective is None:
            result = f"{self.status_label}: no rota ({self.termination})"
        else:
            bound = "unknown" if self.bound is None else f"{self.bound:.1f}"
            gap = "unknown" if self.gap is None else f"{100 * self.gap:.2f} %"
            result = (
                f"{self.status_label}: cost {self.objective:.1f} (bound {bound}, gap {gap}), "
                f"{self.paid_hours:.1f} paid hours, {self.under_staffed_agent_hours:.1f} agent-hours under "
                f"and {self.over_staffed_agent_hours:.1f} over"
            )
        return (
            f"{result}; {self.n_variables} variables ({self.n_integer_variables} integer), "
            f"{self.n_constraints} constraints; built in {self.build_seconds:.1f} s, solved in "
            f"{self.solve_seconds:.1f} s, {self.wall_seconds:.1f} s in all"
        )


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """:math:`(\\text{objective} - \\text{bound}) / |\\text{objective}|` [fraction].

    Zero when both are zero (or the bound is above the objective by rounding), infinite
    when only the objective is zero, ``None`` when either is unknown.

    >>> relative_gap(100.0, 99.0)
    0.01
    >>> relative_gap(0.0, 0.0)
    0.0
    """
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    difference = max(objective - bound, 0.0)
    if difference <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    if objective == 0:
        return math.inf
    return difference / abs(objective)


def status_of(termination: str, has_solution: bool) -> SolveStatus:
    """The project's :class:`SolveStatus` for a termination condition (pyomo's name for
    it, e.g. ``"maxTimeLimit"``) and whether the solver holds a feasible solution.

    >>> status_of("convergenceCriteriaSatisfied", True).value
    'optimal'
    >>> status_of("maxTimeLimit", False).value
    'no_solution'
    >>> status_of("error", False).value
    'error'
    """
    if termination == SOLVED_TERMINATION and has_solution:
        return SolveStatus.OPTIMAL
    if termination in INFEASIBLE_TERMINATIONS:
        return SolveStatus.INFEASIBLE
    if termination in LIMIT_TERMINATIONS:
        return SolveStatus.FEASIBLE if has_solution else SolveStatus.NO_SOLUTION
    return SolveStatus.ERROR


def translate_status(termination: TerminationCondition, solution: SolutionStatus) -> SolveStatus:
    """The project's :class:`SolveStatus` for pyomo's termination condition and solution
    status (the only place that knows pyomo's codes; :func:`status_of` by name)."""
    return status_of(termination.name, solution.name in ("optimal", "feasible"))


def model_size(model: pyo.ConcreteModel | LinearModel) -> tuple[int, int, int]:
    """(variables, integer variables, constraints) of an active model, fixed variables
    excluded."""
    if isinstance(model, LinearModel):
        return model.size()
    import pyomo.environ as pyo  # only for a pyomo model (module docstring)

    n_variables = n_integer = 0
    for variable in model.component_data_objects(pyo.Var, active=True, descend_into=True):
        if variable.fixed:
            continue
        n_variables += 1
        n_integer += not variable.is_continuous()
    n_constraints = sum(
        1 for _ in model.component_data_objects(pyo.Constraint, active=True, descend_into=True)
    )
    return n_variables, n_integer, n_constraints


def run_highs(
    model: pyo.ConcreteModel | LinearModel,
    *,
    time_limit_seconds: float,
    relative_gap: float = 0.0,
    threads: int = 1,
    seed: int = 0,
    relaxation: bool = False,
    objective_target: float | None = None,
    start: Sequence[tuple[object, float]] | None = None,
    heuristic_effort: float | None = None,
    node_limit: int | None = None,
    objective_bound: float | None = None,
    solution_limit: int | None = None,
    deadline: float | None = None,
    tee: bool = False,
    crossover: bool = True,
) -> SolverRun:
    """Solve ``model`` (or its LP relaxation) with HiGHS; load the solution if there is one.

    Parameters
    ----------
    model
        A pyomo model with one active objective (minimised), or an array model
        (:class:`~wfm.scheduling.linear_model.LinearModel`, the rota models), which goes to
        HiGHS without pyomo (:func:`_run_linear_model`).
    time_limit_seconds
        The limit on the call [CPU seconds of the calling thread, in which HiGHS runs]
        (:func:`wfm.highs_cpu_limit.cpu_limit`; HiGHS's wall ``time_limit`` is then only a
        far backstop), for an array and a pyomo model alike (pyomo's persistent interface
        keeps the ``highspy.Highs`` object, whose callbacks the limit uses).
    relative_gap
        HiGHS ``mip_rel_gap`` [fraction].
    threads, seed
        HiGHS ``threads`` and ``random_seed`` (one thread and a fixed seed make the result
        reproducible).
    relaxation
        Solve the LP relaxation (integrality dropped) with the interior-point method and
        crossover, which gives a vertex solution.
    objective_target
        Stop the MIP search at the first solution with an objective at most this [cost
        units] (HiGHS ``objective_target``).
    start
        Start values of (some of) the model's variables, as (pyomo variable, value) pairs,
        or for an array model as (column index, value) pairs (a MIP start, see the module
        docstring); ignored for a relaxation.
    heuristic_effort
        HiGHS ``mip_heuristic_effort`` (share of the MIP effort spent on primal
        heuristics, HiGHS default 0.05); ``None`` leaves HiGHS's default.
    node_limit
        HiGHS ``mip_max_nodes``: a deterministic work limit [branch-and-bound nodes];
        ``None`` for none. Ignored for a relaxation.
    objective_bound
        Prune every branch-and-bound node whose bound is at least this [cost units] (HiGHS
        ``objective_bound``): the search then only looks for solutions below it and ends as
        soon as its bound proves there are none. ``None`` for none. Ignored for a relaxation.
    solution_limit
        Stop at the this-many-th improving solution (HiGHS ``mip_max_improving_sols``; a
        MIP start counts); ``None`` for none. Ignored for a relaxation.
    deadline
        A :func:`~wfm.highs_cpu_limit.thread_cpu_seconds` value the call must end by (the
        CPU-time limit of a whole search): the model is loaded into HiGHS first and HiGHS
        gets the smaller of ``time_limit_seconds`` and the CPU time then left. ``None`` for
        none.
    tee
        Echo the solver log to the console (debugging); the log always goes to this
        module's logger at DEBUG level.
    crossover
        For a relaxation: run crossover after the interior-point method (a vertex
        solution, which the search's rounding and support need); without it the call
        gives the interior optimum, whose objective is the LP optimum to HiGHS's
        tolerances (enough for a bound) at a fraction of the time. Ignored for a MIP.
    """
    options = {
        "random_seed": int(seed),
        "solve_relaxation": bool(relaxation),
        "solver": "ipm" if relaxation else "choose",
        "objective_target": -math.inf if objective_target is None else float(objective_target),
    }
    if heuristic_effort is not None and not relaxation:
        options["mip_heuristic_effort"] = float(heuristic_effort)
    if node_limit is not None and not relaxation:
        options["mip_max_nodes"] = int(node_limit)
    if relaxation and not crossover:
        options["run_crossover"] = "off"
    if objective_bound is not None and not relaxation:
        options["objective_bound"] = float(objective_bound)
    if solution_limit is not None and not relaxation:
        options["mip_max_improving_sols"] = int(solution_limit)
    started = time.perf_counter()
    if isinstance(model, LinearModel):
        return _run_linear_model(
            model,
            options,
            time_limit_seconds=time_limit_seconds,
            relative_gap=relative_gap,
            threads=threads,
            relaxation=relaxation,
            start=start,
            deadline=deadline,
        )
    import pyomo.environ as pyo  # only for a pyomo model (module docstring)
    from pyomo.contrib.solver.common.factory import SolverFactory

    if next(model.component_data_objects(pyo.Var, active=True, descend_into=True), None) is None:
        constant = float(
            pyo.value(next(model.component_data_objects(pyo.Objective, active=True)).expr)
        )
        return SolverRun(
            SolveStatus.OPTIMAL, "empty model", constant, constant, time.perf_counter() - started
        )
    try:
        solver = SolverFactory(SOLVER_NAME)
        warm_started = bool(start) and not relaxation and _set_start(solver, model, start)
        if not warm_started:
            # loaded here, so that the limit's callbacks reach the ``highspy.Highs`` object
            # that solves it (pyomo's persistent interface keeps it; loading counts against
            # the deadline)
            solver.set_instance(model)
        cpu_seconds = float(time_limit_seconds)
        if deadline is not None:
            cpu_seconds = min(cpu_seconds, deadline - thread_cpu_seconds())
        with cpu_limit(_pyomo_highs(solver), cpu_seconds) as interrupt:
            results = solver.solve(
                model,
                tee=tee,
                time_limit=interrupt.backstop_seconds,  # pyomo sets it again: the backstop
                rel_gap=relative_gap,
                threads=threads,
                load_solutions=False,
                raise_exception_on_nonoptimal_result=False,
                solver_options=options,
            )
    except Exception as error:  # the solver boundary: any solver failure becomes a status
        return _failed_run(error, started)
    seconds = time.perf_counter() - started
    logger.debug("HiGHS log:\n%s", getattr(results, "solver_log", ""))
    if interrupt.fired and interrupt.model_status().name == "kTimeLimit":
        # pyomo reads HiGHS's kInterrupt as "unknown": it is our CPU-time limit
        results.termination_condition = type(results.termination_condition).maxTimeLimit
    status = translate_status(results.termination_condition, results.solution_status)
    objective = bound = None
    if status.has_solution:
        results.solution_loader.load_vars()
        objective = results.incumbent_objective
        bound = objective if relaxation else results.objective_bound
    return _finished_run(
        status,
        results.termination_condition.name,
        objective,
        bound,
        seconds,
        warm_started,
        "LP relaxation" if relaxation else "MIP",
    )


def _finished_run(
    status: SolveStatus,
    termination: str,
    objective: float | None,
    bound: float | None,
    seconds: float,
    warm_started: bool,
    what: str,
    highs_status: str | None = None,
) -> SolverRun:
    """The run of a solver call that returned (``what`` it solved, for the log line): a
    bound that is not finite is no bound."""
    if bound is not None and not math.isfinite(bound):
        bound = None
    run = SolverRun(status, termination, objective, bound, seconds, warm_started, highs_status)
    logger.info(
        "HiGHS %s: %s (%s) objective %s bound %s in %.2f s",
        what,
        status.value,
        highs_status or termination,
        objective,
        bound,
        seconds,
    )
    return run


def _failed_run(error: Exception, started: float) -> SolverRun:
    """The run of a solver call that raised ``error`` (logged with its traceback); ``started``
    is the call's :func:`time.perf_counter` reading."""
    logger.exception("the solver failed")
    return SolverRun(
        SolveStatus.ERROR,
        f"{type(error).__name__}: {error}",
        None,
        None,
        time.perf_counter() - started,
    )


def postsolve_broke_solution(
    status_name: str, has_solution: bool, relaxation: bool, options: dict
) -> bool:
    """Whether a MIP call ended at its objective target (so HiGHS had a solution) without a
    feasible solution, i.e. HiGHS's postsolve made its solution infeasible, and presolve was
    on (a call without presolve is not retried).

    >>> postsolve_broke_solution("kObjectiveTarget", False, False, {})
    True
    >>> postsolve_broke_solution("kObjectiveTarget", True, False, {})
    False
    >>> postsolve_broke_solution("kObjectiveTarget", False, False, {"presolve": "off"})
    False
    """
    return (
        status_name == "kObjectiveTarget"
        and not has_solution
        and not relaxation
        and options.get("presolve") != "off"
    )


#: HiGHS model status (by name) -> pyomo's name of the termination condition, as pyomo's
#: HiGHS interface maps them (so that pyomo and array models are read alike).
_TERMINATION_OF_STATUS = {
    "kOptimal": SOLVED_TERMINATION,
    "kInfeasible": "provenInfeasible",
    "kUnboundedOrInfeasible": "infeasibleOrUnbounded",
    "kUnbounded": "unbounded",
    "kObjectiveBound": "objectiveLimit",
    "kObjectiveTarget": "objectiveLimit",
    "kTimeLimit": "maxTimeLimit",
    "kIterationLimit": "iterationLimit",
    "kSolutionLimit": "iterationLimit",
    "kLoadError": "error",
    "kModelError": "error",
    "kPresolveError": "error",
    "kSolveError": "error",
    "kPostsolveError": "error",
}


def _run_linear_model(
    model: LinearModel,
    options: dict,
    *,
    time_limit_seconds: float,
    relative_gap: float,
    threads: int,
    relaxation: bool,
    start: Sequence[tuple[int, float]] | None,
    deadline: float | None,
) -> SolverRun:
    """:func:`run_highs` for an array model: the model's own ``highspy.Highs`` object (passed
    once, kept between the calls of one search, bounds brought up to date), its solver state
    cleared and its options reset before each call, so that every call starts as on a fresh
    object; the solution is loaded into the model as one array."""
    started = time.perf_counter()
    if model.n_columns == 0:
        constant = float(model.objective_offset)
        return SolverRun(
            SolveStatus.OPTIMAL, "empty model", constant, constant, time.perf_counter() - started
        )
    try:
        highs = model.highs()
        highs.clearSolver()
        highs.resetOptions()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", int(threads))
        highs.setOptionValue("mip_rel_gap", float(relative_gap))
        for key, value in options.items():
            highs.setOptionValue(key, value)
        warm_started = False
        if start and not relaxation:
            columns = np.fromiter((int(c) for c, _ in start), dtype=np.int64, count=len(start))
            values = np.fromiter((float(v) for _, v in start), dtype=np.float64, count=len(start))
            index = model.highs_columns(columns)
            passed = index >= 0
            if passed.any():
                highs.setSolution(int(passed.sum()), index[passed].astype(np.int32), values[passed])
                warm_started = True
                logger.info("warm start: %d start values given to HiGHS", int(passed.sum()))
        # The limit is on this thread's CPU time (HiGHS runs here, one thread), checked
        # by HiGHS's interrupt callbacks; HiGHS's own (wall) limit is only a far backstop.
        cpu_deadline = thread_cpu_seconds() + float(time_limit_seconds)
        if deadline is not None:
            cpu_deadline = min(cpu_deadline, deadline)
        with cpu_limit(highs, cpu_deadline - thread_cpu_seconds()) as interrupt:
            highs.run()
    except Exception as error:  # the solver boundary: any solver failure becomes a status
        return _failed_run(error, started)
    seconds = time.perf_counter() - started
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    status_name = interrupt.model_status().name  # our CPU-time limit read as kTimeLimit
    if postsolve_broke_solution(status_name, has_solution, relaxation, options):
        # HiGHS stopped at its objective target on a solution of the presolved model that
        # its postsolve turned infeasible (logged as "untransformed violations"; seen on the
        # pooled model of a rolling window, one row off by one agent): the same call again
        # without presolve, whose solutions need no postsolve. Depends only on HiGHS's
        # outcome, never on the clock, so the search stays deterministic.
        logger.warning(
            "HiGHS's postsolve made the solution it found (objective %s) infeasible after "
            "%.1f s: solving again without presolve",
            info.objective_function_value,
            seconds,
        )
        retry = _run_linear_model(
            model,
            {**options, "presolve": "off"},
            time_limit_seconds=time_limit_seconds,
            relative_gap=relative_gap,
            threads=threads,
            relaxation=relaxation,
            start=start,
            deadline=deadline,
        )
        return dataclasses.replace(retry, seconds=retry.seconds + seconds)
    termination = _TERMINATION_OF_STATUS.get(status_name, "unknown")
    status = status_of(termination, status_name == "kOptimal" or has_solution)
    objective = bound = None
    if status.has_solution:
        model.load(highs.getSolution().col_value)
        objective = float(info.objective_function_value)
        if relaxation or info.mip_node_count == -1:
            bound = objective if (relaxation or status == SolveStatus.OPTIMAL) else None
        else:
            bound = float(info.mip_dual_bound)
    return _finished_run(
        status,
        termination,
        objective,
        bound,
        seconds,
        warm_started,
        "LP relaxation (arrays)" if relaxation else "MIP (arrays)",
        status_name,
    )


def _pyomo_highs(solver) -> highspy.Highs:
    """The ``highspy.Highs`` object pyomo's persistent HiGHS interface loaded the model into
    (private to pyomo, as for the warm start; checked by
    ``tests/scheduling/test_pyomo_cpu_limit.py``)."""
    highs = getattr(solver, "_solver_model", None)
    if highs is None:
        raise RuntimeError(
            "pyomo's HiGHS interface keeps no `_solver_model`: the CPU-time limit cannot "
            "reach HiGHS (pyomo version not supported)"
        )
    return highs


def _set_start(solver, model: pyo.ConcreteModel, start: Sequence[tuple[object, float]]) -> bool:
    """Load ``model`` into the persistent HiGHS interface and give HiGHS the start values
    (``Highs.setSolution`` with column indices and values); ``False`` when the interface
    does not expose what this needs (the solve then runs without a start)."""
    try:
        solver.set_instance(model)
        highs = solver._solver_model
        columns = solver._pyomo_var_to_solver_var_map
        pairs = [
            (columns[id(variable)], float(value))
            for variable, value in start
            if id(variable) in columns
        ]
        if not pairs:
            return False
        index = np.array([column for column, _ in pairs], dtype=np.int32)
        values = np.array([value for _, value in pairs], dtype=np.float64)
        status = highs.setSolution(len(pairs), index, values)
    except (AttributeError, TypeError) as error:
        logger.warning("warm start not passed to HiGHS (%s); solving without it", error)
        return False
    logger.info("warm start: %d start values given to HiGHS (%s)", len(pairs), status)
    return True


@dataclass(frozen=True)
class MatrixModel:
    """A MILP as arrays, for :func:`run_highs_matrix`: minimise ``cost @ x`` subject to
    ``row_lower <= A @ x <= row_upper`` and ``col_lower <= x <= col_upper``.

    Parameters
    ----------
    cost
        Objective coefficient of each column [cost units per unit of the column].
    matrix
        Constraint matrix, shape (rows, columns) (a :mod:`scipy.sparse` matrix).
    row_lower, row_upper
        Row bounds (``±inf`` for none).
    col_lower, col_upper
        Column bounds (``±inf`` for none).
    integer
        Whether each column is integer.
    """

    cost: np.ndarray
    matrix: object
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray


#: HiGHS model status (by name) -> whether a time limit stopped the call, for :func:`run_highs_matrix`.
_HIGHS_LIMIT_NAMES = {"kTimeLimit": "maxTimeLimit", "kIterationLimit": "iterationLimit"}


def run_highs_matrix(
    model: MatrixModel,
    *,
    time_limit_seconds: float,
    relative_gap: float = 0.0,
    threads: int = 1,
    seed: int = 0,
    relaxation: bool = False,
    node_limit: int | None = None,
) -> tuple[SolverRun, np.ndarray | None]:
    """Solve a :class:`MatrixModel` with highspy directly (no pyomo): the arrays go to
    ``Highs.passModel`` in compressed-column form and the solution comes back as an array.

    Parameters
    ----------
    model
        The MILP.
    time_limit_seconds, relative_gap, threads, seed, relaxation, node_limit
        As for :func:`run_highs`.

    Returns
    -------
    tuple
        The :class:`SolverRun` (termination named as pyomo names it, so that the rest of the
        package reads both alike) and the column values (``None`` without a solution).
    """
    import highspy
    import scipy.sparse as sparse

    started = time.perf_counter()
    matrix = sparse.csc_matrix(model.matrix)
    highs = new_highs()
    highs.setOptionValue("threads", int(threads))
    highs.setOptionValue("random_seed", int(seed))
    highs.setOptionValue("mip_rel_gap", float(relative_gap))
    if node_limit is not None:
        highs.setOptionValue("mip_max_nodes", int(node_limit))
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = np.asarray(model.cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    if not relaxation and np.any(model.integer):
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in model.integer
        ]
    try:
        highs.passModel(lp)
        with cpu_limit(highs, time_limit_seconds) as interrupt:  # CPU time, as for arrays
            highs.run()
    except Exception as error:  # the solver boundary: any solver failure becomes a status
        logger.exception("the solver failed")
        return SolverRun(
            SolveStatus.ERROR, f"{type(error).__name__}: {error}", None, None, 0.0
        ), None
    seconds = time.perf_counter() - started
    status_name = interrupt.model_status().name  # our CPU-time limit read as kTimeLimit
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status_name == "kOptimal":
        status, termination = SolveStatus.OPTIMAL, "convergenceCriteriaSatisfied"
    elif status_name in ("kInfeasible", "kUnboundedOrInfeasible"):
        status, termination = SolveStatus.INFEASIBLE, "provenInfeasible"
    elif status_name in ("kTimeLimit", "kIterationLimit", "kSolutionLimit", "kObjectiveTarget"):
        termination = _HIGHS_LIMIT_NAMES.get(status_name, "iterationLimit")
        status = SolveStatus.FEASIBLE if has_solution else SolveStatus.NO_SOLUTION
    else:
        status, termination = SolveStatus.ERROR, status_name
    values = objective = bound = None
    if status.has_solution:
        values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
        objective = float(info.objective_function_value)
        is_mip = not relaxation and bool(np.any(model.integer))
        bound = float(info.mip_dual_bound) if is_mip else objective
        if not math.isfinite(bound):
            bound = None
    run = SolverRun(status, termination, objective, bound, seconds)
    logger.info(
        "HiGHS (arrays) %s: %s (%s) objective %s bound %s in %.2f s",
        "LP" if relaxation else "MIP",
        status.value,
        termination,
        objective,
        bound,
        seconds,
    )
    return run, values
