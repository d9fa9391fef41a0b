"""The planner's workspace: the latest result of each workflow step, kept in the store.

A planner works in steps (centre settings -> history import -> forecast -> requirements ->
rota draft -> edits -> published rota) and expects to find tomorrow what they left today.
:class:`Workspace` is that memory: each ``save_*`` writes one step's result to the store
(:mod:`wfm.store`) in one transaction with its audit entry, and each ``latest_*`` reads the
newest one back, or ``None`` when the step has not been done yet. Older versions stay in the
store (datasets and rota versions are never overwritten), so the audit trail can point at
them.

The app (``apps/views``) holds one :class:`Workspace`; the CLI and notebooks can use the same
class on the same store.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> ws = Workspace.open(f"sqlite:///{folder / 'wfm.db'}", actor="planner")
>>> ws.latest_forecast() is None
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from wfm.config import Centre, parse_centre
from wfm.data.schemas import Agent, History
from wfm.data.states import StateLog
from wfm.errors import InputError
from wfm.execution import Executor
from wfm.plan.centre_rota import CentreRota, schedule_centre, solve_summary_dict
from wfm.plan.chain import PlanResult
from wfm.plan.rota_choice import SPAN_COLUMNS, applying, order_versions, rota_dates
from wfm.plan.site_compliance import site_violations_frame
from wfm.progress import ProgressCallback
from wfm.store import repository, schema
from wfm.store.audit import audit_log, default_actor, record
from wfm.store.migrations import init, status

#: Settings-table key of the centre configuration (JSON of :class:`~wfm.config.Centre`).
CENTRE_SETTING = "centre"
#: Workflow steps in order, as reported by :meth:`Workspace.steps`.
WORKFLOW_STEPS = ("centre", "history", "forecast", "requirements", "rota", "published")
#: Columns of :meth:`Workspace.steps`.
STEP_COLUMNS = ("step", "done", "saved_at", "saved_by", "detail")


@dataclass(frozen=True)
class SavedFrame:
    """A stored frame with where it came from.

    Parameters
    ----------
    id
        Dataset id in the store.
    frame
        The data.
    meta
        Metadata saved with it (model, start date, ...).
    created_at, created_by
        When (UTC ISO 8601 text) and by whom it was saved.
    """

    id: int
    frame: pd.DataFrame
    meta: dict
    created_at: str
    created_by: str


@dataclass(frozen=True)
class SavedSiteChecks:
    """A plan's working-time checks by site as the store keeps them with its rota version
    (:func:`wfm.plan.site_compliance.plan_checks`, saved by :meth:`Workspace.save_plan`).

    Parameters
    ----------
    rota_version
        The rota version checked (as planned; an edit makes a new version, not checked here).
    checks
        One :meth:`~wfm.plan.site_compliance.SiteCheck.summary` per site, in the centre
        file's order.
    violations
        :func:`~wfm.plan.site_compliance.site_violations_frame`: every violation with its
        ``site``, times as text in the site's zone (as ``violations.csv`` of ``wfm plan``).
    created_at, created_by
        When (UTC ISO 8601 text) and by whom they were saved.
    """

    rota_version: int
    checks: tuple[dict, ...]
    violations: pd.DataFrame
    created_at: str
    created_by: str


def _step_row(step: str, saved: pd.DataFrame, when_column: str, describe) -> tuple:
    """A :meth:`Workspace.steps` row from the step's saved rows (oldest first): the newest
    one's ``when_column``, author and ``describe(newest)``; not done when there are none."""
    if saved.empty:
        return (step, False, None, None, "")
    newest = saved.iloc[-1]
    return (step, True, newest[when_column], newest["created_by"], describe(newest))


