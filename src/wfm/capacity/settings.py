"""Inputs of a capacity plan: people, hiring, costs and known events, read from a TOML file.

The centre file (:mod:`wfm.config`) says what service the centre must give (queues, targets,
occupancy caps, shrinkage, contracts); a capacity file says what a manager plans with months
ahead: how many people leave, how hiring classes work, what they cost, and the events and
seasons the history cannot know. Every field has a unit in its name and a default, so an empty
file (or none) is a valid plan with stated assumptions (docs/capacity.md lists them).

Example
-------
>>> settings = parse_capacity_settings({"attrition": {"monthly_fraction": 0.02}})
>>> settings.attrition.monthly_fraction
0.02
>>> round(settings.attrition.weekly_fraction(), 5)  # 1 - 0.98 ** (1 / 4.348 weeks a month)
0.00464
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wfm.errors import ConfigError

#: Weeks in an average month (52.1775 weeks / 12 months).
WEEKS_PER_MONTH = 365.2425 / 7 / 12


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def monthly_to_weekly_fraction(monthly_fraction: float) -> float:
    """The weekly rate that compounds to ``monthly_fraction`` over an average month.

    1 − (1 − m)^(1 / 4.348): 3 % a month is 0.698 % a week, not 3 % / 4.348 = 0.690 %.

    Examples
    --------
    >>> round(monthly_to_weekly_fraction(0.03), 6)
    0.006981
    """
    return 1.0 - (1.0 - monthly_fraction) ** (1.0 / WEEKS_PER_MONTH)


class TenureBand(_Frozen):
    """Attrition of people up to a tenure (time since their class started)."""

    max_tenure_months: float = Field(gt=0, description="Upper end of the band [months of tenure].")
    monthly_fraction: float = Field(
        ge=0, lt=1, description="Share of the band's people who leave each month [fraction]."
    )


class AttritionSettings(_Frozen):
    """People who leave: a monthly rate, optionally higher for new starters (tenure bands)."""

    monthly_fraction: float = Field(
        0.03,
        ge=0,
        lt=1,
        description="Share of current agents who leave each month [fraction]; also the rate of "
        "hires past the last tenure band.",
    )
    tenure_bands: tuple[TenureBand, ...] = Field(
        default=(),
        description="Higher attrition for new starters, by months since their class started "
        "(bands in increasing order).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> AttritionSettings:
        ends = [band.max_tenure_months for band in self.tenure_bands]
        if ends != sorted(ends) or len(set(ends)) != len(ends):
            raise ValueError(
                f"attrition.tenure_bands must be in increasing max_tenure_months, got {ends}"
            )
        return self

    def weekly_fraction(self, tenure_weeks: float | None = None) -> float:
        """Weekly attrition [fraction] of someone ``tenure_weeks`` into the job (None: tenured)."""
        if tenure_weeks is not None:
            months = tenure_weeks / WEEKS_PER_MONTH
            for band in self.tenure_bands:
                if months < band.max_tenure_months:
                    return monthly_to_weekly_fraction(band.monthly_fraction)
        return monthly_to_weekly_fraction(self.monthly_fraction)


class HiringSettings(_Frozen):
    """How a hiring class works, and the limits a hiring plan must respect."""

    training_weeks: int = Field(
        4, ge=0, le=52, description="Classroom weeks before a hire takes contacts [weeks]."
    )
    training_attrition_fraction: float = Field(
        0.10,
        ge=0,
        lt=1,
        description="Share of a class that leaves during training [fraction], spread evenly "
        "over the training weeks.",
    )
    ramp_up_monthly: tuple[float, ...] = Field(
        (0.5, 0.75),
        description="Productivity of a hire in each month after training, as a fraction of a "
        "tenured agent's; 1.0 after the last (the default is 50 % then 75 %, then 100 %).",
    )
    recruitment_lead_weeks: int = Field(
        6,
        ge=0,
        le=52,
        description="Weeks from deciding to hire to the first day of a class [weeks]: no new "
        "class starts earlier than this after the plan starts.",
    )
    min_class_size: int = Field(5, ge=1, description="Smallest class worth running [people].")
    max_class_size: int = Field(20, ge=1, description="Largest class one trainer takes [people].")
    min_weeks_between_classes: int = Field(
        1, ge=1, description="Weeks from one class start to the next [weeks]."
    )
    hire_fte: float = Field(
        1.0, gt=0, le=1.5, description="Contracted FTE of one hire (1.0 = full time)."
    )
    cost_per_hire: float = Field(
        3000.0, ge=0, description="Recruitment and training cost of one hire [cost units]."
    )
    budget: float | None = Field(
        None,
        ge=0,
        description="Most the plan may spend on recruitment and training [cost units]; none for "
        "no budget.",
    )

    @model_validator(mode="after")
    def _sizes(self) -> HiringSettings:
        if self.max_class_size < self.min_class_size:
            raise ValueError(
                f"hiring.max_class_size {self.max_class_size} is below min_class_size "
                f"{self.min_class_size}"
            )
        for share in self.ramp_up_monthly:
            if not 0 <= share <= 1:
                raise ValueError(
                    f"hiring.ramp_up_monthly must be fractions between 0 and 1, got {share}"
                )
        return self


class CostSettings(_Frozen):
    """Prices the hiring optimiser weighs against each other."""

    cost_per_paid_hour: float | None = Field(
        None,
        ge=0,
        description="Pay of one agent-hour [cost units]; default: the first contract's "
        "cost_per_paid_hour in the centre file.",
    )
    overtime_premium: float = Field(
        1.5,
        ge=1,
        description="Overtime pay as a multiple of the hourly pay (1.5 = time and a half).",
    )
    max_overtime_fraction: float = Field(
        0.10,
        ge=0,
        le=1,
        description="Overtime at most this share of the week's productive FTE (agents taking contacts) [fraction].",
    )
    shortfall_cost_per_fte_week: float = Field(
        50000.0,
        ge=0,
        description="Price of one FTE-week below the requirement [cost units]: high, so that the "
        "optimiser hires or buys overtime wherever the rules allow.",
    )


class ClassPlan(_Frozen):
    """A hiring class already decided (or being tested by hand)."""

    start: dt.date = Field(description="First day of the class (local date).")
    size: int = Field(ge=1, description="People starting [people].")


class Movement(_Frozen):
    """A known change of headcount: transfers in (positive) or out, planned leavers."""

    date: dt.date = Field(description="Local date the change takes effect.")
    fte: float = Field(description="FTE joining (positive) or leaving (negative) [FTE].")
    reason: str = Field("", description="Free text shown in the report.")


class VolumeEvent(_Frozen):
    """A known event that changes volume: a product launch, a campaign, a price change."""

    name: str = Field(description="Shown in the report.")
    start: dt.date = Field(description="First local date affected.")
    end: dt.date = Field(description="Last local date affected.")
    volume_multiplier: float = Field(
        gt=0, le=20, description="Volume is multiplied by this on the days affected (1.2 = +20 %)."
    )
    queues: tuple[str, ...] = Field(default=(), description="Queues affected; empty for all.")

    @model_validator(mode="after")
    def _dates(self) -> VolumeEvent:
        if self.end < self.start:
            raise ValueError(f"event '{self.name}': end {self.end} is before start {self.start}")
        return self


class CapacitySettings(_Frozen):
    """Everything a capacity plan needs beyond the centre file."""

    fte_paid_hours_per_week: float = Field(
        37.5, gt=0, le=80, description="Paid hours of one full-time equivalent [hours a week]."
    )
    paid_break_fraction: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="Share of paid hours spent on paid breaks [fraction]; default: from the "
        "centre's paid break rules for an 8-hour shift.",
    )
    shrinkage_by_month: dict[int, float] = Field(
        default_factory=dict,
        description="Shrinkage per calendar month {1..12: fraction} (vacation seasons); months "
        "not given use the centre's shrinkage.",
    )
    fte_by_contract: dict[str, float] = Field(
        default_factory=dict,
        description="FTE of one agent on each contract; default: the contract's mid-point paid "
        "hours / fte_paid_hours_per_week.",
    )
    history_weeks_for_profile: int = Field(
        8,
        ge=1,
        le=104,
        description="Recent weeks whose intraday and weekly shape each future week takes [weeks].",
    )
    attrition: AttritionSettings = Field(default_factory=AttritionSettings)
    hiring: HiringSettings = Field(default_factory=HiringSettings)
    costs: CostSettings = Field(default_factory=CostSettings)
    planned_classes: tuple[ClassPlan, ...] = Field(
        default=(), description="Classes already decided; the optimiser adds to them."
    )
    movements: tuple[Movement, ...] = Field(
        default=(), description="Transfers and planned leavers."
    )
    events: tuple[VolumeEvent, ...] = Field(
        default=(), description="Known events that change volume."
    )

    @model_validator(mode="after")
    def _months(self) -> CapacitySettings:
        for month, fraction in self.shrinkage_by_month.items():
            if not 1 <= int(month) <= 12:
                raise ValueError(f"shrinkage_by_month: month {month} is not 1..12")
            if not 0 <= fraction < 1:
                raise ValueError(
                    f"shrinkage_by_month: month {month} shrinkage {fraction} is not in [0, 1)"
                )
        return self


def parse_capacity_settings(raw: dict, source: str = "capacity settings") -> CapacitySettings:
    """Validate capacity settings given as a dict (parsed TOML, or built by the app).

    Raises
    ------
    ConfigError
        Naming the key, the value and the fix.
    """
    try:
        return CapacitySettings.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        given = first.get("input")
        raise ConfigError(
            message,
            source=source,
            column=key,
            value=None if isinstance(given, dict | list | tuple) else given,
            fix="see docs/capacity.md for every field with its unit and default",
        ) from None


def load_capacity_settings(path: str | Path | None) -> CapacitySettings:
    """Read a capacity TOML file; ``None`` gives the documented defaults."""
    if path is None:
        return CapacitySettings()
    from wfm.toml_files import read_toml_file

    path = Path(path)
    raw = read_toml_file(
        path,
        what="capacity file",
        missing_fix="check the path, or leave --capacity out to use the defaults",
    )
    return parse_capacity_settings(raw, source=str(path))
