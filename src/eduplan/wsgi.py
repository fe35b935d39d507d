"""WSGI entry point for ``eduplan serve`` (gunicorn) and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
application = get_wsgi_application()