class Workspace:
    """The latest result of each workflow step in one store.

    Parameters
    ----------
    url
        SQLAlchemy URL of the store (``sqlite:///path/wfm.db`` for a file).
    actor
        Who is working (recorded in the audit trail); default the OS user.
    """

    def __init__(self, url: str, actor: str | None = None) -> None:
        self.url = url
        self.actor = actor or default_actor()
        # (version id, updated_at, time zone) -> (first date, last date, queues) of a rota.
        self._span_cache: dict[tuple, tuple] = {}

    @classmethod
    def open(cls, url: str, actor: str | None = None) -> Workspace:
        """The workspace at ``url``, created or upgraded to the current schema first.

        A SQLite file's folder is created when missing.
        """
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(
                parents=True, exist_ok=True
            )
        if status(url).pending:
            init(url)
        return cls(url, actor)

    # --- centre configuration -----------------------------------------------------------
    def save_centre(self, centre: Centre) -> None:
        """Save the centre configuration (the Settings page), replacing the previous one."""
        value = json.dumps(
            {"centre": centre.model_dump(mode="json"), "base_dir": str(centre.base_dir)}
        )
        with repository.transaction(self.url) as conn:
            table = schema.settings
            exists = conn.execute(select(table.c.key).where(table.c.key == CENTRE_SETTING)).first()
            if exists:
                conn.execute(
                    table.update().where(table.c.key == CENTRE_SETTING).values(value=value)
                )
            else:
                conn.execute(table.insert().values(key=CENTRE_SETTING, value=value))
            record(
                conn,
                "settings_saved",
                "centre",
                centre.name,
                {"name": centre.name},
                actor=self.actor,
            )

    def centre(self) -> Centre | None:
        """The saved centre configuration, or ``None`` before the first save."""
        with repository.reading(self.url) as conn:
            row = conn.execute(
                select(schema.settings.c.value).where(schema.settings.c.key == CENTRE_SETTING)
            ).first()
        if row is None:
            return None
        saved = json.loads(row[0])
        return parse_centre(
            saved["centre"],
            source="the workspace's saved settings",
            base_dir=Path(saved["base_dir"]),
        )

    # --- inputs ---------------------------------------------------------------------------
    def save_history(self, history: History) -> int:
        """Save a history import; return its dataset id."""
        return repository.save_history(self.url, history, actor=self.actor)

    def latest_history(self) -> History | None:
        """The newest history import, or ``None``."""
        saved = self._latest("history")
        if saved is None:
            return None
        meta = saved.meta
        return History(saved.frame, meta["interval_minutes"], meta["timezone"], meta["source"])

    def save_agents(self, agents: Sequence[Agent]) -> None:
        """Replace the agent list."""
        repository.save_agents(self.url, agents, actor=self.actor)

    def agents(self) -> tuple[Agent, ...]:
        """The saved agents (empty before the first save)."""
        return repository.load_agents(self.url)

    def save_agent_states(self, log: StateLog) -> int:
        """Append an agent-state import."""
        return repository.save_state_log(self.url, log, actor=self.actor)

    def agent_state_event_count(self) -> int:
        """Number of agent-state events the workspace holds (every import together)."""
        return repository.count_rows(self.url, "agent_state_events")

    def agent_states(self, timezone: str) -> StateLog | None:
        """Every stored agent-state event, or ``None`` when there are none."""
        if repository.count_rows(self.url, "agent_state_events") == 0:
            return None
        return repository.load_state_log(self.url, timezone)

    # --- step results ---------------------------------------------------------------------
    def save_forecast(self, forecast: pd.DataFrame, meta: dict | None = None) -> int:
        """Save a forecast run (``meta``: model, start date, horizon, ...); return its id."""
        return repository.save_dataset(
            self.url, "forecast", "forecast", forecast, meta, actor=self.actor
        )

    def latest_forecast(self) -> SavedFrame | None:
        """The newest forecast, or ``None``."""
        return self._latest("forecast")

    def save_requirements(self, requirements: pd.DataFrame, meta: dict | None = None) -> int:
        """Save staffing requirements; return their id."""
        return repository.save_dataset(
            self.url, "requirements", "requirements", requirements, meta, actor=self.actor
        )

    def latest_requirements(self) -> SavedFrame | None:
        """The newest requirements, or ``None``."""
        return self._latest("requirements")

    def datasets(self, kind: str) -> pd.DataFrame:
        """Saved datasets of ``kind`` (``"history"``, ``"forecast"``, ``"requirements"``,
        ``"scenario"``): ``id, kind, name, created_at, created_by, rows``, oldest first."""
        return repository.list_datasets(self.url, kind)

    def forecasts(self) -> pd.DataFrame:
        """Saved forecasts, oldest first (columns as :meth:`datasets`)."""
        return self.datasets("forecast")

    def histories(self) -> pd.DataFrame:
        """Saved history imports, oldest first (columns as :meth:`datasets`)."""
        return self.datasets("history")

    def history(self, dataset_id: int) -> History:
        """One saved history import."""
        return repository.load_history(self.url, dataset_id)

    def frame(self, dataset_id: int, kind: str) -> SavedFrame:
        """One saved dataset (a forecast, requirements, scenario) with its metadata."""
        rows = repository.list_datasets(self.url, kind)
        row = rows[rows["id"] == dataset_id]
        if row.empty:
            raise InputError(
                f"there is no saved {kind} with id {dataset_id}",
                source="the workspace",
                value=dataset_id,
                fix=f"pick one of the saved {kind} datasets",
            )
        frame, meta = repository.load_dataset(self.url, dataset_id, kind)
        found = row.iloc[0]
        return SavedFrame(dataset_id, frame, meta, found["created_at"], found["created_by"])

    def covering(
        self, kind: str, first: dt.date, last: dt.date, timezone: str
    ) -> SavedFrame | None:
        """The newest saved ``kind`` (``"forecast"``, ``"requirements"``) whose intervals overlap
        ``first`` to ``last`` (local dates, inclusive), or ``None`` when none does.

        Only the newest datasets are opened until one overlaps, so a store with many
        forecasts is not read whole.
        """
        for dataset_id in reversed(repository.list_datasets(self.url, kind)["id"].tolist()):
            saved = self.frame(int(dataset_id), kind)
            if saved.frame.empty:
                continue
            dates = saved.frame["interval_start"].dt.tz_convert(timezone).dt.date
            if dates.min() <= last and dates.max() >= first:
                return saved
        return None

    def save_scenario(
        self, name: str, results: pd.DataFrame, meta: dict | None = None, *, replace: bool = False
    ) -> int:
        """Save a what-if scenario's results under ``name``.

        Names are unique in the list of scenarios (:meth:`scenarios`): saving under a name
        already used raises :class:`~wfm.errors.InputError` unless ``replace`` is true, in
        which case the new results take the name's place in the list (the older results stay
        in the store, so the audit trail can still point at them).
        """
        clean = name.strip()
        if not clean:
            raise InputError(
                "a scenario needs a name",
                source="scenario name",
                value=name,
                fix="type a name for the scenario",
            )
        if not replace and clean in set(self.scenarios()["name"]):
            raise InputError(
                f"a scenario named {clean!r} is already saved",
                source="scenario name",
                value=clean,
                fix="choose another name, or tick “Replace the saved scenario of that name”",
            )
        return repository.save_dataset(self.url, "scenario", clean, results, meta, actor=self.actor)

    def scenarios(self) -> pd.DataFrame:
        """Saved scenarios, one per name (the newest saved under it), newest first:
        ``id, name, created_at, created_by, rows``."""
        saved = repository.list_datasets(self.url, "scenario")
        columns = ["id", "name", "created_at", "created_by", "rows"]
        if saved.empty:
            return pd.DataFrame(columns=columns)
        newest = saved.sort_values("id").drop_duplicates("name", keep="last")
        return newest.sort_values("id", ascending=False)[columns].reset_index(drop=True)

    def scenario(self, dataset_id: int) -> SavedFrame:
        """One saved scenario: its per-interval results and its settings (``meta``)."""
        return self.frame(dataset_id, "scenario")

    # --- rota versions --------------------------------------------------------------------
    def save_rota(
        self,
        rota: pd.DataFrame,
        coverage: pd.DataFrame,
        solve_summary=None,
        *,
        name: str = "rota",
        start_date: dt.date | None = None,
    ) -> int:
        """Save a new rota version as a draft; return its version id."""
        return repository.save_rota(
            self.url,
            rota,
            coverage,
            solve_summary,
            name=name,
            start_date=start_date,
            actor=self.actor,
        )

    def generate_rota(
        self,
        centre: Centre,
        requirements: pd.DataFrame,
        start_date: dt.date,
        *,
        agents: Sequence[Agent] | None = None,
        name: str = "rota",
        executor: Executor | None = None,
        progress: ProgressCallback | None = None,
    ) -> tuple[int, CentreRota]:
        """Make the centre's rota (:func:`wfm.plan.centre_rota.schedule_centre`: one model per
        staffing group, as ``wfm plan`` does) and save it as a draft version whose solve
        summary holds one summary per group; return the version id and the rota.

        ``agents`` replaces the agents file of a centre without ``[[sites]]`` (a centre with
        sites reads each site's file). A centre with sites: the rota's working-time checks by
        site (:attr:`~wfm.plan.centre_rota.CentreRota.checks`) are saved with the version in
        the same transaction, as :meth:`save_plan` saves a plan's (:meth:`site_checks`).
        """
        made = schedule_centre(
            centre,
            requirements,
            start_date,
            agents=None if centre.sites else agents,
            executor=executor,
            progress=progress,
        )
        with repository.transaction(self.url) as conn:
            version_id = repository.save_rota(
                conn,
                made.result.rota,
                made.result.coverage,
                made.solve_summary(),
                name=name,
                start_date=start_date,
                actor=self.actor,
            )
            if made.checks:
                self._save_site_checks(conn, name, made.checks, version_id, start_date)
        return version_id, made

    def rota_versions(self) -> pd.DataFrame:
        """Every rota version: ``id, name, status, start_date, created_at, created_by, updated_at``."""
        return repository.list_rota_versions(self.url)

    def rota(self, version_id: int) -> repository.RotaVersion:
        """One rota version."""
        return repository.load_rota(self.url, version_id)

    def latest_rota(self, status: str | None = None) -> repository.RotaVersion | None:
        """The newest rota version (of ``status`` ``"draft"`` or ``"published"`` if given), or ``None``."""
        versions = self.rota_versions()
        if status is not None:
            versions = versions[versions["status"] == status]
        if versions.empty:
            return None
        return self.rota(int(versions["id"].max()))

    def rota_spans(self, timezone: str) -> pd.DataFrame:
        """Every rota version with the dates and queues it covers, offered order (published
        first, newest first): :data:`wfm.plan.rota_choice.SPAN_COLUMNS` plus ``name,
        start_date, updated_at``.

        Each version's coverage is read once per edit (kept by ``id`` and ``updated_at``).
        """
        versions = self.rota_versions()
        columns = [*SPAN_COLUMNS, "name", "start_date", "updated_at"]
        if versions.empty:
            return pd.DataFrame(columns=columns)
        cache = self._span_cache
        rows = []
        for row in versions.to_dict("records"):
            key = (int(row["id"]), str(row["updated_at"]), timezone)
            if key not in cache:
                version = self.rota(int(row["id"]))
                dates = rota_dates(version.coverage, timezone)
                queues = version.queues
                cache[key] = (*(dates or (None, None)), queues)
            first, last, queues = cache[key]
            rows.append(
                {
                    "id": int(row["id"]),
                    "status": row["status"],
                    "first_date": first,
                    "last_date": last,
                    "queues": queues,
                    "name": row["name"],
                    "start_date": row["start_date"],
                    "updated_at": row["updated_at"],
                }
            )
        return order_versions(pd.DataFrame(rows, columns=columns))

    def rota_for_period(
        self, first: dt.date, last: dt.date, timezone: str, queues=None
    ) -> repository.RotaVersion | None:
        """The rota that applies to ``first`` to ``last`` (:func:`wfm.plan.rota_choice.applying`):
        the newest published version overlapping the period, else the newest draft, among those
        staffing one of ``queues`` when given; ``None`` when no version applies."""
        found = applying(self.rota_spans(timezone), first, last, queues=queues)
        return None if found.empty else self.rota(int(found.iloc[0]["id"]))

    def edit_rota(
        self,
        version_id: int,
        rota: pd.DataFrame,
        coverage: pd.DataFrame | None = None,
        *,
        note: str = "",
    ) -> None:
        """Replace a draft's rows (published versions are frozen)."""
        repository.edit_rota(self.url, version_id, rota, coverage, note=note, actor=self.actor)

    def publish_rota(self, version_id: int) -> None:
        """Publish a draft."""
        repository.publish_rota(self.url, version_id, actor=self.actor)

    def delete_rota(self, version_id: int) -> None:
        """Delete a rota version (its audit entries stay)."""
        repository.delete_rota(self.url, version_id, actor=self.actor)

    # --- a whole plan at once -------------------------------------------------------------
    def save_plan(self, result: PlanResult) -> dict[str, int]:
        """Save every step of a :func:`wfm.plan.chain.run_plan` result (the "plan everything" button).

        The centre, history and agents are saved first; the forecast, requirements and rota
        draft then in one transaction. Metadata: forecast ``{"start_date", "horizon_days",
        "model"}``, requirements ``{"start_date"}`` (ISO dates).

        A centre with ``[[sites]]``: the plan's working-time checks by site
        (:attr:`PlanResult.compliance`) are saved with the rota, in the same transaction
        (:meth:`site_checks` reads them back), as ``wfm plan`` writes them beside its rota.

        Returns
        -------
        dict
            ``{"history": id, "forecast": id, "requirements": id, "rota_version": id}``,
            and ``"site_checks": id`` when the plan has checks.
        """
        self.save_centre(result.centre)
        history_id = self.save_history(result.history)
        self.save_agents(result.agents)
        start = result.start_date.isoformat()
        models = (
            sorted(result.forecast["model"].astype(str).unique())
            if "model" in result.forecast
            else []
        )
        forecast_meta = {
            "start_date": start,
            "horizon_days": result.centre.planning.horizon_days,
            "model": ", ".join(models),
        }
        with repository.transaction(self.url) as conn:
            ids = {
                "forecast": repository.save_dataset(
                    conn, "forecast", "forecast", result.forecast, forecast_meta, actor=self.actor
                ),
                "requirements": repository.save_dataset(
                    conn,
                    "requirements",
                    "requirements",
                    result.requirements,
                    {"start_date": start},
                    actor=self.actor,
                ),
                "rota_version": repository.save_rota(
                    conn,
                    result.rota.rota,
                    result.rota.coverage,
                    solve_summary_dict(result.rota, result.groups),
                    name="plan",
                    start_date=result.start_date,
                    actor=self.actor,
                ),
            }
            if result.compliance:
                ids["site_checks"] = self._save_site_checks(
                    conn, "plan", result.compliance, ids["rota_version"], result.start_date
                )
        return {"history": history_id, **ids}

    def _save_site_checks(
        self, conn, name: str, checks, version_id: int, start_date: dt.date
    ) -> int:
        """Save a rota version's working-time checks by site (:meth:`site_checks` reads them)
        inside the transaction ``conn``; return the dataset id."""
        return repository.save_dataset(
            conn,
            "site_checks",
            name,
            site_violations_frame(checks),
            {
                "rota_version": int(version_id),
                "start_date": start_date.isoformat(),
                "checks": [check.summary() for check in checks],
            },
            actor=self.actor,
        )

    def site_checks(self, version_id: int) -> SavedSiteChecks | None:
        """The working-time checks by site saved with rota version ``version_id`` by
        :meth:`save_plan` (the newest if saved twice); ``None`` when it has none (a centre
        without sites, or a version made by an edit or another page)."""
        saved = repository.list_datasets(self.url, "site_checks")
        for row in saved.iloc[::-1].itertuples(index=False):
            frame, meta = repository.load_dataset(self.url, int(row.id), "site_checks")
            if meta.get("rota_version") == version_id:
                return SavedSiteChecks(
                    version_id,
                    tuple(meta.get("checks", ())),
                    frame,
                    row.created_at,
                    row.created_by,
                )
        return None

    # --- overview -------------------------------------------------------------------------
    def row_counts(self) -> dict[str, int]:
        """Rows in each table of the store (the schema version table left out), by table name."""
        return {
            name: repository.count_rows(self.url, name)
            for name in schema.metadata.tables
            if name != "schema_version"
        }

    def audit(self) -> pd.DataFrame:
        """The audit trail, oldest first (see :func:`wfm.store.audit.audit_log`)."""
        return audit_log(self.url)

    def steps(self) -> pd.DataFrame:
        """One row per workflow step (:data:`WORKFLOW_STEPS`): done or not, when, by whom.

        Returns
        -------
        pandas.DataFrame
            :data:`STEP_COLUMNS`; ``saved_at`` is UTC ISO 8601 text or ``None``.
        """
        rows = []
        centre = self.centre()
        centre_entry = self._last_audit("settings_saved")
        rows.append(("centre", centre is not None, *centre_entry, centre.name if centre else ""))
        for step in ("history", "forecast", "requirements"):
            datasets = repository.list_datasets(self.url, step)
            rows.append(
                _step_row(
                    step, datasets, "created_at", lambda newest: f"{int(newest['rows']):,} rows"
                )
            )
        versions = self.rota_versions()
        for step, wanted in (("rota", None), ("published", "published")):
            chosen = versions if wanted is None else versions[versions["status"] == wanted]
            rows.append(
                _step_row(
                    step,
                    chosen,
                    "updated_at",
                    lambda newest: f"version {newest['id']} ({newest['status']})",
                )
            )
        return pd.DataFrame(rows, columns=list(STEP_COLUMNS))

    # --- internals ------------------------------------------------------------------------
    def _latest(self, kind: str) -> SavedFrame | None:
        datasets = repository.list_datasets(self.url, kind)
        if datasets.empty:
            return None
        newest = datasets.iloc[-1]
        frame, meta = repository.load_dataset(self.url, int(newest["id"]), kind)
        return SavedFrame(
            int(newest["id"]), frame, meta, newest["created_at"], newest["created_by"]
        )

    def _last_audit(self, action: str) -> tuple[str | None, str | None]:
        with repository.reading(self.url) as conn:
            table = schema.audit_log
            row = conn.execute(
                select(table.c.at, table.c.actor)
                .where(table.c.action == action)
                .order_by(table.c.id.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else (None, None)
