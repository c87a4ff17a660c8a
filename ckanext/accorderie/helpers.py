"""Template helpers of the accorderie plugin."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import neighbourhoods

__all__ = ["accorderie_format_minutes", "accorderie_dataset_offers", "accorderie_neighbourhood_map"]


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


def accorderie_dataset_offers(dataset_id: str, limit: int = 5) -> dict[str, Any]:
    """Return the published offers that help with a dataset, as the current
    visitor may see them: ``{"count": total, "results": [services]}``."""
    try:
        return tk.get_action("accorderie_dataset_service_list")(
            {"user": tk.current_user.name if tk.current_user.is_authenticated else ""},
            {"id": dataset_id, "limit": limit},
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        # The dataset page itself checks that the visitor may read the
        # dataset, so an empty list is enough here.
        return {"count": 0, "results": []}


def accorderie_neighbourhood_map(accorderie_id: str) -> dict[str, Any]:
    """Return the neighbourhood map of an accorderie, ready to draw.

    ``points`` lists each neighbourhood's counts with its ``x``, ``y`` and
    circle radius ``r`` in a 400 x 300 drawing. ``unplaced`` counts the
    services of neighbourhoods without a point.
    """
    collection = tk.get_action("accorderie_neighbourhood_map_show")(
        {"user": tk.current_user.name if tk.current_user.is_authenticated else ""},
        {"accorderie_id": accorderie_id},
    )
    return {
        "points": neighbourhoods.map_layout(collection["features"]),
        "unplaced": collection["unplaced"],
    }
