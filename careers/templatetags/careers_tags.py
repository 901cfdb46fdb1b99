from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from careers.charts import salary_bars

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
