from django import template

from core.links import content_url

register = template.Library()


@register.simple_tag
def page_url(viewname: str, *args) -> str:
    """`{% url %}` for the links every page repeats (the menu, the footer), remembered by
    `core.links.content_url`: otherwise a signed-in page pays for sixteen reverse() calls."""
    return content_url(viewname, *args)
