"""Which shifts a contract's agents may work: the longest shift, and the templates and lengths.

Settings (each ``[[contracts]]``): ``max_shift_minutes`` [minutes], ``shift_templates``
(names; empty for all) and ``shift_lengths_minutes`` [minutes] (empty for all). The rule needs
no rows in the model: the shifts it rules out are not among an agent's choices
(:func:`allowed_mask`, used by :func:`wfm.scheduling.instance.eligible_pairs`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.scheduling.rota_view import Violation, contract_source, duration_text, span_text
from wfm.scheduling.rules.base import Rule, contract_settings, contracts_and_agents, who


def allowed_mask(candidates: pd.DataFrame, contracts: Sequence[Contract]) -> np.ndarray:
    """Boolean (contracts, candidates): which shift candidates each contract allows.

    A candidate is allowed when its length (start to end) is at most ``max_shift_minutes``,
    its template is among ``shift_templates`` (when any are named) and its length among
    ``shift_lengths_minutes`` (when any are given).
    """
    length = candidates["length_minutes"].to_numpy(dtype=np.int64)
    template = candidates["template"].astype(str).to_numpy()
    rows = []
    for contract in contracts:
        fits = length <= contract.max_shift_minutes
        if contract.shift_templates:
            fits &= np.isin(template, list(contract.shift_templates))
        if contract.shift_lengths_minutes:
            fits &= np.isin(length, list(contract.shift_lengths_minutes))
        rows.append(fits)
    return np.array(rows, dtype=bool).reshape(len(contracts), len(candidates))


def _offered_lengths(instance, contract: Contract) -> list[int]:
    """Template lengths the contract's templates offer, before the length limits."""
    return [
        length
        for template in instance.shift_templates
        if not contract.shift_templates or template.name in contract.shift_templates
        for length in template.lengths_minutes
    ]


def unusable_contracts(instance) -> set[str]:
    """Contracts (of the agents scheduled) that allow no template length at all."""
    out = set()
    for contract in dict.fromkeys(instance.contracts):
        lengths = _offered_lengths(instance, contract)
        allowed = [
            length
            for length in lengths
            if length <= contract.max_shift_minutes
            and (not contract.shift_lengths_minutes or length in contract.shift_lengths_minutes)
        ]
        if (
            lengths
            and not allowed
            and (contract.min_days_per_week > 0 or contract.min_hours_per_week > 0)
        ):
            out.add(contract.name)
    return out


def _no_shift_text(contract: Contract, names: list[str]) -> str:
    """The end of a diagnosis of a contract whose agents ``names`` can take no shift."""
    return (
        f"so its {who(names)} can take no shift and cannot meet the contract's minimum days "
        f"({contract.min_days_per_week}) and hours ({contract.min_hours_per_week:g})"
    )


class AllowedShifts(Rule):
    """The shifts a contract allows."""

    name = "allowed_shifts"
    title = "Shift length and templates"
    description = (
        "An agent works only shifts of at most max_shift_minutes (unpaid lunch included), of "
        "the templates the contract names in shift_templates and of the lengths in "
        "shift_lengths_minutes (both empty: all), so full-time agents are kept off part-time "
        "shifts."
    )
    settings = contract_settings(
        max_shift_minutes="minutes", shift_templates="names", shift_lengths_minutes="minutes"
    )

    def diagnose(self, instance) -> list[str]:
        """Contracts with a minimum of days or hours that allow no template length."""
        problems = []
        bad = unusable_contracts(instance)
        for contract, names in contracts_and_agents(instance):
            if contract.name not in bad:
                continue
            lengths = _offered_lengths(instance, contract)
            if contract.shift_templates or contract.shift_lengths_minutes:
                problems.append(
                    f"contract '{contract.name}' allows only templates "
                    f"{list(contract.shift_templates) or 'all'} with lengths "
                    f"{list(contract.shift_lengths_minutes) or 'any'} of at most "
                    f"{contract.max_shift_minutes} minutes, but those templates offer only "
                    f"{sorted(set(lengths))} minutes, {_no_shift_text(contract, names)}"
                )
                continue
            shortest = min(lengths)
            problems.append(
                f"contract '{contract.name}' allows shifts of at most {contract.max_shift_minutes} "
                f"minutes, but the shortest shift of every template is {shortest} minutes, "
                f"{_no_shift_text(contract, names)}"
            )
        return problems

    def check(self, view) -> list[Violation]:
        agents = view.contracted_agents()
        if not agents:
            return []
        shifts = view.shifts
        held = list({id(c): c for c in (view.contract_of[a] for a in agents)}.values())
        index_of = {id(c): k for k, c in enumerate(held)}
        rank_of = {agent: rank for rank, agent in enumerate(agents)}
        contract_index_of = {agent: index_of[id(view.contract_of[agent])] for agent in agents}
        agent_ids = shifts["agent_id"]
        rank = agent_ids.map(rank_of).to_numpy(dtype=float, na_value=np.nan)
        checked = np.flatnonzero(~np.isnan(rank))
        which = agent_ids.map(contract_index_of).to_numpy(dtype=float)[checked].astype(np.int64)
        span = shifts["span_seconds"].to_numpy()[checked]
        max_seconds = np.array([c.max_shift_minutes * 60.0 for c in held], dtype=float)[which]
        too_long = span > max_seconds
        other_length = np.zeros(len(checked), dtype=bool)
        minutes = np.rint(span / 60.0).astype(np.int64)
        for k, contract in enumerate(held):
            if contract.shift_lengths_minutes:
                other_length |= (which == k) & ~np.isin(
                    minutes, list(contract.shift_lengths_minutes)
                )
        # Each agent in turn (sorted), its long shifts then its shifts of another length,
        # each in shift order: the order of the per-agent check this replaces.
        kinds = np.r_[np.zeros(too_long.sum()), np.ones(other_length.sum())]
        where = np.r_[np.flatnonzero(too_long), np.flatnonzero(other_length)].astype(np.int64)
        order = np.lexsort((checked[where], kinds, rank[checked[where]]))
        rows = shifts.take(checked[where[order]])
        return [
            _breach(row, held[which[k]], long=kind == 0)
            for row, k, kind in zip(rows.itertuples(), where[order], kinds[order], strict=True)
        ]


def _breach(row, contract: Contract, *, long: bool) -> Violation:
    """The breach of ``contract`` by the shift ``row``: too long, or of a length it does not
    allow."""
    source = contract_source(contract)
    if long:
        return Violation(
            row.agent_id,
            "contract_max_shift",
            source,
            row.start,
            row.end,
            float(row.span_seconds / 60.0),
            float(contract.max_shift_minutes),
            "minutes",
            f"{row.agent_id}: shift between {span_text(row.start, row.end)} lasts "
            f"{duration_text(row.span_seconds)}, contract {contract.name} allows at most "
            f"{duration_text(contract.max_shift_minutes * 60)}",
        )
    allowed = ", ".join(str(m) for m in contract.shift_lengths_minutes)
    return Violation(
        row.agent_id,
        "contract_shift_length",
        source,
        row.start,
        row.end,
        float(round(row.span_seconds / 60.0)),
        float(max(contract.shift_lengths_minutes)),
        "minutes",
        f"{row.agent_id}: shift between {span_text(row.start, row.end)} lasts "
        f"{duration_text(row.span_seconds)}, contract {contract.name} allows only "
        f"shifts of {allowed} minutes",
    )


RULE = AllowedShifts()
