"""Tables that link the accorderie to the portal's catalogue: datasets named
by a service, and the point where each neighbourhood is drawn on a map."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, types

from ckan.model.base import BaseModel

__all__ = ["ServiceDataset", "NeighbourhoodPoint"]


class ServiceDataset(BaseModel):  # type: ignore[misc]
    """A dataset of the portal that a service offers help with."""

    __tablename__ = "accorderie_service_dataset"

    service_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_service.id", ondelete="CASCADE"),
        primary_key=True,
    )
    # References CKAN's `package` table, so a purged dataset takes its links
    # with it. A deleted (not purged) dataset keeps them, and the readers
    # skip it because package_show no longer shows it to visitors.
    package_id = Column(
        types.UnicodeText,
        ForeignKey("package.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )


class NeighbourhoodPoint(BaseModel):  # type: ignore[misc]
    """The point, set by staff, where a neighbourhood is drawn on a map.

    It is a landmark chosen for the neighbourhood as a whole, never a
    member's address.
    """

    __tablename__ = "accorderie_neighbourhood_point"

    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id", ondelete="CASCADE"),
        primary_key=True,
    )
    neighbourhood = Column(types.UnicodeText, primary_key=True)
    # WGS 84 degrees, as GeoJSON and the portal's maps use.
    latitude = Column(types.Float, nullable=False)
    longitude = Column(types.Float, nullable=False)
