"""Pending suggestions whose every document was deleted go too (reviewed ones stay: they are the history)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from amity.intake.models import Document
from amity.suggestions.models import Status, Suggestion


@receiver(post_delete, sender=Document)
def drop_orphans(sender, instance, **kwargs):
    Suggestion.objects.filter(status=Status.PENDING, evidence__isnull=True).delete()
