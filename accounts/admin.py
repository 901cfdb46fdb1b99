from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """For support staff to look up a learner; learners change these on their account page."""

    list_display = ["user", "display_name", "progress_is_public", "weekly_digest"]
    list_filter = ["progress_is_public", "weekly_digest"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "display_name"]
    readonly_fields = ["user", "digest_sent_for"]

    def has_add_permission(self, request):
        # Profiles come with accounts; one made here would have no learner behind it.
        return False
