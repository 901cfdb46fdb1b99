"""Editors set a skill's prerequisites on the skill's admin page; a prerequisite that would
make a skill, however indirectly, its own prerequisite is refused with the chain named."""

import pytest
from django.urls import reverse

from careers.models import Skill
from tests.content import admin_change
from tests.html import select, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills():
    """Python ← Advanced Python ← Machine learning algorithms, and SQL on its own."""
    python = Skill.objects.create(slug="python", name="Python basics")
    advanced = Skill.objects.create(slug="advanced-python", name="Advanced Python")
    algorithms = Skill.objects.create(slug="ml-algorithms", name="ML algorithms")
    sql = Skill.objects.create(slug="sql", name="SQL basics")
    advanced.prerequisites.add(python)
    algorithms.prerequisites.add(advanced)
    return {skill.slug: skill for skill in (python, advanced, algorithms, sql)}


def _errors(response) -> list[str]:
    assert response.status_code == 200, "the form was saved"
    return response.context["adminform"].form.errors.get("prerequisites", [])


def test_an_editor_adds_a_prerequisite_to_a_skill(editor_client, skills):
    algorithms = skills["ml-algorithms"]
    response = admin_change(
        editor_client, algorithms, prerequisites=[skills["advanced-python"].pk, skills["sql"].pk]
    )
    assert response.status_code == 302
    assert set(algorithms.prerequisites.values_list("slug", flat=True)) == {
        "advanced-python",
        "sql",
    }


def test_the_skill_page_lists_the_catalogue_with_the_prerequisites_chosen(editor_client, skills):
    url = reverse("admin:careers_skill_change", args=[skills["ml-algorithms"].pk])
    html = editor_client.get(url).content
    [field] = select(html, 'select[name="prerequisites"][multiple]')
    assert [text(option) for option in select(field, "option")] == [
        "Advanced Python",
        "ML algorithms",
        "Python basics",
        "SQL basics",
    ]
    assert [text(option) for option in select(field, "option[selected]")] == ["Advanced Python"]


def test_a_skill_cannot_require_a_skill_that_requires_it(editor_client, skills):
    python = skills["python"]
    response = admin_change(
        editor_client,
        python,
        prerequisites=[skills["advanced-python"].pk],
        description="Edited alongside.",
    )
    assert _errors(response) == [
        "Python basics can’t require Advanced Python: Advanced Python already requires "
        "Python basics (Advanced Python → Python basics)."
    ]
    python.refresh_from_db()
    assert not python.prerequisites.exists()
    assert python.description == ""


def test_a_skill_cannot_require_a_skill_that_requires_it_indirectly(editor_client, skills):
    python = skills["python"]
    response = admin_change(
        editor_client, python, prerequisites=[skills["sql"].pk, skills["ml-algorithms"].pk]
    )
    assert _errors(response) == [
        "Python basics can’t require ML algorithms: ML algorithms already requires Python "
        "basics (ML algorithms → Advanced Python → Python basics)."
    ]
    assert not python.prerequisites.exists()


def test_the_message_uses_the_name_being_saved(editor_client, skills):
    response = admin_change(
        editor_client, skills["python"], name="Python", prerequisites=[skills["advanced-python"].pk]
    )
    assert _errors(response) == [
        "Python can’t require Advanced Python: Advanced Python already requires Python "
        "(Advanced Python → Python)."
    ]
    assert Skill.objects.get(slug="python").name == "Python basics"


def test_a_skill_cannot_be_its_own_prerequisite(editor_client, skills):
    sql = skills["sql"]
    response = admin_change(editor_client, sql, prerequisites=[sql.pk])
    assert _errors(response) == [
        "SQL basics can’t require itself: a skill can’t be its own prerequisite."
    ]
    assert not sql.prerequisites.exists()


def test_a_new_skill_can_have_prerequisites(editor_client, skills):
    response = editor_client.post(
        reverse("admin:careers_skill_add"),
        {
            "slug": "feature-engineering",
            "name": "Feature engineering",
            "group": Skill._meta.get_field("group").default,
            "prerequisites": [skills["ml-algorithms"].pk],
            "role_skills-TOTAL_FORMS": 0,
            "role_skills-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    skill = Skill.objects.get(slug="feature-engineering")
    assert list(skill.prerequisites.values_list("slug", flat=True)) == ["ml-algorithms"]


def test_the_skill_autocompletes_list_skills_by_name(editor_client, skills):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "roadmaps", "model_name": "roadmapstep", "field_name": "skill"},
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Advanced Python", "ML algorithms", "Python basics", "SQL basics"]
