from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "amity.api"
    verbose_name = "API"

    def ready(self):
        from amity.core.registry import register_nav

        register_nav(_("API"), "api:docs", order=90)
