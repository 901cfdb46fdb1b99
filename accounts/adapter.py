import re

from allauth.account.adapter import DefaultAccountAdapter
from django import forms

from accounts.forms import USERNAME_RESERVED, username_is_reserved
from quizzes.services import sittings_attach_from_session
from roadmaps.services import progress_merge_from_session

# What User.email and allauth's EmailAddress.email hold, and the most a mail server delivers to
# (RFC 5321). Django's form field accepts 320, so a longer address must be refused here.
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    def generate_unique_username(self, txts, regex=None):
        """Usernames become public addresses (/u/<username>/), so make them slug-like:
        "jane.doe+ml@example.com" gives "jane-doe-ml" rather than "jane.doe+ml"."""
        local_parts = [re.sub(r"[.+]", "-", txt.split("@")[0]) if txt else txt for txt in txts]
        return super().generate_unique_username(local_parts, regex or r"[^\w\s-]")

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
        # Both signup and login end here, so progress and quiz sittings recorded before
        # signing in are kept either way.
        progress_merge_from_session(session=request.session, user=user)
        sittings_attach_from_session(session=request.session, user=user)
        return super().post_login(request, user, **kwargs)


def _refuse_undeliverable(email: str) -> str:
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(
            f"Use an email address of at most {EMAIL_MAX_LENGTH} characters: this one has "
            f"{len(email)}, and mail cannot be delivered to it.",
            code="email_too_long",
        )
    return email
