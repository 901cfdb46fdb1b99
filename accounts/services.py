"""Writes that span the User and the learner's Profile."""

from django.db import IntegrityError, transaction

from accounts.forms import USERNAME_TAKEN
from accounts.models import Profile


class UsernameTaken(Exception):
    """Another account took the public profile name after the form checked it."""


def profile_update(
    *,
    profile: Profile,
    username: str,
    display_name: str,
    progress_is_public: bool,
    weekly_digest: bool,
) -> Profile:
    """Save the account page: the public name on the User, the rest on the Profile, all or
    nothing. When another learner claimed the name since the form's check (two posts at
    once), the database refuses it, nothing is saved, and UsernameTaken is raised."""
    user = profile.user
    saved_username = user.username
    user.username = username
    profile.display_name = display_name
    profile.progress_is_public = progress_is_public
    profile.weekly_digest = weekly_digest
    try:
        with transaction.atomic():
            user.save(update_fields=["username"])
            profile.save(update_fields=["display_name", "progress_is_public", "weekly_digest"])
    except IntegrityError:
        user.username = saved_username
        raise UsernameTaken(USERNAME_TAKEN) from None
    return profile
