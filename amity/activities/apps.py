from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "amity.activities"
    verbose_name = _("Activities")

    def ready(self):
        from amity.activities import hooks

        hooks.register_all()
