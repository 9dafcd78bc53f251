"""/api/: the REST API (router), its schema and documentation, tokens, CSV/XLSX export and import.

Viewsets of other apps are registered in ``amity/<app>/api.py`` (see amity/api/README-for-apps.md); those
modules are imported here, after every app is ready, before the router's URLs are built.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle

from amity.api import partners, views
from amity.api.routers import router

app_name = "api"

partners.register(router)
for config in apps.get_app_configs():
    if config.name.startswith("amity.") and config.name != "amity.api" and find_spec(f"{config.name}.api"):
        import_module(f"{config.name}.api")


class LoginRateThrottle(AnonRateThrottle):
    """Password guessing through the token endpoint: at most 20 attempts a minute per address."""

    rate = "20/min"

    def get_rate(self):
        return self.rate


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's API token."""

    throttle_classes = [LoginRateThrottle]


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML by default; ?format=json for JSON). Public."""

    permission_classes = [AllowAny]
    authentication_classes = []


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", views.docs_view, name="docs"),
    path("token/", TokenView.as_view(), name="token"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("export/", views.export_index, name="export_index"),
    path("export/<slug:name>.<slug:fmt>", views.ExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<slug:model>/", views.ImportAPIView.as_view(), name="import_api"),
    *router.urls,
]
