"""The licence list of the portal, shipped as ``licenses.json``.

CKAN reads its licence list from ``licenses_group_url``, which may be a
``file://`` URL (``ckan.model.license.LicenseRegister.load_licenses`` opens
it with ``open()``). ``use_bundled_licenses`` points the option at the file
of this package unless the site's ini sets another list.

The order of the file is the order of the form's menu:

- ``etalab-2.0`` (Licence Ouverte / Open Licence 2.0, the default) and
  ``odc-odbl`` (ODbL 1.0) come first: they are the two licences that the
  French code of relations between the public and the administration
  (article D. 323-2-1, décret n° 2017-638) lets public bodies use for
  free reuse without an approval procedure.
- ``cc-by-4.0``, ``cc-by-sa-4.0`` and ``cc-zero-1.0`` follow, for data that
  associations, companies or residents publish on the portal: they are not
  bound by that list and mostly publish under Creative Commons.
- ``notspecified`` is kept for data whose licence is unknown, such as a
  file received without terms, so that no licence is claimed falsely.
"""
from __future__ import annotations

from pathlib import Path

from ckan.common import CKANConfig

__all__ = ["LICENSES_FILE", "use_bundled_licenses"]

LICENSES_FILE = Path(__file__).resolve().parent / "licenses.json"


def use_bundled_licenses(config: CKANConfig) -> None:
    """Set ``licenses_group_url`` to the bundled file unless the ini sets it."""
    if not config.get("licenses_group_url"):
        config["licenses_group_url"] = LICENSES_FILE.as_uri()
