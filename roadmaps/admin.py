from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from core.admin import ContentAdmin, ContentInline, PartPagesMixin
from core.bulk import ContentImportExportAdmin
from core.validators import is_web_url
from roadmaps.models import LinkStatus, Project, Resource, Roadmap, RoadmapLevel, RoadmapStep
from roadmaps.resources import ResourceResource

# A link not checked for this long is stale (check_links runs weekly; see docs/deploy.md).
STALE_LINK_DAYS = 30


class RoadmapLevelInline(admin.TabularInline):
    model = RoadmapLevel
    extra = 0
    fields = ["stage", "title", "duration", "summary"]
    show_change_link = True


@admin.register(Roadmap)
class RoadmapAdmin(ContentAdmin):
    list_display = ["role", "status", "last_reviewed", "step_count"]
    list_filter = ["status"]
    list_select_related = ["role"]
    search_fields = ["role__name", "intro"]
    fieldsets = [
        (None, {"fields": ["role", "intro"]}),
        (
            "Publishing",
            {
                "fields": ["status", "last_reviewed"],
                "description": "A roadmap can be published only when every level has steps.",
            },
        ),
    ]
    inlines = [RoadmapLevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("levels__steps"))

    @admin.display(description="Steps", ordering="step_count")
    def step_count(self, roadmap):
        return roadmap.step_count


@admin.display(description="Hours counted")
def hours_counted(step: RoadmapStep) -> str:
    """The hours a plan counts for the step: the editors' figure, else the level's default."""
    if step.pk is None:
        return "–"
    return f"{step.hours}" if step.effort_hours else f"{step.hours} (level default)"


class RoadmapStepInline(ContentInline):
    model = RoadmapStep
    autocomplete_fields = ["skill", "project"]
    fields = [
        "position",
        "skill",
        "project",
        "title",
        "is_specialization",
        "explanation",
        "effort_hours",
        "hours_counted",
    ]
    readonly_fields = ["hours_counted"]
    show_change_link = True
    # A step's row holds about a dozen inputs: ten rows keep its page well inside the
    # editors' budget of 150 per page.
    rows_per_page = 10

    hours_counted = staticmethod(hours_counted)


@admin.register(RoadmapLevel)
class RoadmapLevelAdmin(PartPagesMixin, ContentAdmin):
    list_display = ["__str__", "stage", "duration"]
    list_filter = ["stage", "roadmap__role"]
    list_select_related = ["roadmap__role"]
    search_fields = ["title", "roadmap__role__name"]
    autocomplete_fields = ["roadmap"]
    inlines = [RoadmapStepInline]
    # A level's steps have a page of their own, so the level's page stays small.
    parts = {"steps": ("Steps", RoadmapStepInline)}


@admin.display(description="Link health")
def link_health(resource: Resource) -> str:
    """What the last link check found, in a few words."""
    if resource.pk is None or resource.link_checked_at is None:
        return "Not checked yet"
    if resource.link_checked_url != resource.url:
        return "Not checked since the address changed"
    when = f"checked {timesince(resource.link_checked_at)} ago"
    if resource.link_status == LinkStatus.BROKEN:
        return f"Broken: {resource.link_problem} ({when})"
    return f"{resource.get_link_status_display()} ({when})"


class LinkHealthFilter(admin.SimpleListFilter):
    title = "link health"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [
            ("broken", "Broken"),
            ("stale", f"Not checked for {STALE_LINK_DAYS}+ days"),
            ("ok", "Working"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            return queryset.broken()
        if self.value() == "stale":
            return queryset.unchecked_since(timezone.now() - timedelta(days=STALE_LINK_DAYS))
        if self.value() == "ok":
            return queryset.filter(link_status=LinkStatus.OK, link_checked_url=F("url"))
        return queryset


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ["position", "title", "url", "is_free", "link_health"]
    readonly_fields = ["link_health"]

    link_health = staticmethod(link_health)


@admin.register(RoadmapStep)
class RoadmapStepAdmin(ContentAdmin):
    list_display = ["name", "level", "position", "is_specialization"]
    list_filter = ["level__stage", "level__roadmap__role", "is_specialization"]
    list_select_related = ["level__roadmap__role", "skill", "project"]
    search_fields = ["title", "skill__name", "project__name", "explanation"]
    autocomplete_fields = ["level", "skill", "project"]
    readonly_fields = ["hours_counted"]
    inlines = [ResourceInline]

    hours_counted = staticmethod(hours_counted)

    def get_queryset(self, request):
        # The hours counted need the level's stage: fetched with the step.
        return super().get_queryset(request).select_related("level")


@admin.register(Project)
class ProjectAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    instead_of_deleting = "Take {it} off roadmaps instead; learners keep their records."


@admin.register(Resource)
class ResourceAdmin(ContentImportExportAdmin, ContentAdmin):
    resource_classes = [ResourceResource]
    list_display = ["title", "where", "address", "link_health"]
    list_filter = [LinkHealthFilter, "is_free", "step__level__roadmap__role"]
    list_select_related = ["step__level__roadmap__role", "step__skill", "step__project"]
    search_fields = ["title", "url", "link_problem"]
    ordering = ["title"]
    autocomplete_fields = ["step"]
    fields = ["step", "position", "title", "url", "is_free", "link_health"]
    readonly_fields = ["link_health"]

    link_health = staticmethod(link_health)

    @admin.display(description="Step", ordering="step__level__roadmap__role__position")
    def where(self, resource):
        level = resource.step.level
        return f"{level.roadmap.role.short_name}, {level.get_stage_display()}: {resource.step}"

    @admin.display(description="Address", ordering="url")
    def address(self, resource):
        if not is_web_url(resource.url):
            return resource.url
        return format_html('<a href="{}" rel="noreferrer">{}</a>', resource.url, resource.url)
