"""The theme's pages: French first, branded, and editable by a sysadmin."""
from __future__ import annotations

import re

import pytest

import ckan.plugins as p
from ckan.tests import factories
from ckan.tests.helpers import call_action

INFO_PAGES = {
    "/about": ("À propos", "About"),
    "/mentions-legales": ("Mentions légales", "Legal notice"),
    "/donnees-personnelles": ("Données personnelles", "Personal data"),
    "/accessibilite": ("Déclaration d'accessibilité", "Accessibility statement"),
}


def _csrf_token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.usefixtures("with_plugins")
def test_theme_plugin_is_loaded():
    assert p.plugin_loaded("agen_theme")


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("url", ["/", "/dataset/"])
def test_page_is_french(app, url):
    response = app.get(url)

    assert response.status_code == 200
    assert '<html lang="fr"' in response.body
    assert "Agen — données ouvertes" in response.body


@pytest.mark.usefixtures("clean_db", "with_plugins")
class TestHomePage:
    def test_has_skip_link_first(self, app):
        body = app.get("/").body

        assert body.index('class="agen-skip-link" href="#content"') < body.index("<header")
        assert 'id="content"' in body

    def test_search_box_has_label(self, app):
        body = app.get("/").body

        assert '<label for="agen-home-search">Rechercher dans les jeux de données</label>' in body
        assert 'id="agen-home-search"' in body

    def test_accorderie_entry(self, app):
        body = app.get("/").body

        assert 'href="/accorderie">Échanger des services avec l\'Accorderie</a>' in body

    def test_wordmark_has_text_alternative(self, app):
        body = app.get("/").body

        assert 'src="/agen_theme/wordmark.svg" alt="Agen — données ouvertes, page d\'accueil"' in body

    def test_english_home(self, app):
        body = app.get("/en/").body

        assert '<html lang="en"' in body
        assert "Exchange services with the Accorderie" in body

    @pytest.mark.usefixtures("clean_index")
    def test_theme_tiles_with_counts(self, app, catalogue):
        body = app.get("/").body

        assert 'href="/dataset/?vocab_theme=ECON"' in body
        assert "2 jeux de données" in body

    @pytest.mark.usefixtures("clean_index")
    def test_producers_listed(self, app, catalogue):
        body = app.get("/").body

        assert 'href="/organization/ville-agen">Ville d&#39;Agen</a>' in body


@pytest.mark.usefixtures("clean_db", "with_plugins")
class TestInformationPages:
    @pytest.mark.parametrize("url", INFO_PAGES)
    def test_french_by_default(self, app, url):
        response = app.get(url)

        assert response.status_code == 200
        assert f'<h1 class="page-heading">{INFO_PAGES[url][0]}</h1>'.replace("'", "&#39;") in response.body

    @pytest.mark.parametrize("url", INFO_PAGES)
    def test_english_version(self, app, url):
        response = app.get("/en" + url)

        assert response.status_code == 200
        assert f'<h1 class="page-heading">{INFO_PAGES[url][1]}</h1>' in response.body

    @pytest.mark.parametrize("url", INFO_PAGES)
    def test_linked_from_footer(self, app, url):
        body = app.get("/").body
        footer = body[body.index('<footer class="site-footer">'):]

        assert f'href="{url}"' in footer

    def test_default_accessibility_status(self, app):
        body = app.get("/accessibilite").body

        assert "<strong>non conforme</strong>" in body

    def test_unknown_page_not_found(self, app):
        assert app.get("/pages-inconnues").status_code == 404


@pytest.mark.usefixtures("clean_db", "with_plugins")
class TestAdminConfig:
    def test_form_has_page_fields(self, app):
        sysadmin = factories.SysadminWithToken()

        body = app.get("/ckan-admin/config", headers={"Authorization": sysadmin["token"]}).body

        assert 'name="ckanext.agen_theme.legal_notice_text"' in body
        assert 'name="ckanext.agen_theme.privacy_text"' in body
        assert 'name="ckanext.agen_theme.accessibility_text"' in body
        assert '<label class="form-label" for="field-ckanext-agen-theme-legal-notice-text"' in body

    def test_sysadmin_edits_legal_notice(self, app):
        sysadmin = factories.SysadminWithToken()
        headers = {"Authorization": sysadmin["token"]}
        form = app.get("/ckan-admin/config", headers=headers).body

        response = app.post(
            "/ckan-admin/config",
            headers=headers,
            data={
                "_csrf_token": _csrf_token(form),
                "ckanext.agen_theme.legal_notice_text": "## Hébergeur\n\nSociété d'hébergement, Agen.",
                "save": "",
            },
        )

        assert response.status_code == 200
        body = app.get("/mentions-legales").body
        assert "<h2>Hébergeur</h2>" in body
        assert "Société d'hébergement, Agen." in body

    def test_empty_text_restores_default(self, app):
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"]}
        call_action("config_option_update", context=dict(context), **{"ckanext.agen_theme.privacy_text": "Texte local"})
        call_action("config_option_update", context=dict(context), **{"ckanext.agen_theme.privacy_text": ""})

        body = app.get("/donnees-personnelles").body

        assert "Texte local" not in body
        assert "<h2>Vos droits</h2>" in body

    def test_markdown_html_is_stripped(self, app):
        sysadmin = factories.Sysadmin()
        call_action(
            "config_option_update",
            context={"user": sysadmin["name"]},
            **{"ckanext.agen_theme.accessibility_text": "Texte <script>alert(1)</script>"},
        )

        body = app.get("/accessibilite").body

        assert "<script>alert(1)</script>" not in body
        assert "Texte" in body

    def test_editor_cannot_open_form(self, app):
        user = factories.UserWithToken()

        response = app.get("/ckan-admin/config", headers={"Authorization": user["token"]})

        assert response.status_code == 403

    def test_editor_cannot_update_text(self):
        user = factories.User()

        with pytest.raises(p.toolkit.NotAuthorized):
            call_action(
                "config_option_update",
                context={"user": user["name"], "ignore_auth": False},
                **{"ckanext.agen_theme.privacy_text": "Texte"},
            )


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_logged_in_page_fetches_no_gravatar(app):
    user = factories.UserWithToken()

    body = app.get("/user/" + user["name"], headers={"Authorization": user["token"]}).body

    assert "gravatar.com" not in body
    assert 'class="user-image' in body or "user-image" in body
