import re
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.forms import USERNAME_RESERVED, username_is_reserved
from quizzes.services import sittings_attach_from_session
from roadmaps.services import follows_and_plan_merge_from_session, progress_merge_from_session

# What User.email and allauth's EmailAddress.email hold, and the most a mail server delivers to
# (RFC 5321). Django's form field accepts 320, so a longer address must be refused here.
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    def generate_unique_username(self, txts, regex=None):
        """Usernames become public addresses (/u/<username>/), so make them slug-like:
        "jane.doe+ml@example.com" gives "jane-doe-ml" rather than "jane.doe+ml"."""
        local_parts = [re.sub(r"[.+]", "-", txt.split("@")[0]) if txt else txt for txt in txts]
        return super().generate_unique_username(local_parts, regex or r"[^\w\s-]")

    def get_client_ip(self, request):
        """The visitor's address for rate limits. allauth refuses a request whose
        X-Forwarded-For names fewer hops than the trusted proxies (a forged or direct request)
        with a server error; count such a request under the address that reached the site."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]

    def clean_username(self, username, shallow=False):
        # Also asked of every name generated from an email address, so admin@example.com
        # falls through to allauth's next candidate ("user") rather than getting /u/admin/.
        username = super().clean_username(username, shallow=shallow)
        if username_is_reserved(username):
            raise forms.ValidationError(USERNAME_RESERVED, code="reserved")
        return username

    def clean_email(self, email):
        # Asked by sign-up, adding an address, password reset and login by code...
        return _refuse_undeliverable(super().clean_email(email))

    def validate_unique_email(self, email):
        # ...and this by every form that gives an account a new address, the change-email
        # step of verification by code included.
        return _refuse_undeliverable(super().validate_unique_email(email))

    def post_login(self, request, user, **kwargs):
        # Both signup and login end here, so progress, goals, pace and quiz sittings from before
        # signing in are kept either way.
        progress_merge_from_session(session=request.session, user=user)
        follows_and_plan_merge_from_session(session=request.session, user=user)
        sittings_attach_from_session(session=request.session, user=user)
        return super().post_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """Links in emails (password reset, confirmation, sign-up) and the site's name take
        the configured address, settings.SITE_URL, not the Host the request named."""
        if settings.SITE_URL:
            request_host = self.request.get_host()
            context = {
                **context,
                **{
                    name: self.site_url(value)
                    for name, value in context.items()
                    if name.endswith("_url") and urlsplit(str(value)).netloc == request_host
                },
                "current_site": ConfiguredSite(settings.SITE_URL),
            }
        super().send_mail(template_prefix, email, context)

    def site_url(self, url: str) -> str:
        """`url`'s path, query and fragment on the configured site address."""
        _, _, path, query, fragment = urlsplit(url)
        return settings.SITE_URL + urlunsplit(("", "", path, query, fragment))


def _refuse_undeliverable(email: str) -> str:
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(
            f"Use an email address of at most {EMAIL_MAX_LENGTH} characters: this one has "
            f"{len(email)}, and mail cannot be delivered to it.",
            code="email_too_long",
        )
    return email


class ConfiguredSite:
    """What emails call the current site (its name and domain), from settings.SITE_URL."""

    def __init__(self, site_url: str):
        self.domain = self.name = urlsplit(site_url).netloc
