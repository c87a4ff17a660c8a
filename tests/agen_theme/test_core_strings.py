"""CKAN's own strings on French pages: the theme's catalogue translates
those that CKAN 2.11's French catalogue leaves in English or misspells."""
from __future__ import annotations

import html
import re

import pytest

from ckan.tests import factories

# Pages for anonymous visitors: (path, French text expected, English or
# misspelt text that must be gone). The texts are compared with the page
# after its HTML entities are decoded.
ANONYMOUS_PAGES = [
    ("/fr/user/login", "Nom d'utilisateur ou adresse e-mail", "Username or Email"),
    ("/fr/user/login", "Pas encore de compte\u00a0?", "Need an Account?"),
    ("/fr/user/login", ">Créer un compte<", "Créer un Compte"),
    ("/fr/user/login", "formulaire de réinitialisation", "regénération"),
    ("/fr/user/reset", "Demander la réinitialisation", "Request Reset"),
    ("/fr/user/register", "Photo de profil", "Profile picture"),
    ("/fr/user/register", "Nom complet", "Nom Complet"),
    ("/fr/dataset/", 'aria-label="Compte"', 'aria-label="Account"'),
    ("/fr/dataset/", "Afficher ou masquer le menu", "Toggle navigation"),
    ("/fr/dataset/", "Rechercher dans les jeux de données…", "Search Datasets..."),
    ("/fr/dataset/", 'aria-label="Rechercher"', 'aria-label="Submit"'),
    ("/fr/dataset/", "Rechercher dans les jeux de données…", "jeux des données"),
    ("/fr/dataset/", "Fil d'Ariane", "Breadcrumb"),
    ("/fr/dataset/", ">Valider</button>", ">Go</button>"),
    ("/fr/dataset/", "Filtrer les résultats", "Filtrer les resultats"),
    (
        "/fr/dataset/?q=introuvable",
        "Aucun filtre «\u00a0Organisations\u00a0» ne correspond à cette recherche",
        "Il n'y a pas de Organisations",
    ),
    ("/fr/organization/", "Afficher ou masquer le menu", "Toggle navigation"),
    ("/fr/group/", "Fil d'Ariane", "Breadcrumb"),
    ("/fr/dataset/budget-2024", "Partager</h2>", "Social</h2>"),
    ("/fr/dataset/budget-2024", "Flux d'activité", "Flux d'Activité"),
    ("/fr/dataset/activity/budget-2024", "Tous les types d'activité", "All activity types"),
]

# Pages of a logged-in user, with the same columns.
USER_PAGES = [
    ("/fr/dashboard/datasets", "Paramètres du profil", "Profile settings"),
    ("/fr/user/edit/{name}", "Adresse (URL) de la photo de profil", "Profile picture URL"),
    ("/fr/user/{name}", "Jetons d'API", "API Tokens"),
    ("/fr/user/{name}", "Membre depuis", "Membre Depuis"),
    ("/fr/user/{name}", "Vous seul pouvez voir cette information", "Cela signifie, que"),
    ("/fr/user/edit/{name}", "mise en forme Markdown</a> ici", "Markdown formatting</a> here"),
]


def _page_text(app, path, headers=None):
    response = app.get(path, headers=headers or {})
    assert response.status_code == 200
    return html.unescape(response.body)


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "catalogue")
@pytest.mark.parametrize("path, french, english", ANONYMOUS_PAGES)
def test_anonymous_page_translated(app, path, french, english):
    text = _page_text(app, path)

    assert french in text
    assert english not in text


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
@pytest.mark.parametrize("path, french, english", USER_PAGES)
def test_user_page_translated(app, path, french, english):
    user = factories.UserWithToken(name="jeanne")

    text = _page_text(app, path.format(name=user["name"]), {"Authorization": user["token"]})

    assert french in text
    assert english not in text


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_resource_page_translated(app):
    # A resource without a description shows its dataset's description.
    organization = factories.Organization()
    dataset = factories.Dataset(
        name="budget-2025", notes="Le budget primitif.", owner_org=organization["id"],
    )
    resource = factories.Resource(package_id=dataset["id"], description="")

    text = _page_text(app, f"/fr/dataset/budget-2025/resource/{resource['id']}")

    assert "Description du jeu de données\u00a0:" in text
    assert "Dataset description:" not in text
    assert "Source\u00a0: <a href=" in text
    assert "Source: <a href=" not in text
    assert "URL\u00a0: <a" in text
    assert "URL: <a" not in text


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
@pytest.mark.parametrize("path, english", [
    ("/en/user/login", "Username or Email"),
    ("/en/dataset/", "Filter Results"),
    ("/en/dataset/", 'aria-label="Breadcrumb"'),
])
def test_english_page_unchanged(app, path, english):
    assert english in _page_text(app, path)


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_organisation_counts_translated(app):
    organization = factories.Organization(users=[{"name": factories.User()["name"], "capacity": "editor"}])
    factories.Dataset(owner_org=organization["id"])
    factories.Dataset(owner_org=organization["id"])

    counts = re.findall(r'<strong class="count">([^<]*)</strong>', _page_text(app, "/fr/organization/"))

    assert counts == ["2 jeux de données", "2 membres"]
