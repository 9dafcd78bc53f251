from django import template

register = template.Library()


@register.filter
def attr(obj, name: str):
    """Value of attribute ``name`` (called if callable) for the generic list tables."""
    value = getattr(obj, name, "")
    return value() if callable(value) else value
