from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "amity.intake"
    verbose_name = _("Intake")

    def ready(self):
        from django.db.models.signals import post_migrate

        from amity.core.registry import register_nav
        from amity.core.search import PROVIDERS, register
        from amity.intake import signals

        post_migrate.connect(signals.prune_index, sender=self, dispatch_uid="amity.intake.prune_index")
        from amity.intake.search import global_provider

        register_nav(_("Documents"), "intake:document_list", 60)
        register_nav(_("Ingest"), "intake:ingest", 61)
        if global_provider not in PROVIDERS:
            register(global_provider)
        from amity.activities.timeline import TIMELINE_SOURCES
        from amity.intake.timeline import news_mentions

        if news_mentions not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(news_mentions)
