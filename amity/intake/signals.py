"""Keep the search index in step with documents changed or deleted outside the pipeline (admin, shell)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from amity.intake.models import Document, DocumentStatus


@receiver(pre_save, sender=Document)
def remember_indexed(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    instance._indexed = Document.objects.filter(pk=instance.pk).values("title", "text", "status", "date").first()


@receiver(post_save, sender=Document)
def reindex(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_indexed", None)
    instance._indexed = None
    if raw or created or old is None or instance.status == DocumentStatus.NEW:
        return
    was_dup, is_dup = old["status"] == DocumentStatus.DUPLICATE, instance.status == DocumentStatus.DUPLICATE
    if (old["title"], old["text"], old["date"], was_dup) == (instance.title, instance.text, instance.date, is_dup):
        return
    from amity.intake.search import get_backend

    get_backend().index(instance)


@receiver(post_delete, sender=Document)
def unindex(sender, instance, **kwargs):
    from amity.intake.search import get_backend

    get_backend().unindex(instance.pk)


def prune_index(sender, using="default", **kwargs):
    """After migrate and after ``flush`` (which TRUNCATEs tables and emits post_migrate): drop index rows whose
    document is gone, so no search can ever count them."""
    from django.db import connections

    from amity.intake.search import PostgresBackend, SQLiteBackend

    vendor = connections[using].vendor
    backend = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(vendor)
    if backend is None:
        return
    from django.db import connection

    if using != connection.alias:
        return
    try:
        backend().prune()
    except Exception:  # the table may not exist yet while migrating backwards
        pass
