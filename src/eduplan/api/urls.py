"""The JSON API under /api/ (django-ninja); endpoints are added by the intake/API work."""

urlpatterns: list = []
