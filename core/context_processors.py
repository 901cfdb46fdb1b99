from core.cache import CSRF_SLOT
from core.links import content_url

# Sections join the main navigation as they ship; a link never leads to a missing page.
NAVIGATION = [
    ("careers:role_list", "Roles"),
    ("careers:compare", "Compare"),
    ("roadmaps:roadmap_list", "Roadmaps"),
    ("quizzes:quiz_list", "Quizzes"),
    ("careers:lifecycle", "Lifecycle"),
    ("careers:skill_list", "Skills"),
]


def navigation(request):
    links = []
    for name, label in NAVIGATION:
        url = content_url(name)  # every page shows these: remembered, per prefix
        links.append(
            {
                "url": url,
                "label": label,
                "is_current": request.path == url,
                "in_section": request.path.startswith(url),
            }
        )
    return {"nav_links": links}


def csrf_slot(request):
    """A learner's page rendered to be kept (core.cache.cache_for_learner) has a slot where
    the CSRF token goes: each answer fills it with the request's own token."""
    return {"csrf_token": CSRF_SLOT} if getattr(request, "csrf_slot", False) else {}
