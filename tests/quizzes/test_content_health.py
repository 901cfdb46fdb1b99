"""The admin's Content health page: what needs an editor's attention, each entry linked to
its change page, in a constant number of queries; for editors only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from careers.models import Role, Skill
from core.models import ContentStatus
from quizzes.models import Question, Quiz
from roadmaps.models import LinkStatus, Resource, Roadmap
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

URL = "/admin/content-health/"
LONG_AGO = timezone.localdate() - timedelta(days=200)


def build_health_content(scale: int = 1) -> None:
    """Content with something in every section, growing with `scale`."""
    roles = build_content(scale)
    build_roadmaps(roles, scale)
    Role.objects.filter(pk__in=[role.pk for role in roles[::2]]).update(status=ContentStatus.DRAFT)
    Role.objects.filter(status=ContentStatus.PUBLISHED).update(last_reviewed=LONG_AGO)
    Roadmap.objects.update(last_reviewed=timezone.localdate())
    quiz = Quiz.objects.create(slug="knowledge", title="Knowledge", intro="Test yourself.")
    skills = list(Skill.objects.all()[: 4 * scale])
    for position, skill in enumerate(skills[: 2 * scale]):  # the skill explaining the answer
        Question.objects.create(quiz=quiz, position=position, text="Why?", skill=skill)
    for position, skill in enumerate(skills[2 * scale :], start=2 * scale):  # a tested skill
        Question.objects.create(quiz=quiz, position=position, text="How?").skills.add(skill)
    Skill.objects.filter(slug__startswith="roadmap-skill").update(description="Described.")
    broken = Resource.objects.order_by("pk")[: 3 * scale].values_list("pk", flat=True)
    Resource.objects.filter(pk__in=list(broken)).update(
        link_status=LinkStatus.BROKEN,
        link_problem="404 Not Found",
        link_checked_at=timezone.now(),
        link_checked_url=F("url"),
    )


def rows(html: str, section: str) -> list[tuple[str, str, str]]:
    """(kind, name, link, details) of each entry in a section."""
    found = []
    for row in select(html, f"#{section} tbody tr"):
        kind, name, details = select(row, "td")
        link = select_one(name, "a")
        found.append((text(kind), text(link), attribute(link, "href"), text(details)))
    return found


def test_an_editor_sees_what_needs_attention_each_linked_to_its_change_page(editor_client):
    build_health_content()
    html = editor_client.get(URL).content.decode()
    assert text(select_one(html, "h1")) == "Content health"

    drafts = Role.objects.filter(status=ContentStatus.DRAFT)
    assert rows(html, "drafts") == [
        ("Role", role.name, reverse("admin:careers_role_change", args=[role.pk]), "")
        for role in drafts
    ]
    # Published roles reviewed 200 days ago, and the quiz never reviewed; roadmaps reviewed
    # today are not listed.
    stale = rows(html, "not-reviewed")
    kind, name, _, details = stale[0]  # the oldest review first
    assert (kind, name, details) == ("Quiz", "Knowledge", "never reviewed")
    assert {name for kind, name, _, _ in stale if kind == "Role"} == set(
        Role.objects.filter(status=ContentStatus.PUBLISHED).values_list("name", flat=True)
    )
    assert not [kind for kind, *_ in stale if kind == "Roadmap"]

    broken = rows(html, "broken-links")
    assert len(broken) == 3
    resource = Resource.objects.broken().first()
    assert (
        "Resource",
        resource.title,
        reverse("admin:roadmaps_resource_change", args=[resource.pk]),
    ) in [entry[:3] for entry in broken]
    assert all(details.endswith(": 404 Not Found") for *_, details in broken)

    questioned = set(Question.objects.values_list("skill__name", flat=True))
    questioned |= set(Question.objects.values_list("skills__name", flat=True))
    assert len(questioned - {None}) == 4
    without = {name for _, name, _, _ in rows(html, "skills-without-questions")}
    assert without == set(Skill.objects.exclude(name__in=questioned).values_list("name", flat=True))
    undescribed = {name for _, name, _, _ in rows(html, "skills-without-descriptions")}
    assert undescribed == set(Skill.objects.filter(description="").values_list("name", flat=True))
    skill = Skill.objects.get(slug="skill-0")
    assert select(
        html, f'#skills-without-descriptions a[href="/admin/careers/skill/{skill.pk}/change/"]'
    )


def test_an_empty_section_says_so(editor_client):
    build_content()
    html = editor_client.get(URL).content.decode()
    assert text(select_one(html, "#broken-links")).endswith("No link was broken when last checked.")
    assert not select(html, "#broken-links table")


@pytest.mark.parametrize("scale", [1, 10])
def test_the_page_costs_the_same_queries_whatever_the_amount_of_content(
    editor_client, django_assert_max_num_queries, scale
):
    build_health_content(scale)
    with django_assert_max_num_queries(9):
        html = editor_client.get(URL).content.decode()
    assert len(rows(html, "broken-links")) == 3 * scale


def test_the_admin_s_home_page_links_to_it_for_editors(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert text(select_one(html, f'a[href="{URL}"]')) == "Content health"


def test_learners_and_visitors_cannot_open_it(client, learner_client):
    for viewer in (learner_client, client.__class__()):
        response = viewer.get(URL)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_content_permissions_get_the_admin_s_403_page(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", "s@example.com", "x", is_staff=True)
    client.force_login(staff)
    response = client.get(URL)
    assert response.status_code == 403
    assert select(response.content.decode(), "#site-name")
    assert not select(client.get(reverse("admin:index")).content.decode(), f'a[href="{URL}"]')


def test_staff_see_only_the_sections_of_content_they_may_view(client, django_user_model):
    build_health_content()
    staff = django_user_model.objects.create_user("links", "l@example.com", "x", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_resource", content_type__app_label="roadmaps")
    )
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert [attribute(section, "id") for section in select(html, "section.module")] == [
        "broken-links"
    ]
