"""Deleting content in the admin never deletes learners' data, and never shows it to editors.

Learners' rows (progress, notes, quiz sittings and answers) point at content through
protected foreign keys, so the database layer refuses such a deletion whatever starts it.
The admin's confirmation page then says how many learners it would touch, counted with a
couple of aggregate queries, instead of listing (and loading) their rows one by one.
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet, _get_foreign_key
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.admin import VersionAdmin

# Rows that belong to a learner; a content deletion counts them and never loads them.
LEARNER_MODELS = [
    "roadmaps.Progress",
    "roadmaps.Note",
    "roadmaps.Follow",
    "quizzes.Sitting",
    "quizzes.Answer",
]


class ContentCollector(NestedObjects):
    """The admin's collector, except that learners' rows pointing at the collected content
    are only noted, as conditions to count them by, rather than fetched."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner_rows: dict[type, Q] = {}
        self.learner_models = {apps.get_model(label) for label in LEARNER_MODELS}

    def related_objects(self, related_model, related_fields, objs):
        if related_model in self.learner_models:
            pks = [obj.pk for obj in objs]
            rows = Q.create([(f"{field.name}__in", pks) for field in related_fields], Q.OR)
            self.learner_rows[related_model] = self.learner_rows.get(related_model, Q()) | rows
            return related_model._base_manager.none()
        return super().related_objects(related_model, related_fields, objs)

    def note_roadmap_learners(self) -> None:
        """Progress is kept per skill and project, not per step, so deleting a roadmap deletes
        no learner row; but learners following it would lose it, so it counts as theirs."""
        Progress, Note, Roadmap, RoadmapStep = (
            apps.get_model("roadmaps", name)
            for name in ("Progress", "Note", "Roadmap", "RoadmapStep")
        )
        roadmaps = [roadmap.pk for roadmap in self.model_objs.get(Roadmap, ())]
        if not roadmaps:
            return
        steps = RoadmapStep.objects.filter(level__roadmap__in=roadmaps)
        skills = Q(skill__in=steps.filter(skill__isnull=False).values("skill"))
        projects = Q(project__in=steps.filter(project__isnull=False).values("project"))
        self.learner_rows[Progress] = self.learner_rows.get(Progress, Q()) | skills | projects
        self.learner_rows[Note] = self.learner_rows.get(Note, Q()) | skills

    def learner_counts(self) -> tuple[int, int]:
        """(learners with progress or notes, quiz sittings) the collected content holds, in
        one COUNT query each, whatever the number of rows."""
        Progress, Note, Follow = (
            apps.get_model("roadmaps", name) for name in ("Progress", "Note", "Follow")
        )
        Sitting, Answer = apps.get_model("quizzes", "Sitting"), apps.get_model("quizzes", "Answer")
        rows = self.learner_rows
        learners = sittings = 0
        if Progress in rows or Note in rows or Follow in rows:
            owners = Q.create(
                [
                    ("pk__in", model._base_manager.filter(rows[model]).values("user"))
                    for model in (Progress, Note, Follow)
                    if model in rows
                ],
                Q.OR,
            )
            learners = get_user_model()._base_manager.filter(owners).count()
        if Sitting in rows or Answer in rows:
            held = Q()
            if Sitting in rows:
                held |= rows[Sitting]
            if Answer in rows:
                held |= Q(pk__in=Answer._base_manager.filter(rows[Answer]).values("sitting"))
            sittings = Sitting._base_manager.filter(held).count()
        return learners, sittings


class TextareaField(forms.CharField):
    """A text area's field that reads what browsers send (CRLF line endings) as the text it
    was given (LF), and keeps a trailing newline (code samples end with one), so a form saved
    without edits changes nothing and records no change."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            value = value if value.strip() else ""
        return super().to_python(value)

    def has_changed(self, initial, data):
        return super().has_changed(self.to_python(initial), data)


def text_formfield(db_field, formfield):
    """The admin's form field for `db_field`, with text areas read as TextareaField does."""
    if isinstance(db_field, models.TextField) and type(formfield) is forms.CharField:
        formfield.__class__ = TextareaField
        formfield.strip = False
    return formfield


