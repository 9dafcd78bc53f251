from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amity.core"
    verbose_name = "Core"

    def ready(self):
        from django.conf import settings

        if settings.CELERY_BROKER_URL:
            import amity.celery  # noqa: F401  (makes shared_task bind to the configured app)
