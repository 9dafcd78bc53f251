"""What the global search indexes for partners."""

from django.utils.translation import gettext as _

from amity.core.search import Hit, register
from amity.core.views import apply_search
from amity.partners.models import Country, Organisation, Person, Province


@register
def search_partners(query: str, limit: int):
    hits = []
    for model, kind in ((Province, _("Province")), (Country, _("Country")), (Organisation, _("Organisation")),
                        (Person, _("Person"))):
        for obj in apply_search(model.objects.all(), query)[:limit]:
            detail = ""
            if isinstance(obj, Province) and obj.merged_from:
                detail = _("merged from: %(names)s") % {"names": ", ".join(obj.merged_from)}
            hits.append(Hit(str(obj), obj.get_absolute_url(), kind, detail))
    return _("Partners"), hits
