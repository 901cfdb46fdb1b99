from django.contrib import admin
from django.db.models import Count

from careers.models import (
    AspectValue,
    CareerLevel,
    ComparisonAspect,
    DataSystem,
    Diagram,
    EntryPath,
    Guidance,
    LifecycleStage,
    ProgressionStep,
    Role,
    RolePoint,
    RoleSkill,
    RoleStage,
    RoleTool,
    Skill,
    TeamHandoff,
    TeamMember,
    Tool,
    ToolCategory,
)
from core.admin import ContentAdmin


class RoleStageInline(admin.TabularInline):
    model = RoleStage
    extra = 0
    fields = ["stage", "label", "note", "source"]


class RolePointInline(admin.TabularInline):
    model = RolePoint
    extra = 0
    fields = ["kind", "position", "title", "text", "source"]


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "group", "tier", "detail", "position"]


class RoleToolInline(admin.TabularInline):
    model = RoleTool
    extra = 0
    autocomplete_fields = ["tool"]
    fields = ["tool", "source", "heading", "note", "position"]


class CareerLevelInline(admin.TabularInline):
    model = CareerLevel
    extra = 0
    fields = [
        "position",
        "title",
        "years_min",
        "years_max",
        "salary_min",
        "salary_max",
        "salary_open_ended",
        "focus",
    ]


class AspectValueInline(admin.TabularInline):
    model = AspectValue
    extra = 0
    fields = ["aspect", "text", "source"]


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = ["name", "kind", "status", "last_reviewed", "position", "salary_range_label"]
    list_editable = ["position"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "short_name", "summary", "overview"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["collaborators"]
    inlines = [
        RoleStageInline,
        RolePointInline,
        RoleSkillInline,
        RoleToolInline,
        CareerLevelInline,
        AspectValueInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "position", "icon"]}),
        ("Publishing", {"fields": ["status", "last_reviewed"]}),
        (
            "Description",
            {
                "fields": [
                    "tagline",
                    "summary",
                    "overview",
                    "focus",
                    "core_responsibility",
                    "team_responsibility",
                    "skills_summary",
                    "study_focus",
                ]
            },
        ),
        ("Career", {"fields": ["progression_notes"]}),
        ("Collaboration", {"fields": ["collaborators", "other_collaborators"]}),
        ("Example work", {"fields": ["example_title", "example_code"]}),
        ("Illustration", {"fields": ["diagram"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description="Salary range")
    def salary_range_label(self, role):
        return role.salary_range_label or "—"


@admin.register(LifecycleStage)
class LifecycleStageAdmin(ContentAdmin):
    list_display = ["number", "name", "slug"]
    list_display_links = ["name"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleStageInline]


@admin.register(Skill)
class SkillAdmin(ContentAdmin):
    list_display = ["name", "group", "role_count"]
    list_filter = ["group", "role_skills__role"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleSkillInline]
    instead_of_deleting = "Take {it} off roles and roadmaps instead; learners keep their records."

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("role_skills"))

    @admin.display(description="Roles", ordering="role_count")
    def role_count(self, skill):
        return skill.role_count


class ToolInline(admin.TabularInline):
    model = Tool
    extra = 0
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ToolCategory)
class ToolCategoryAdmin(ContentAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ToolInline]


@admin.register(Tool)
class ToolAdmin(ContentAdmin):
    list_display = ["name", "category"]
    list_filter = ["category", "role_tools__role"]
    list_select_related = ["category"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleToolInline]


@admin.register(CareerLevel)
class CareerLevelAdmin(ContentAdmin):
    list_display = ["title", "role", "years_label", "salary_label", "position"]
    list_filter = ["role"]
    list_select_related = ["role"]
    search_fields = ["title", "focus", "role__name"]


class AspectValueForAspectInline(AspectValueInline):
    fields = ["role", "text", "source"]


@admin.register(ComparisonAspect)
class ComparisonAspectAdmin(ContentAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AspectValueForAspectInline]


@admin.register(DataSystem)
class DataSystemAdmin(ContentAdmin):
    list_display = ["abbreviation", "name", "purpose"]
    search_fields = ["name", "purpose", "characteristics"]


class HandoffInline(admin.TabularInline):
    model = TeamHandoff
    fk_name = "source"
    extra = 0
    verbose_name = "hands over to"
    verbose_name_plural = "hands over to"


@admin.register(TeamMember)
class TeamMemberAdmin(ContentAdmin):
    list_display = ["name", "tier", "position", "role", "responsibility"]
    list_select_related = ["role"]
    search_fields = ["name", "responsibility"]
    inlines = [HandoffInline]


@admin.register(EntryPath)
class EntryPathAdmin(ContentAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProgressionStep)
class ProgressionStepAdmin(ContentAdmin):
    list_display = ["title", "years", "track", "position"]
    list_filter = ["track"]


@admin.register(Guidance)
class GuidanceAdmin(ContentAdmin):
    list_display = ["title", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["title", "text"]
    filter_horizontal = ["roles"]


@admin.register(Diagram)
class DiagramAdmin(ContentAdmin):
    list_display = ["title", "kind", "shown_on"]
    list_filter = ["kind"]
    search_fields = ["title", "steps", "kpis"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind"]}),
        (
            "Steps",
            {
                "description": "For OLTP vs OLAP (its ETL steps), a workflow or an architecture.",
                "fields": ["steps", "loop_from", "loop_to"],
            },
        ),
        (
            "Sample dashboard",
            {
                "description": "Made-up figures, shown as illustrative sample data.",
                "fields": ["tools", "kpis", "filters", "trend", "categories", "channels"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="Shown on")
    def shown_on(self, diagram):
        return ", ".join(role.name for role in diagram.roles.all()) or "—"
