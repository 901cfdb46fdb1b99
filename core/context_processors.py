from functools import cache

from django.urls import get_script_prefix, reverse

from core.cache import CSRF_SLOT

# Sections join the main navigation as they ship; a link never leads to a missing page.
NAVIGATION = [
    ("careers:role_list", "Roles"),
    ("careers:compare", "Compare"),
    ("roadmaps:roadmap_list", "Roadmaps"),
    ("quizzes:quiz_list", "Quizzes"),
    ("careers:lifecycle", "Lifecycle"),
    ("careers:skill_list", "Skills"),
]


@cache
def _navigation_urls(script_prefix: str) -> tuple[tuple[str, str], ...]:
    # Every page shows these; the URLs only change with the prefix the site is served under.
    return tuple((reverse(name), label) for name, label in NAVIGATION)


def navigation(request):
    links = [
        {
            "url": url,
            "label": label,
            "is_current": request.path == url,
            "in_section": request.path.startswith(url),
        }
        for url, label in _navigation_urls(get_script_prefix())
    ]
    return {"nav_links": links}


def csrf_slot(request):
    """A learner's page rendered to be kept (core.cache.cache_for_learner) has a slot where
    the CSRF token goes: each answer fills it with the request's own token."""
    return {"csrf_token": CSRF_SLOT} if getattr(request, "csrf_slot", False) else {}
