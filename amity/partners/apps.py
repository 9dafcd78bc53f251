from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "amity.partners"
    verbose_name = _("Partners")

    def ready(self):
        from amity.partners import search  # noqa: F401  (registers the global-search provider)
