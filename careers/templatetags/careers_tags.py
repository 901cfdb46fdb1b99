from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from careers.charts import salary_bars
from careers.models import RoleIcon

register = template.Library()


@lru_cache(maxsize=64)
def _highlight_python(code: str) -> str:
    # Pygments escapes the code itself; the output uses classes only (no inline styles).
    return highlight(code, PythonLexer(), HtmlFormatter(cssclass="highlight", wrapcode=True))


@register.filter
def python_code(code: str) -> str:
    return mark_safe(_highlight_python(code))


@register.inclusion_tag("careers/includes/salary_chart.html")
def salary_chart(levels, caption: str, top: int | None = None, show_role: bool = False):
    return {
        **salary_bars(levels, top),
        "caption": caption,
        "show_role": show_role,
        "figure_class": "",
    }


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.simple_tag
def role_icon(name: str, css_class: str = "") -> str:
    """The role's picture from the site's sprite, sized to the text (1em) and drawn in its
    colour; nothing for a blank or unknown name. Decorative: the role's name is beside it."""
    if name not in RoleIcon.values:
        return ""
    return format_html(
        '<svg class="role-icon{}" width="1em" height="1em" aria-hidden="true" focusable="false">'
        '<use href="{}#{}"></use></svg>',
        f" {css_class}" if css_class else "",
        static("img/role-icons.svg"),
        name,
    )
