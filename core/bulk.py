"""Bulk editing: editors export content as CSV from an admin list, change it in a spreadsheet,
and import it back (django-import-export).

An import is checked as the admin's forms check a row (the model's full_clean), previewed,
and then saved all or nothing. Rows are matched by their natural keys (slugs), never by
database ids, so a file moves between sites. Each changed row gets a version in its history
of its own (undoing one row leaves the others); unchanged rows are skipped and record
nothing; the content version is bumped once, so cached pages show the import at once.
"""

import tablib
from diff_match_patch import diff_match_patch
from django import forms
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html_join
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm, ImportForm
from import_export.instance_loaders import ModelInstanceLoader
from reversion import add_to_revision, create_revision, set_comment, set_user

from core.cache import one_content_change
from core.spreadsheet import csv_cell, csv_cell_value

# The largest file an import takes. The real content's biggest export is a few dozen KB.
MAX_IMPORT_BYTES = 1024 * 1024
# Beyond the file, what a multipart request carries: headers, the CSRF token, the format.
_REQUEST_OVERHEAD = 64 * 1024


class ContentCSV(base_formats.CSV):
    """CSV whose cells a spreadsheet shows as text: a cell that would run as a formula
    (= + - @) is written with a leading quote and read back without it (core.spreadsheet).

    import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "=", so
    "-", "+" and "@" still run and the text does not read back as written."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
        return super().export_data(safe, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        read = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            read.append([csv_cell_value(cell) if isinstance(cell, str) else cell for cell in row])
        return read


# --- Cells ---------------------------------------------------------------------------------


class LineWidget(widgets.CharWidget):
    """A one-line text cell, stripped as the admin's form fields strip it."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value.strip() if isinstance(value, str) else value


class TextWidget(widgets.CharWidget):
    """A multi-line text cell, read as the admin reads a text area (core.admin.TextareaField):
    CRLF line endings as LF, so a file saved by a spreadsheet changes nothing it didn't edit."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            value = value if value.strip() else ""
        return value


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no cell that refuses what it can't read, rather than taking it for "no"."""

    TRUE_VALUES = ["1", 1, True, "true", "TRUE", "True", "yes", "Yes", "YES"]
    FALSE_VALUES = ["0", 0, False, "false", "FALSE", "False", "no", "No", "NO"]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in self.NULL_VALUES or value in self.TRUE_VALUES or value in self.FALSE_VALUES:
            return super().clean(value, row, **kwargs)
        raise ValueError(f"Write 1 (yes) or 0 (no), not “{value}”.")


class SlugWidget(widgets.ForeignKeyWidget):
    """A reference to another content object by its slug, with a clear refusal for a slug
    that names nothing."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slug = "" if value is None else str(value).strip()
        if not slug:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(slug=slug)
        except ObjectDoesNotExist:
            known = list(self.model._default_manager.values_list("slug", flat=True)[:26])
            listed = ", ".join(known[:25]) + (", …" if len(known) > 25 else "")
            name = self.model._meta.verbose_name
            raise ValueError(f"No {name} has the slug “{slug}”. Known slugs: {listed}.") from None


class NaturalKeyLoader(ModelInstanceLoader):
    """Finds a row's object by its natural key; a key that names no parent (an unknown
    roadmap, say) makes a new row, whose field then reports the error clearly."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except (ValueError, ObjectDoesNotExist):
            return None


class PlainDiff(resources.Diff):
    """The preview's changes without the inline styles the site's CSP refuses: the admin's
    stylesheet colours <ins> and <del>."""

    def as_html(self):
        dmp = diff_match_patch()
        tags = {dmp.DIFF_INSERT: "ins", dmp.DIFF_DELETE: "del", dmp.DIFF_EQUAL: "span"}
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diff = dmp.diff_main(str(before or ""), str(after or ""))
            dmp.diff_cleanupSemantic(diff)
            parts = ((tags[op], text) for op, text in diff if text)
            cells.append(format_html_join("", "<{0}>{1}</{0}>", parts))
        return cells


