"""The statement's "time received from" label elides "de" in French."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from ckan.plugins import toolkit as tk

pytestmark = pytest.mark.usefixtures("with_plugins")

CASES = [
    ("fr", "Alice Martin", "Temps reçu d'Alice Martin"),
    ("fr", "Hélène N'Diaye", "Temps reçu d'Hélène N'Diaye"),
    ("fr", "Émile Roux", "Temps reçu d'Émile Roux"),
    ("fr", "un accordeur effacé", "Temps reçu d'un accordeur effacé"),
    ("fr", "Bruno Lefèvre", "Temps reçu de Bruno Lefèvre"),
    ("fr", "Yves Dubois", "Temps reçu de Yves Dubois"),
    ("en", "Alice Martin", "Time received from Alice Martin"),
    ("en", "Bruno Lefèvre", "Time received from Bruno Lefèvre"),
]


@pytest.mark.parametrize("locale, name, label", CASES)
def test_time_received_label(app, locale, name, label):
    with app.flask_app.test_request_context(), force_locale(locale):
        assert tk.h.accorderie_time_received_label(name) == label

