from django import template

register = template.Library()


@register.filter
def record_url(record) -> str:
    from amity.suggestions.views import record_url as url

    return url(record) if record is not None else ""


@register.filter
def record_label(record) -> str:
    """A record's name; a journal note (an accepted figure) is named after the record it is on."""
    if record is None:
        return ""
    if record._meta.label_lower == "core.journalnote":
        return f"{record.target} — {record.text[:80]}"
    return str(record)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


@register.simple_tag
def querystring_with(querystring: str, **kwargs) -> str:
    from django.http import QueryDict

    params = QueryDict(querystring, mutable=True)
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()
