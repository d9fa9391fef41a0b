"""`wfm simulate` (being written)."""


def register(commands) -> None:
    """Add no command until this module is written."""
