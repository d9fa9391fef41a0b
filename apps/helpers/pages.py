"""The app's pages, defined once: the entry file builds the navigation from :data:`PAGES`
and the tests open every page listed here.

Each page is ``(section, path, title, icon)``; ``path`` is relative to ``apps/``.
"""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    """One page of the app's navigation."""

    section: str
    path: str
    title: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Plan", "views/overview.py", "Overview", ":material/dashboard:"),
    PageSpec("Plan", "views/upload.py", "Data", ":material/upload_file:"),
    PageSpec("Plan", "views/forecast.py", "Forecast", ":material/show_chart:"),
    PageSpec("Plan", "views/staffing.py", "Staffing", ":material/grid_on:"),
    PageSpec("Plan", "views/rota_builder.py", "Rota builder", ":material/calendar_month:"),
    PageSpec("Check", "views/today.py", "Today", ":material/schedule:"),
    PageSpec("Check", "views/whatif.py", "What if", ":material/tune:"),
    PageSpec("Check", "views/adherence.py", "Adherence", ":material/fact_check:"),
    PageSpec("Check", "views/review.py", "Review", ":material/insights:"),
    PageSpec("Check", "views/capacity.py", "Capacity", ":material/groups:"),
    PageSpec("Workspace", "views/settings.py", "Settings", ":material/settings:"),
)

#: The page shown first.
DEFAULT_PAGE = "views/overview.py"


def page_path(title: str) -> str:
    """The path of the page called ``title`` (e.g. ``"Data"`` → ``"views/upload.py"``)."""
    for page in PAGES:
        if page.title == title:
            return page.path
    raise KeyError(f"no page titled {title!r}")
