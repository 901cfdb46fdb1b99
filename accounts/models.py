"""What a learner chooses about their account, next to Django's User (kept as it is)."""

from django.conf import settings
from django.db import models


class ProfileManager(models.Manager):
    def for_user(self, user) -> "Profile":
        """The learner's profile, created on first use: accounts made before profiles
        existed (or by createsuperuser) have none yet."""
        profile, _ = self.get_or_create(user=user)
        return profile


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=80, blank=True, help_text="How the learner wants to be greeted; may be empty."
    )
    progress_is_public = models.BooleanField(
        default=False,
        help_text="The learner chose to show their roadmap progress at /u/<username>/. "
        "Only the learner should change this.",
    )

    weekly_digest = models.BooleanField(
        default=False,
        help_text="The learner asked for a weekly email: next steps, this week's plan, last "
        "week's progress. Only the learner should change this.",
    )
    # The Monday of the last week a digest went out: sending twice in a week sends nothing.
    digest_sent_for = models.DateField(null=True, blank=True, editable=False)

    objects = ProfileManager()

    def __str__(self):
        return self.display_name or self.user.get_username()
