"""Request checks and response headers Django's own settings don't cover."""

from django.conf import settings
from django.http import HttpResponseBadRequest


def permissions_policy(get_response):
    """Send Permissions-Policy: the site uses no camera, microphone, location and the like, so
    they are turned off for it and for anything that could ever be injected into it."""
    header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", header)
        return response

    return middleware


def reject_nul_characters(get_response):
    """Answer 400 to a NUL character in the address. No page has a use for one, and PostgreSQL
    refuses it in a query (a 500 in the admin's filters or a username lookup otherwise)."""

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "The address has a NUL character in it.", content_type="text/plain"
            )
        return get_response(request)

    return middleware
