from django import forms
from django.contrib import admin
from django.db.models import Count, ManyToManyField

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
from careers.resources import SkillResource, ToolResource
from core.admin import ContentAdmin, ContentInline, PartPagesMixin
from core.bulk import ContentImportExportAdmin


class RoleStageInline(ContentInline):
    model = RoleStage
    fields = ["stage", "label", "note", "source"]


class RolePointInline(ContentInline):
    model = RolePoint
    fields = ["kind", "position", "title", "text", "source"]


class RoleSkillInline(ContentInline):
    model = RoleSkill
    autocomplete_fields = ["skill"]
    fields = ["skill", "group", "tier", "detail", "position"]


class RoleToolInline(ContentInline):
    model = RoleTool
    autocomplete_fields = ["tool"]
    fields = ["tool", "source", "heading", "note", "position"]


class CareerLevelInline(ContentInline):
    model = CareerLevel
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


class AspectValueInline(ContentInline):
    model = AspectValue
    fields = ["aspect", "text", "source"]


# A role's longer lists each have a page of their own, so no page holds them all.
ROLE_PARTS = {
    "skills": ("Skills", RoleSkillInline),
    "tools": ("Tools", RoleToolInline),
    "lists": ("Responsibilities, tasks and reasons", RolePointInline),
    "comparison": ("Comparison values", AspectValueInline),
}


@admin.register(Role)
class RoleAdmin(PartPagesMixin, ContentAdmin):
    list_display = ["name", "kind", "status", "last_reviewed", "position", "salary_range_label"]
    list_editable = ["position"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "short_name", "summary", "overview"]
    prepopulated_fields = {"slug": ["name"]}
    # Collaborators are other roles, a handful: tick boxes, named and reachable by keyboard.
    # (A multiple autocomplete sets inline styles, which the site's CSP refuses; the two-list
    # picker labels its search icons in a way axe refuses.)
    formfield_overrides = {ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    autocomplete_fields = ["diagram"]
    # Every inline is listed, so a role's history holds all its parts and reverting a
    # version restores them together; each page shows only some of them.
    inlines = [
        RoleStageInline,
        CareerLevelInline,
        *(inline for _, inline in ROLE_PARTS.values()),
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

    # The role's longer lists each have a change page of their own (core.admin.PartPagesMixin).
    parts = ROLE_PARTS

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


class SkillForm(forms.ModelForm):
    """A skill's admin form: it refuses prerequisites that would make the skill, however
    indirectly, its own prerequisite, naming the chain."""

    class Meta:
        # A plain list box: a multiple autocomplete's search box has no label and its list of
        # choices fails axe, as the two-list picker does. One control; it works without JS.
        widgets = {"prerequisites": forms.SelectMultiple(attrs={"size": 12})}

    def clean(self):
        cleaned = super().clean()
        prerequisites = list(cleaned.get("prerequisites") or ())
        skill = self.instance
        name = cleaned.get("name") or skill.name
        if skill.pk is None or not prerequisites:
            return cleaned
        if any(prerequisite.pk == skill.pk for prerequisite in prerequisites):
            self.add_error(
                "prerequisites",
                f"{name} can’t require itself: a skill can’t be its own prerequisite.",
            )
        elif cycle := skill.prerequisite_cycle(prerequisites):
            # The chain runs from the skill back to itself; name it from the new prerequisite.
            chain = " → ".join(name if s.pk == skill.pk else s.name for s in cycle[1:])
            first = cycle[1].name
            self.add_error(
                "prerequisites",
                f"{name} can’t require {first}: {first} already requires {name} ({chain}).",
            )
        return cleaned


@admin.register(Skill)
class SkillAdmin(ContentImportExportAdmin, ContentAdmin):
    resource_classes = [SkillResource]
    form = SkillForm
    list_display = ["name", "group", "role_count"]
    list_filter = ["group", "role_skills__role"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    # Explicit: the role count's GROUP BY drops the model's default order, which the skill
    # autocompletes (a role's skills, a roadmap's steps) page through.
    ordering = ["name"]
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
class ToolAdmin(ContentImportExportAdmin, ContentAdmin):
    resource_classes = [ToolResource]
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