class ContentResource(resources.ModelResource):
    """A content model's rows in a CSV file. Subclasses name the model, its columns and the
    natural key that matches rows (`import_id_fields`, slugs)."""

    class Meta:
        # The admin form's checks: field validators, model.clean(), unique names.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        # All or nothing: one bad row and no row is saved.
        use_transactions = True
        instance_loader_class = NaturalKeyLoader

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.TextField):
            return TextWidget
        if isinstance(f, models.CharField):
            return LineWidget
        if isinstance(f, models.BooleanField):
            return YesNoWidget
        return super().widget_from_django_field(f, default)

    def get_diff_class(self):
        return PlainDiff

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            # A URL field's own check and the site's say the same thing: say it once.
            raise ValidationError(
                {
                    field: list(dict.fromkeys(messages))
                    for field, messages in error.message_dict.items()
                }
            ) from None

    def import_data(self, dataset, dry_run=False, **kwargs):
        if dry_run:  # a preview: whatever it saves is rolled back
            return super().import_data(dataset, dry_run=True, **kwargs)
        with one_content_change():
            return super().import_data(dataset, dry_run=False, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return super().save_instance(instance, is_create, row, **kwargs)
        # A revision per row, as load_content records them: reverting one row from its
        # history then leaves the other rows of the file alone.
        with create_revision():
            super().save_instance(instance, is_create, row, **kwargs)
            add_to_revision(instance)
            if user := kwargs.get("user"):
                set_user(user)
            name = kwargs.get("file_name") or "a file"
            set_comment(f"Imported from {name} (row {kwargs.get('row_number', '?')}).")


# --- The admin -----------------------------------------------------------------------------


class ContentImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        return upload


def too_big_message(size: int) -> str:
    return (
        f"This file is {filesizeformat(size)}; an import takes at most "
        f"{filesizeformat(MAX_IMPORT_BYTES)}. Split it into smaller files."
    )


class ContentImportExportAdmin(ImportExportMixin):
    """Export and import a content model's rows as CSV from its admin list. Put it before
    ContentAdmin in the bases; set `resource_classes = [SomeContentResource]`."""

    formats = [ContentCSV]
    import_form_class = ContentImportForm
    # No per-column tick boxes: a file with every column is the one that imports back.
    export_form_class = ExportForm
    import_template_name = "admin/import_export/content_import.html"

    def has_import_permission(self, request):
        """An import adds rows and changes others: it takes both permissions."""
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        ) and super().has_import_permission(request)

    def _import_url(self) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")

    def import_action(self, request, **kwargs):
        # Refuse a file far over the limit before reading it into memory.
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        if request.method == "POST" and size > MAX_IMPORT_BYTES + _REQUEST_OVERHEAD:
            if not self.has_import_permission(request):
                raise PermissionDenied
            messages.error(request, too_big_message(size))
            return HttpResponseRedirect(self._import_url())
        return super().import_action(request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The confirm step too saves nothing when any row fails (content may have changed
        # since the preview).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_import(self, request, **kwargs):
        """The confirm step, refusing a confirmation whose file or choices are not the ones
        the preview stored, with a message instead of an error page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            storage = self.get_tmp_storage_class()(
                name=data["import_file_name"], **self.get_tmp_storage_class_kwargs()
            )
            known = data["format"] in {str(n) for n in range(len(self.get_import_formats()))} and (
                data.get("resource") or "0"
            ) in {str(n) for n in range(len(self.get_import_resource_classes(request)))}
            if not known or storage.read() is None:
                messages.error(
                    request, "That import has expired or was already done: upload the file again."
                )
                return HttpResponseRedirect(self._import_url())
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: some rows no longer pass the checks (the content may "
                "have changed since the preview). Upload the file again to see which.",
            )
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    @property
    def max_import_size(self) -> str:
        return filesizeformat(MAX_IMPORT_BYTES)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["max_import_size"] = self.max_import_size
        return context
