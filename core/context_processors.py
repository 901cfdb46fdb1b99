from django.urls import reverse

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
        url = reverse(name)
        links.append(
            {
                "url": url,
                "label": label,
                "is_current": request.path == url,
                "in_section": request.path.startswith(url),
            }
        )
    return {"nav_links": links}
