from django import template

from amity.reviews.exports import cell_text

register = template.Library()


@register.filter
def review_cell(value) -> str:
    """A table cell as text: numbers with the language's separators, dates as d/m/Y in Vietnamese."""
    return cell_text(value)


@register.filter
def is_numeric_col(index, table) -> bool:
    return index in table.numeric
