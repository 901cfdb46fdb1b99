from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from careers.charts import salary_bars
from core.cache import content_part

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


@register.tag
def content_fragment(parser, token):
    """Markup that shows content only (never a learner's state), rendered once per content
    version in each worker:

        {% content_fragment "roadmap-step" step.pk %}…{% endcontent_fragment %}

    The arguments name the fragment; they must say everything it depends on."""
    names = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not names:
        raise template.TemplateSyntaxError("content_fragment needs a name.")
    nodelist = parser.parse(("endcontent_fragment",))
    parser.delete_first_token()
    return ContentFragmentNode(nodelist, names)


class ContentFragmentNode(template.Node):
    def __init__(self, nodelist, names):
        self.nodelist = nodelist
        self.names = names

    def render(self, context):
        name = ":".join(str(part.resolve(context)) for part in self.names)
        return content_part(
            context["request"], f"fragment:{name}", lambda: self.nodelist.render(context)
        )
