"""The roadmap content (fixtures/roadmaps.json) follows the chapter's skills roadmap: one
roadmap per role, three levels, the shared foundation and core, each role's specialization,
and steps that point at the shared skill catalogue so progress counts on every roadmap."""

from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from careers.models import Role, Skill
from roadmaps.models import Project, Resource, Roadmap, RoadmapLevel, RoadmapStep

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = pytest.mark.slow

CORE = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer"]
SPECIALIZED = [
    "mlops-engineer",
    "research-scientist",
    "computer-vision-engineer",
    "nlp-engineer",
    "ai-product-manager",
]
FOUNDATION = [
    ("Python basics", "python"),
    ("SQL basics", "sql"),
    ("Statistics fundamentals", "statistics-fundamentals"),
    ("Linear algebra basics", "linear-algebra"),
    ("Excel/data manipulation", "data-manipulation"),
]
CORE_SKILLS = [
    ("Advanced Python (Pandas, NumPy)", "advanced-python"),
    ("ML algorithms (Scikit-learn)", "ml-algorithms"),
    ("Feature engineering", "feature-engineering"),
    ("Model evaluation", "model-evaluation"),
    ("Data visualization (Matplotlib, Seaborn)", "data-visualization"),
    ("Git version control", "git"),
]
ADVANCED_SHARED = [
    ("Cloud certifications", "cloud-certifications"),
    ("Research papers", "research-paper-reading"),
]
PROJECTS = {
    "beginner": ["Analyze public datasets", "Build simple ML models", "Create visualizations"],
    "intermediate": ["End-to-end ML project", "Kaggle competitions", "Portfolio website"],
    "advanced": [
        "Deploy ML model to production",
        "Contribute to open source",
        "Write blog posts",
        "Build impressive portfolio",
    ],
}
# Each roadmap's own branch: (intermediate, advanced) specialization skills, in order.
SPECIALIZATIONS = {
    "data-engineer": (["etl", "spark", "airflow"], ["big-data-frameworks"]),
    "data-analyst": (["tableau", "statistics-probability"], ["advanced-visualization"]),
    "data-scientist": (["deep-learning-foundations", "advanced-ml"], ["deep-learning"]),
    "ml-engineer": (
        ["rest-apis", "docker-kubernetes", "cloud-platforms"],
        ["deep-learning", "mlops-practices"],
    ),
    "mlops-engineer": (
        ["devops", "docker-kubernetes", "ci-cd-pipelines", "cloud-platforms"],
        ["mlops-practices", "feature-stores", "model-registry", "monitoring-tools"],
    ),
    "research-scientist": (
        ["statistics-probability", "calculus", "deep-learning-foundations"],
        ["deep-learning", "optimization", "research-publishing"],
    ),
    "computer-vision-engineer": (
        ["deep-learning-foundations", "image-processing", "cnns"],
        ["deep-learning", "computer-vision", "model-optimization"],
    ),
    "nlp-engineer": (["deep-learning-foundations", "nlp"], ["deep-learning", "transformers"]),
    "ai-product-manager": (
        ["ml-understanding", "product-management"],
        ["success-metrics", "stakeholder-management", "communication"],
    ),
}
ROADMAP_MODELS = [Roadmap, RoadmapLevel, Project, RoadmapStep, Resource, Skill]


@pytest.fixture(autouse=True)
def loaded(module_site_content, db):
    """Every test sees the loaded content."""


def steps(role, stage, **filters):
    return RoadmapStep.objects.filter(
        level__roadmap__role__slug=role, level__stage=stage, **filters
    ).order_by("position")


def skill_steps(role, stage, **filters):
    return [
        (step.title, step.skill.slug)
        for step in steps(role, stage, skill__isnull=False, **filters).select_related("skill")
    ]


def project_names(role, stage):
    return [step.project.name for step in steps(role, stage, project__isnull=False)]