class NamedAutocompleteMixin:
    """An autocomplete whose box has an accessible name when nothing is chosen: select2 names
    it after its placeholder, which Django leaves empty."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        name = self.field.verbose_name
        attrs["data-placeholder"] = f"Choose {name}" if self.is_required else f"No {name}"
        return attrs


class NamedAutocompleteSelect(NamedAutocompleteMixin, AutocompleteSelect):
    pass


class NamedAutocompleteSelectMultiple(NamedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class ContentAdmin(VersionAdmin):
    """The admin for every content model: history and recovery (django-reversion), and
    deletions that refuse to touch learners' data."""

    # What the editor can do instead; {it} is "it" or "them".
    instead_of_deleting = "Unpublish {it} (set {it} to draft) instead."
    history_latest_first = True

    class Media:
        js = ["js/admin_autocomplete_names.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return text_formfield(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_deleted_objects(self, objs, request):
        """Django's confirmation data, with learners' rows replaced by one refusal that counts
        them. The delete view and the "delete selected" action both refuse while it shows."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = ContentCollector(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        collector.note_roadmap_learners()
        learners, sittings = collector.learner_counts()
        perms_needed = set()

        # As django.contrib.admin.utils.get_deleted_objects, which builds its own collector.
        def format_callback(obj):
            opts = obj._meta
            if not self.admin_site.is_registered(obj.__class__):
                return f"{capfirst(opts.verbose_name)}: {obj}"
            if not self.admin_site.get_model_admin(obj.__class__).has_delete_permission(
                request, obj
            ):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                )
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        if learners or sittings:
            protected.insert(0, self.learner_data_refusal(len(objs), learners, sittings))
        model_count = {
            model._meta.verbose_name_plural: len(instances)
            for model, instances in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected

    def learner_data_refusal(self, objects: int, learners: int, sittings: int) -> str:
        opts = self.model._meta
        if objects == 1:
            subject, it = f"This {opts.verbose_name}", "it"
        else:
            subject, it = f"These {objects} {opts.verbose_name_plural}", "them"
        reasons = []
        if learners:
            who = _counted(learners, "learner has", "learners have")
            reasons.append(f"{who} progress or notes on {it}")
        if sittings:
            sat = _counted(sittings, "quiz sitting includes", "quiz sittings include")
            reasons.append(f"{sat} {it} in learners’ history")
        instead = self.instead_of_deleting.format(it=it)
        return f"{subject} can’t be deleted: {' and '.join(reasons)}. {instead}"


# --- Inlines whose queries do not grow with their rows --------------------------------------


class KnownAutocompleteSelect(NamedAutocompleteSelect):
    """An autocomplete that labels its selected option from the related object its form
    already holds (see ContentInlineForm) instead of fetching it: one row, no query."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or not all(v in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected:
            options.append(self.create_option(name, v, self.known[v], set(selected), len(options)))
        return [(None, options, 0)]


class ContentInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KnownAutocompleteSelect) and self.instance.pk:
                related = getattr(self.instance, name, None)
                if related is not None:
                    widget.known = {str(related.pk): str(related)}


class PagedInlineFormSet(BaseInlineFormSet):
    """An inline formset that shows one page of its rows (`first`, `size`); None shows all."""

    first: int = 0
    size: int | None = None

    def get_queryset(self):
        if not hasattr(self, "_page"):
            queryset = super().get_queryset()
            if self.size:
                ordering = queryset.query.order_by or self.model._meta.ordering
                queryset = queryset.order_by(*ordering, "pk")[self.first : self.first + self.size]
            self._page = self._queryset = queryset
        return self._page


