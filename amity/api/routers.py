"""The one API router. Apps add viewsets in ``amity/<app>/api.py`` (imported when the URLs load) with
``from amity.api.routers import router; router.register("prefix", ViewSet, basename="name")``."""

from __future__ import annotations

from collections import OrderedDict

from django.urls import NoReverseMatch
from rest_framework import routers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse


class AmityRootView(routers.APIRootView):
    """Amity API: partners, activities, documents and reviews. Authenticate with a token
    (`Authorization: Token <key>`, from /api/token/ or /api/tokens/) or a logged-in session."""

    permission_classes = [AllowAny]
    extra_links = [("schema", "api:schema"), ("docs", "api:docs"), ("token", "api:token"),
                   ("tokens", "api:tokens"), ("export", "api:export_index"), ("import", "api:import")]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = OrderedDict(response.data)
        for key, url_name in self.extra_links:
            try:
                data[key] = reverse(url_name, request=request, format=kwargs.get("format"))
            except NoReverseMatch:
                continue
        return Response(data)


class AmityRouter(routers.DefaultRouter):
    APIRootView = AmityRootView

    def register(self, prefix, viewset, basename=None):
        # Registering twice (e.g. a module imported again by a test) is harmless.
        if any(existing[0] == prefix for existing in self.registry):
            return
        super().register(prefix, viewset, basename)


router = AmityRouter()
router.include_format_suffixes = False