def test_every_role_has_a_roadmap_with_three_levels_titled_and_timed_as_the_documents_say():
    assert list(Roadmap.objects.values_list("role__slug", flat=True)) == CORE + SPECIALIZED
    for roadmap in Roadmap.objects.all():
        levels = list(roadmap.levels.values_list("stage", "title", "duration"))
        assert levels == [
            ("beginner", "Foundation", "0–6 months"),
            ("intermediate", "Core Skills", "6–18 months"),
            ("advanced", "Specialization", "18+ months"),
        ]


def test_every_beginner_level_has_the_five_foundation_skills_then_the_three_projects():
    for role in CORE + SPECIALIZED:
        assert skill_steps(role, "beginner") == FOUNDATION
        assert project_names(role, "beginner") == PROJECTS["beginner"]
        kinds = [step.is_project for step in steps(role, "beginner")]
        assert kinds == [False] * 5 + [True] * 3


def test_every_intermediate_level_has_the_six_core_skills_its_branch_then_three_projects():
    for role in CORE + SPECIALIZED:
        assert skill_steps(role, "intermediate", is_specialization=False) == CORE_SKILLS
        branch = [slug for _, slug in skill_steps(role, "intermediate", is_specialization=True)]
        assert branch == SPECIALIZATIONS[role][0]
        assert project_names(role, "intermediate") == PROJECTS["intermediate"]
        kinds = [(step.is_project, step.is_specialization) for step in steps(role, "intermediate")]
        assert kinds == [(False, False)] * 6 + [(False, True)] * len(branch) + [(True, False)] * 3


def test_each_core_roadmaps_specialization_uses_the_chapters_words():
    def titles(role, stage):
        return [title for title, _ in skill_steps(role, stage, is_specialization=True)]

    assert titles("data-engineer", "intermediate") == ["Learn ETL", "Learn Spark", "Learn Airflow"]
    assert titles("data-analyst", "intermediate") == ["Master Tableau", "Advanced statistics"]
    assert titles("data-scientist", "intermediate") == ["Deep learning foundations", "Advanced ML"]
    assert titles("ml-engineer", "intermediate") == ["APIs", "Docker", "Cloud platforms"]
    assert titles("data-engineer", "advanced") == ["Big data tools"]
    assert titles("data-analyst", "advanced") == ["Advanced visualization"]
    assert titles("data-scientist", "advanced") == ["Deep learning"]
    assert titles("ml-engineer", "advanced") == ["Deep learning", "MLOps practices"]


def test_every_advanced_level_has_its_branch_the_shared_skills_and_four_projects():
    for role in CORE + SPECIALIZED:
        branch = [slug for _, slug in skill_steps(role, "advanced", is_specialization=True)]
        assert branch == SPECIALIZATIONS[role][1]
        assert skill_steps(role, "advanced", is_specialization=False) == ADVANCED_SHARED
        assert project_names(role, "advanced") == PROJECTS["advanced"]


def test_specialized_roadmaps_branch_into_the_skills_the_chapter_names():
    def branch(role):
        return set(
            RoadmapStep.objects.filter(
                level__roadmap__role__slug=role, is_specialization=True
            ).values_list("title", flat=True)
        )

    assert {"CI/CD for ML", "Feature stores", "Model registry", "Model monitoring"} <= branch(
        "mlops-engineer"
    )
    assert {"CNNs", "Image processing with OpenCV"} <= branch("computer-vision-engineer")
    assert {"Transformers (BERT, GPT)", "NLP fundamentals with spaCy"} <= branch("nlp-engineer")
    assert {"Product management", "ML understanding", "Success metrics"} <= branch(
        "ai-product-manager"
    )
    assert {"Probability & statistics", "Calculus", "Publishing research"} <= branch(
        "research-scientist"
    )
    # Every essential skill of a specialized role is somewhere on its roadmap, except the
    # MLOps engineer's "ML understanding", which the shared core skills teach.
    for role in Role.objects.specialized():
        on_roadmap = set(
            RoadmapStep.objects.filter(level__roadmap__role=role).values_list(
                "skill__slug", flat=True
            )
        )
        essential = set(
            role.role_skills.filter(tier="essential").values_list("skill__slug", flat=True)
        )
        missing = essential - on_roadmap
        assert missing == ({"ml-understanding"} if role.slug == "mlops-engineer" else set())