def page_number(request, rows: int, size: int) -> int:
    """The page (from 1) the request's `p` asks for, within the pages `rows` fill."""
    pages = max(1, -(-rows // size))
    try:
        return min(max(1, int(request.GET.get("p", 1))), pages)
    except ValueError:
        return 1


class ContentInline(admin.TabularInline):
    """A tabular inline that costs the same few queries however many rows it shows: the
    objects its rows name come with the rows (select_related), and the options of its
    selects are fetched once for all rows rather than once per row."""

    form = ContentInlineForm
    formset = PagedInlineFormSet
    extra = 0
    # Rows per page, when the page that shows this inline pages it (see `page_rows`).
    rows_per_page = 15

    class Media:
        css = {"all": ["css/admin_inlines.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            # Each row keeps its "add another" link, but not links to change, delete or view
            # the object it names (it is a click away): they weighed more than the row.
            widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return text_formfield(db_field, formfield)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if paging := getattr(request, "inline_page", None):
            formset.first, formset.size = (paging - 1) * self.rows_per_page, self.rows_per_page
        return formset

    def get_queryset(self, request):
        # Rows show their objects' names (the row's title, its autocompletes): fetch the
        # objects they point to with them.
        related = [field.name for field in self.model._meta.fields if field.many_to_one]
        return super().get_queryset(request).select_related(*related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not isinstance(field.widget, forms.HiddenInput):
            field.choices = list(field.choices)
        return field


# --- Change pages in parts ------------------------------------------------------------------


class PartPagesMixin:
    """A change page whose longer inlines each have a page of their own (`parts`), paged
    `rows_per_page` rows at a time, so no page holds them all: the main page has the object's
    own fields and `inlines` not in a part, and links to each part with its rows counted.

    Every inline stays in `inlines`, so the object's history holds all of them and reverting
    a version restores them together. Put it before ContentAdmin in the bases."""

    # {"questions": ("Questions", QuestionInline)}; the inlines are ContentInlines (paging).
    parts: dict[str, tuple[str, type[ContentInline]]] = {}
    change_form_template = "admin/change_form_with_parts.html"

    def get_urls(self):
        opts = self.opts
        part = path(
            "<path:object_id>/change/<slug:part>/",
            self.admin_site.admin_view(self.part_view),
            name=f"{opts.app_label}_{opts.model_name}_part",
        )
        return [part, *super().get_urls()]

    def part_view(self, request, object_id, part):
        """One part of the object (its questions, its steps) on a change page of its own."""
        if part not in self.parts:
            raise Http404("No such part.")
        request.admin_part = part
        links = self.part_links(request, object_id, part)
        if not links:  # the admin answers for an unknown or malformed id itself
            return self.changeform_view(request, object_id)
        label, inline = self.parts[part]
        rows = next(link["rows"] for link in links if link["current"])
        size = inline.rows_per_page
        request.inline_page = page = page_number(request, rows, size)
        pages = [
            {"number": n, "first": (n - 1) * size + 1, "last": min(n * size, rows)}
            for n in range(1, -(-rows // size) + 1)
        ]
        context = {
            "title": f"{label} of {links[0]['object']}",
            "content_parts": links,
            "part_pages": pages if len(pages) > 1 else [],
            "part_page": page,
        }
        return self.changeform_view(request, object_id, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {**(extra_context or {}), "content_parts": self.part_links(request, object_id)}
        return super().change_view(request, object_id, form_url, context)

    def part_links(self, request, object_id, current: str = "") -> list[dict]:
        """The object's main page and each of its parts, with their rows counted in one
        query."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return []
        rows = {}
        for part, (_, inline) in self.parts.items():
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            counted = (
                inline.model._default_manager.filter(**{fk.name: OuterRef("pk")})
                .order_by()
                .values(fk.name)
                .annotate(n=Count("pk"))
                .values("n")
            )
            rows[f"{part}_rows"] = Coalesce(Subquery(counted), 0)
        counts = self.model._default_manager.filter(pk=obj.pk).values(**rows).get()
        opts = self.opts
        name = f"admin:{opts.app_label}_{opts.model_name}"
        main = reverse(f"{name}_change", args=[quote(obj.pk)])
        links = [
            {
                "label": capfirst(opts.verbose_name),
                "url": main,
                "rows": None,
                "current": not current,
                "object": obj,
            }
        ]
        for part, (label, _) in self.parts.items():
            url = reverse(f"{name}_part", args=[quote(obj.pk), part])
            links.append(
                {
                    "label": label,
                    "url": url,
                    "rows": counts[f"{part}_rows"],
                    "current": part == current,
                }
            )
        return links

    def _part(self, request) -> str | None:
        return getattr(request, "admin_part", None)

    def get_inlines(self, request, obj):
        if part := self._part(request):
            return [self.parts[part][1]]
        in_parts = {inline for _, inline in self.parts.values()}
        return [inline for inline in super().get_inlines(request, obj) if inline not in in_parts]

    def get_fieldsets(self, request, obj=None):
        return [] if self._part(request) else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if self._part(request) else super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self._part(request) else super().get_prepopulated_fields(request, obj)

    def response_change(self, request, obj):
        # "Save" on a part goes back to the object's main page, not to the list.
        response = super().response_change(request, obj)
        if self._part(request) and "_save" in request.POST:
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            return HttpResponseRedirect(url)
        return response
