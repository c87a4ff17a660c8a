"""ckanext-scheming schemas of the Agen portal, loaded as ckanext.agen_schemas:FILE."""