def test_shared_steps_point_at_the_same_skill_on_every_roadmap():
    for title, slug in FOUNDATION + CORE_SKILLS + ADVANCED_SHARED:
        roles = set(
            RoadmapStep.objects.filter(title=title, skill__slug=slug).values_list(
                "level__roadmap__role__slug", flat=True
            )
        )
        assert roles == set(CORE + SPECIALIZED), title
    sql = Skill.objects.get(slug="sql")
    assert sql.roadmap_steps.count() == 9
    assert {step.title for step in sql.roadmap_steps.all()} == {"SQL basics"}
    # Projects are shared rows too, so progress on one counts on every roadmap.
    assert Project.objects.count() == 10
    assert all(project.roadmap_steps.count() == 9 for project in Project.objects.all())


def test_no_skill_appears_twice_on_one_roadmap_and_every_step_is_valid():
    per_roadmap = Counter(
        RoadmapStep.objects.filter(skill__isnull=False).values_list(
            "level__roadmap__role__slug", "skill__slug"
        )
    )
    assert max(per_roadmap.values()) == 1
    for step in RoadmapStep.objects.select_related("level"):
        step.full_clean()


def test_every_roadmap_level_and_step_has_written_text():
    assert all(len(intro) > 80 for intro in Roadmap.objects.values_list("intro", flat=True))
    assert all(RoadmapLevel.objects.values_list("summary", flat=True))
    for summary, role in RoadmapLevel.objects.filter(stage="intermediate").values_list(
        "summary", "roadmap__role__slug"
    ):
        assert "branch" in summary, role
    explanations = list(RoadmapStep.objects.values_list("explanation", flat=True))
    assert all(40 < len(text) < 400 for text in explanations)
    assert all(project.description for project in Project.objects.all())
    # The same shared step is explained for each role, not copied from one roadmap.
    by_title = defaultdict(set)
    for title, project, text in RoadmapStep.objects.values_list(
        "title", "project__slug", "explanation"
    ):
        by_title[title or project].add(text)
    for title, _ in FOUNDATION + CORE_SKILLS:
        assert len(by_title[title]) == 9, title


def test_skill_steps_link_numbered_https_resources_marked_free_or_paid():
    for title, _ in FOUNDATION + CORE_SKILLS:
        for step in RoadmapStep.objects.filter(title=title):
            assert step.resources.exists(), (step.level.roadmap.slug, title)
    assert not Resource.objects.filter(step__skill__isnull=True).exists()
    for step in RoadmapStep.objects.prefetch_related("resources"):
        positions = [resource.position for resource in step.resources.all()]
        assert positions == list(range(1, len(positions) + 1))
        assert len(positions) <= 2
    assert all(url.startswith("https://") for url in Resource.objects.values_list("url", flat=True))
    assert Resource.objects.filter(is_free=False).exists()
    assert not Resource.objects.filter(url__contains="coursera.org", is_free=True).exists()


@pytest.mark.slow
def test_loading_twice_changes_no_counts():
    before = {model: model.objects.count() for model in ROADMAP_MODELS}
    step_ids = list(RoadmapStep.objects.values_list("pk", flat=True))
    call_command("load_content", force=True, verbosity=0)
    assert {model: model.objects.count() for model in ROADMAP_MODELS} == before
    assert list(RoadmapStep.objects.values_list("pk", flat=True)) == step_ids
    assert before[Roadmap] == 9 and before[RoadmapLevel] == 27
