"""WSGI entry point for ``eduplan serve`` (gunicorn) and other WSGI servers. With debug off it
refuses to start on the development key or without a separate identity-hash key."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
application = get_wsgi_application()

from eduplan.security.keys import refuse_unsafe_keys  # noqa: E402 - needs the settings loaded

refuse_unsafe_keys()
