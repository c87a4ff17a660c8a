"""Template helpers of the accorderie plugin."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["accorderie_format_minutes"]


def accorderie_format_minutes(minutes: int) -> str:
    """Format a signed number of minutes for people: ``1 h 30``, ``-2 h``,
    ``45 min``."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return tk._("{sign}{hours} h {minutes:02d}").format(sign=sign, hours=hours, minutes=rest)
    if hours:
        return tk._("{sign}{hours} h").format(sign=sign, hours=hours)
    return tk._("{sign}{minutes} min").format(sign=sign, minutes=rest)
