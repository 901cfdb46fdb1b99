"""Addresses of pages, worked out once rather than on every link.

A page links to the same roles, skills and roadmaps many times (the dashboard ~15 times, the
role list once per role), and `reverse()` costs tens of microseconds each time. An address only
changes with the URL configuration and the prefix the site is served under, so it is remembered
per both; the bound keeps memory flat whatever the amount of content. Templates use it
through `{% page_url %}` (core/templatetags/links.py) for the menu and the footer.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def content_url(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, remembered (see above)."""
    return _reverse(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args)


@lru_cache(maxsize=4096)
def _reverse(urlconf: str, script_prefix: str, viewname: str, args: tuple) -> str:
    # The prefix is a key only: reverse() reads the current one itself.
    return reverse(viewname, urlconf=urlconf, args=args)
