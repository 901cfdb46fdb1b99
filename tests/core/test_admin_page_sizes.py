"""Every change page in the admin stays small with the real content: at most 150 form inputs
and 100 KB of HTML, for each registered model's largest object (and each part page of it)."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db.models import Count, IntegerField, Value
from django.db.models.functions import Coalesce, Length
from django.urls import reverse

from careers.admin import ROLE_PARTS, RoleAdmin
from tests.content import load_site_content

pytestmark = pytest.mark.django_db

MAX_INPUTS, MAX_BYTES = 150, 100 * 1024


class _FormCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            self.inputs += 1


def form_inputs(html: bytes) -> int:
    counter = _FormCounter()
    counter.feed(html.decode())
    return counter.inputs


def largest(model_admin):
    """The object whose change page holds the most: the most rows in its inlines, then the
    most text."""
    model = model_admin.model
    rows = [
        Count(inline.model._meta.get_field(_fk_name(model, inline)).related_query_name())
        for inline in model_admin.inlines
    ]
    text = [
        Length(field.name)
        for field in model._meta.concrete_fields
        if field.get_internal_type() in ("CharField", "TextField")
    ]
    queryset = model._default_manager.annotate(
        _rows=sum(rows, Value(0, output_field=IntegerField())) if rows else Value(0),
        _text=sum((Coalesce(t, 0) for t in text), Value(0)) if text else Value(0),
    )
    return queryset.order_by("-_rows", "-_text", "pk").first()


def _fk_name(parent, inline) -> str:
    from django.forms.models import _get_foreign_key

    return _get_foreign_key(parent, inline.model, fk_name=inline.fk_name).name


def change_pages(model_admin, obj) -> list[str]:
    meta = model_admin.model._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    pages = [change]
    if isinstance(model_admin, RoleAdmin):
        pages += [reverse("admin:careers_role_part", args=[obj.pk, part]) for part in ROLE_PARTS]
    for part in getattr(model_admin, "parts", {}):
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_part", args=[obj.pk, part]))
    return pages


@pytest.mark.slow
def test_no_change_page_holds_more_than_150_inputs_or_100_kb_with_the_real_content(
    admin_client,
):
    load_site_content()
    measured, too_big = [], []
    for model, model_admin in admin.site._registry.items():
        obj = largest(model_admin)
        if obj is None:
            continue
        for url in change_pages(model_admin, obj):
            response = admin_client.get(url)
            assert response.status_code == 200, url
            inputs, size = form_inputs(response.content), len(response.content)
            measured.append(f"{model._meta.label} {url}: {inputs} inputs, {size // 1024} KB")
            if inputs > MAX_INPUTS or size > MAX_BYTES:
                too_big.append(measured[-1])
    print("\n".join(measured))
    assert not too_big, "\n".join(too_big)
