"""CKAN's own interface strings that its French catalogue leaves
untranslated or misspells, as of CKAN 2.11.6.

Nothing calls this module: ``bin/i18n`` extracts these messages into the
theme's catalogue, where they get their French text. CKAN's Babel set-up
merges CKAN's catalogue first, then each ITranslation plugin's, and the
last merged wins. ITranslation iterates the plugins in reverse order of
``ckan.plugins`` (``_reverse_iteration_order`` in CKAN's
``ckan/plugins/interfaces.py``), so the theme, which comes first there,
is merged last and its translations replace CKAN's on every page.

Each message is the exact msgid of CKAN's template, trailing dots and
placeholders included. Only messages that show on the pages residents use
are listed: the header, the search pages, log-in and registration, the
dataset pages and a logged-in user's pages.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction, without translating it."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Mark a message with a plural for extraction (Babel reads the name
    ``ngettext``), without translating it."""
    return singular if count == 1 else plural


CORE_STRINGS = (
    # Header of every page. "Account", "Toggle navigation", "Submit" and
    # "Search Datasets..." are read by screen readers (aria-label or a
    # hidden label). "Search datasets..." is misspelt in CKAN's French.
    N_("Account"),
    N_("Profile settings"),
    N_("Toggle navigation"),
    N_("Search Datasets..."),
    N_("Search datasets..."),
    N_("Submit"),
    N_("Breadcrumb"),
    # The submit button of the sort order, shown when JavaScript is off.
    # CKAN's French leaves it in English.
    N_("Go"),
    # Search pages: the filters button lacks its accent in CKAN's French,
    # and the empty facet message gives "de Organisations".
    N_("Filter Results"),
    N_("There are no {facet_type} that match this search"),
    # Log-in, registration and password reset.
    N_("Username or Email"),
    N_("Need an Account?"),
    N_("Create an Account"),
    N_("No problem, use our password recovery form to reset it."),
    N_("Request Reset"),
    N_("Full Name"),
    N_("Profile picture"),
    N_("Profile picture URL"),
    # Dataset pages, resource pages and the activity tab.
    N_("Social"),
    N_("Additional Info"),
    N_("Dataset description:"),
    N_('Source: <a href="%(url)s">%(dataset)s</a>'),
    N_("URL:"),
    N_("Activity Stream"),
    N_("All activity types"),
    N_("No activity found"),
    N_("No activity found for this type"),
    # A logged-in user's own pages and dashboard.
    N_("API Tokens"),
    N_("Member Since"),
    N_("This means only you can see this"),
    N_("Search followee"),
    # The help line under every Markdown field (the accorderie's service
    # descriptions, the profile's "About").
    N_(
        'You can use <a href="#markdown" title="Markdown quick reference" '
        'data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" '
        'data-bs-html="true">Markdown formatting</a> here'
    ),
    # The counts on the lists of organisations and groups: CKAN's French
    # leaves the members in English and capitalises "Jeu".
    ngettext("{num} Member", "{num} Members", 1),
    ngettext("{num} Dataset", "{num} Datasets", 1),
)
