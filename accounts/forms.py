import re

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django import forms
from django.contrib.auth import get_user_model

from accounts.models import Profile

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
USERNAME_RESERVED = "That name is reserved for the site. Please choose another."
USERNAME_TAKEN = "That name is taken. Please choose another."

# Names that would pass for the site speaking (/u/admin/, /u/support/) or echo its own paths.
# Compared by username_key(), so "Ad-min", "admin_" and "support2" are refused too.
RESERVED_USERNAMES = frozenset(
    """
    about abuse accessibility account accounts admin administrator administrators anonymous
    api billing blog careers compare contact dashboard editor editors email export health
    healthz help hostmaster import info lifecycle login logout mail media
    ml-career-paths mod moderator moderators noreply none null official owner password
    plan postmaster privacy profile quizzes review roadmaps robots roles root security
    settings signup sitemap skills staff static status support sysadmin system team terms
    u undefined webmaster www
    """.split()  # noqa: SIM905 (a word list reads better than 70 quoted strings)
)


def username_key(username: str) -> str:
    """What a name reads as: lower case, without separators or a trailing number."""
    return re.sub(r"[-_.\s]", "", username.lower()).rstrip("0123456789")


RESERVED_USERNAME_KEYS = frozenset(username_key(name) for name in RESERVED_USERNAMES)


def username_is_reserved(username: str) -> bool:
    return username_key(username) in RESERVED_USERNAME_KEYS


class ProfileForm(forms.ModelForm):
    """The account page: the profile's fields plus the username, which is the public page's
    address and so belongs next to the choice to make progress public."""

    username = forms.CharField(
        label="Public profile name",
        max_length=150,
        help_text="Your public progress page's address: 3 to 30 lower-case letters, digits, "
        "hyphens and underscores. It starts as the first part of your email address, so "
        "change it before you make your progress public if you prefer.",
    )

    class Meta:
        model = Profile
        fields = ["display_name", "username", "progress_is_public", "weekly_digest"]
        labels = {
            "display_name": "Display name",
            "progress_is_public": "Make my progress public",
            "weekly_digest": "Send me a weekly email: next steps, this week's plan, last "
            "week's progress",
        }
        help_texts = {
            "display_name": "The name on your public progress page and at the top of the "
            "weekly email. Optional: without it, your public profile name is used.",
            "progress_is_public": "Anyone with the link can then see which skills and projects "
            "you have started and finished. Your notes always stay private.",
            "weekly_digest": "Sent on Mondays to your email address. Every email has a link "
            "to stop them.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = self.instance.user
        self.fields["username"].initial = self.user.get_username()
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        # Not "username": password managers would take it for the login, which is the email.
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lower()
        # A name made before these rules (or by an administrator) may be kept as it is.
        if username == self.user.get_username().lower():
            return self.user.get_username()
        if not 3 <= len(username) <= 30 or not re.fullmatch(USERNAME_PATTERN, username):
            raise forms.ValidationError(
                "Use 3 to 30 lower-case letters, digits, hyphens and underscores, "
                "starting with a letter or digit."
            )
        if username_is_reserved(username):
            raise forms.ValidationError(USERNAME_RESERVED, code="reserved")
        # A first check for a clear message; profile_update() holds the line when two
        # learners claim the same name at once.
        users = get_user_model().objects.exclude(pk=self.user.pk)
        if users.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN, code="taken")
        return username


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self):
        # Someone at an unattended, signed-in browser must not be able to guess the password
        # here faster than allauth lets them on its own re-authentication page, which checks
        # it the same way: wrong passwords count with failed logins to the same account.
        refused = forms.ValidationError(
            "Too many attempts. Please wait a few minutes and try again.", code="rate_limited"
        )
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise refused
        password = self.cleaned_data["password"]
        try:
            correct = get_adapter(self.request).reauthenticate(self.user, password)
        except forms.ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise refused from None
            raise
        if not correct:
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
