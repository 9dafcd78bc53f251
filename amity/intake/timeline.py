"""News mentions on partner timelines and briefs (``amity.activities.timeline.TIMELINE_SOURCES``)."""

from __future__ import annotations

LIMIT = 20


def news_mentions(obj):
    from amity.activities.timeline import Entry
    from amity.intake.models import Document, DocumentMention
    from amity.partners.models import Country, Organisation, Person

    field = {Country: "country", Organisation: "organisation", Person: "person"}.get(type(obj))
    if field is None:
        return []
    doc_ids = DocumentMention.objects.filter(**{field: obj}).values("document_id")
    documents = (Document.objects.filter(pk__in=doc_ids, duplicate_of__isnull=True)
                 .only("id", "title", "date", "created_at", "url").order_by("-date", "-created_at")[:LIMIT])
    return [Entry(date=doc.date or doc.created_at.date(), kind="news", title=doc.title or f"#{doc.pk}",
                  url=doc.get_absolute_url(), detail=doc.url) for doc in documents]
