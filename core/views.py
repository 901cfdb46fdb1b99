from urllib.parse import quote

from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement. Not in the visitors' page cache: it shows a setting (where
    to report a problem), not content, and renders without a query."""
    contact = settings.ACCESSIBILITY_CONTACT
    if contact.startswith(("http://", "https://")):
        url = contact
    else:
        url = f"mailto:{contact}?subject={quote('Accessibility problem on ML Career Paths')}"
    return render(request, "core/accessibility.html", {"contact": contact, "contact_url": url})


def _is_admin(request: HttpRequest) -> bool:
    return request.path.startswith(reverse("admin:index"))


def _admin_error(request: HttpRequest, status: int, title: str) -> HttpResponse:
    """An error page in the admin's look, with its header and a way back to its home page."""
    context = {**admin.site.each_context(request), "title": title}
    return render(request, f"admin/{status}.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return _admin_error(request, 403, "You don’t have permission to view this page")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_admin(request):
        return _admin_error(request, 404, "Page not found")
    return defaults.page_not_found(request, exception)
