"""Response headers Django's own settings don't cover."""

from django.conf import settings


def permissions_policy(get_response):
    """Send Permissions-Policy: the site uses no camera, microphone, location and the like, so
    they are turned off for it and for anything that could ever be injected into it."""
    header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", header)
        return response

    return middleware
