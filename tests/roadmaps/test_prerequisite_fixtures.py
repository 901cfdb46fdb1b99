"""The seeded prerequisites (fixtures/careers.json, listed in docs/plan.md) follow the course's
order: foundations before core skills before each role's specialisation, plus the dependencies
the text implies. On every roadmap a step's prerequisites come before it, so the suggested
next step never waits on a step further down the same roadmap."""

from graphlib import CycleError, TopologicalSorter

import pytest

from careers.models import Skill
from roadmaps.models import RoadmapStep, Stage

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = pytest.mark.slow

STAGES = list(Stage.values)  # beginner, intermediate, advanced


@pytest.fixture(autouse=True)
def loaded(module_site_content, db):
    """Every test sees the loaded content."""


def prerequisites() -> dict[str, set[str]]:
    """Each skill's direct prerequisites, by slug."""
    needs = {slug: set() for slug in Skill.objects.values_list("slug", flat=True)}
    links = Skill.prerequisites.through.objects.values_list("from_skill__slug", "to_skill__slug")
    for skill, prerequisite in links:
        needs[skill].add(prerequisite)
    return needs


def roadmap_places() -> dict[str, dict[str, tuple[int, int]]]:
    """Where each skill sits on each roadmap: (level, position), which sorts in roadmap order."""
    places: dict[str, dict[str, tuple[int, int]]] = {}
    steps = RoadmapStep.objects.filter(skill__isnull=False).values_list(
        "level__roadmap__role__slug", "level__stage", "position", "skill__slug"
    )
    for role, stage, position, skill in steps:
        places.setdefault(role, {})[skill] = (STAGES.index(stage), position)
    return places


def test_no_skill_is_its_own_prerequisite_however_indirectly():
    try:
        TopologicalSorter(prerequisites()).prepare()
    except CycleError as error:
        pytest.fail(f"The prerequisites form a cycle: {error.args[1]}")
    for skill in Skill.objects.prefetch_related("prerequisites"):
        assert skill.prerequisite_cycle(skill.prerequisites.all()) is None, skill


def test_no_step_needs_a_skill_from_a_later_level_of_its_roadmap():
    needs = prerequisites()
    later = [
        (role, skill, prerequisite)
        for role, places in roadmap_places().items()
        for skill, (level, _) in places.items()
        for prerequisite in needs[skill]
        if prerequisite in places and places[prerequisite][0] > level
    ]
    assert later == []


def test_on_every_roadmap_a_steps_prerequisites_come_before_it():
    needs = prerequisites()
    out_of_order = [
        (role, skill, prerequisite)
        for role, places in roadmap_places().items()
        for skill, place in places.items()
        for prerequisite in needs[skill]
        if prerequisite in places and places[prerequisite] >= place
    ]
    assert out_of_order == []


def test_only_the_ml_engineers_deep_learning_needs_a_skill_its_roadmap_does_not_teach():
    # The course puts deep learning in the ML engineer's advanced path without the
    # foundations the other deep-learning roadmaps teach first; docs/plan.md says so.
    needs = prerequisites()
    missing = {
        (role, skill, prerequisite)
        for role, places in roadmap_places().items()
        for skill in places
        for prerequisite in needs[skill]
        if prerequisite not in places
    }
    assert missing == {("ml-engineer", "deep-learning", "deep-learning-foundations")}


def test_prerequisites_are_direct_only():
    needs = prerequisites()

    def reachable(slug: str) -> set[str]:
        found, stack = set(), [slug]
        while stack:
            for prerequisite in needs[stack.pop()] - found:
                found.add(prerequisite)
                stack.append(prerequisite)
        return found

    redundant = [
        (skill, prerequisite)
        for skill, direct in needs.items()
        for prerequisite in direct
        if any(prerequisite in reachable(other) for other in direct - {prerequisite})
    ]
    assert redundant == []


@pytest.mark.parametrize(
    ("skill", "needs"),
    [
        ("advanced-python", {"python"}),
        ("ml-algorithms", {"advanced-python", "statistics-fundamentals", "linear-algebra"}),
        ("feature-engineering", {"ml-algorithms"}),
        ("model-evaluation", {"ml-algorithms"}),
        ("etl", {"sql", "advanced-python"}),
        ("data-modeling", {"sql"}),
        ("deep-learning", {"deep-learning-foundations"}),
        ("nlp", {"deep-learning-foundations"}),
        ("cnns", {"deep-learning-foundations"}),
        ("mlops-practices", {"docker-kubernetes", "model-evaluation"}),
        ("model-deployment", {"docker-kubernetes", "rest-apis"}),
    ],
)
def test_the_dependencies_the_course_implies_are_seeded(skill, needs):
    assert prerequisites()[skill] == needs


def test_the_foundations_need_nothing():
    needs = prerequisites()
    foundations = RoadmapStep.objects.filter(
        level__stage=Stage.BEGINNER, skill__isnull=False
    ).values_list("skill__slug", flat=True)
    assert {slug: needs[slug] for slug in foundations} == {slug: set() for slug in foundations}
