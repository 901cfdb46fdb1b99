from django.contrib import admin
from django.db.models import Count

from core.admin import ContentAdmin
from roadmaps.models import Project, Resource, Roadmap, RoadmapLevel, RoadmapStep


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


class RoadmapStepInline(admin.TabularInline):
    model = RoadmapStep
    extra = 0
    autocomplete_fields = ["skill", "project"]
    fields = ["position", "skill", "project", "title", "is_specialization", "explanation"]
    show_change_link = True


@admin.register(RoadmapLevel)
class RoadmapLevelAdmin(ContentAdmin):
    list_display = ["__str__", "stage", "duration"]
    list_filter = ["stage", "roadmap__role"]
    list_select_related = ["roadmap__role"]
    search_fields = ["title", "roadmap__role__name"]
    inlines = [RoadmapStepInline]


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ["position", "title", "url", "is_free"]


@admin.register(RoadmapStep)
class RoadmapStepAdmin(ContentAdmin):
    list_display = ["name", "level", "position", "is_specialization"]
    list_filter = ["level__stage", "level__roadmap__role", "is_specialization"]
    list_select_related = ["level__roadmap__role", "skill", "project"]
    search_fields = ["title", "skill__name", "project__name", "explanation"]
    autocomplete_fields = ["skill", "project"]
    inlines = [ResourceInline]


@admin.register(Project)
class ProjectAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    instead_of_deleting = "Take {it} off roadmaps instead; learners keep their records."
