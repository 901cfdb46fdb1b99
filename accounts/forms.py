import re

from allauth.core import ratelimit
from django import forms
from django.contrib.auth import get_user_model

from accounts.models import Profile

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
USERNAME_TAKEN = "That name is taken. Please choose another."


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
        fields = ["display_name", "username", "progress_is_public"]
        labels = {
            "display_name": "Display name",
            "progress_is_public": "Make my progress public",
        }
        help_texts = {
            "display_name": "How the site greets you. Optional.",
            "progress_is_public": "Anyone with the link can then see which skills and projects "
            "you have started and finished. Your notes always stay private.",
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
        # here faster than allauth lets them on its own re-authentication page.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(
                "Too many attempts. Please wait a minute and try again.", code="rate_limited"
            )
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
