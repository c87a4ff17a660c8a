"""WSGI entry point for gunicorn: ``gunicorn deploy.wsgi:application``.

The CKAN configuration file is read from the CKAN_INI environment variable.
"""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config = CKANConfigLoader(os.environ["CKAN_INI"]).get_config()
application = make_app(config)
