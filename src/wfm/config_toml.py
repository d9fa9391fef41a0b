"""The centre as a TOML file: :func:`centre_toml` writes what :func:`wfm.config.load_centre`
reads back to the same centre (the app's Settings download, ``wfm init``)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path

from wfm.config import Centre

#: Centre fields that are file paths (written resolved against the centre's folder).
PATH_FIELDS = ("history", "aht_profile", "agents", "agent_states", "availability", "preferences")


# --- TOML --------------------------------------------------------------------------------
def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML: {value!r}")


def _toml_key(key: str) -> str:
    return (
        key
        if key.replace("_", "").replace("-", "").isalnum() and key.isascii()
        else json.dumps(key)
    )


def _toml_table(values: Mapping, notes: dict[str, str]) -> list[str]:
    lines = []
    for key, value in values.items():
        if value is None:
            if key in notes:
                lines.append(f"# {key}: {notes[key]}")
            continue
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return lines


def centre_toml(centre: Centre, *, absolute_paths: bool = True) -> str:
    """The centre as a TOML file that :func:`wfm.config.load_centre` reads back to the same centre.

    Parameters
    ----------
    centre
        The centre.
    absolute_paths
        Write file paths (history, agents, ...) resolved against the centre's folder, so the
        downloaded file works from any folder on this machine.

    Notes
    -----
    TOML has no null: optional fields that are none are left out, so that they take their
    defaults. A queue without an occupancy cap (``max_occupancy`` none, whose default is
    0.85) is written as ``max_occupancy = 1.0``: a 100 % cap, which never binds.
    """
    data = centre.model_dump(exclude={"base_dir", "sites"})
    top = {}
    for key in list(data):
        if not isinstance(data[key], dict | list | tuple):
            top[key] = data.pop(key)
    for name in PATH_FIELDS:
        path = getattr(centre, name)
        if path is not None:
            top[name] = str(centre.resolve(path).resolve() if absolute_paths else path)
    lines = [
        f"# Centre settings written by wfm on {dt.date.today().isoformat()}; see docs/data-formats.md.",
        "",
        "[centre]",
    ]
    lines += _toml_table(top, {})
    lines += ["", "[opening_hours]"] + _toml_table(data.pop("opening_hours"), {})
    for array in ("queues", "shift_templates", "break_rules", "contracts", "shift_types"):
        for item in data.pop(array):
            if array == "queues" and item.get("max_occupancy") is None:
                item["max_occupancy"] = 1.0
            lines += ["", f"[[{array}]]"] + _toml_table(item, {})
    for name, values in data.items():
        lines += ["", f"[{name}]"] + _toml_table(
            values, {"start_date": "not set: the Monday after the history ends"}
        )
    if centre.sites:
        lines += ["", _sites_toml(centre, absolute_paths=absolute_paths)]
    return "\n".join(lines) + "\n"


def _sites_toml(centre: Centre, *, absolute_paths: bool) -> str:
    """The centre's ``[[sites]]`` tables (fields left out take the centre's values)."""
    import tomli_w

    sites = []
    for site in centre.sites:
        values = {
            key: value
            for key, value in site.model_dump(mode="json", exclude_none=True).items()
            if value != []
        }
        for name in ("agents", "availability", "preferences"):
            path = getattr(site, name)
            if path is not None:
                values[name] = str(centre.resolve(path).resolve() if absolute_paths else path)
        sites.append(values)
    return tomli_w.dumps({"sites": sites}).rstrip()
