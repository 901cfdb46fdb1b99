"""The content fixture (fixtures/careers.json) is faithful to the two course documents: the
role study notes and the career paths chapter. Where they disagree, both are kept."""

import pytest
from django.core.management import call_command

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

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = pytest.mark.slow

FIXTURE = "fixtures/careers.json"
CORE = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer"]
SPECIALIZED = [
    "mlops-engineer",
    "research-scientist",
    "computer-vision-engineer",
    "nlp-engineer",
    "ai-product-manager",
]
EXPECTED_COUNTS = {  # referenced models first
    LifecycleStage: 7,
    ToolCategory: 20,
    Tool: 77,
    Skill: 75,
    Diagram: 4,
    Role: 9,
    RoleStage: 16,
    RolePoint: 134,
    RoleSkill: 107,
    RoleTool: 133,
    CareerLevel: 21,
    ComparisonAspect: 8,
    AspectValue: 72,
    DataSystem: 2,
    TeamMember: 7,
    TeamHandoff: 8,
    EntryPath: 3,
    ProgressionStep: 7,
    Guidance: 15,
}


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """Load the fixture once for the module (each test still runs in a rolled-back
    transaction), and remove it afterwards so other modules start from an empty database."""
    with django_db_blocker.unblock():
        call_command("loaddata", FIXTURE, verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in reversed(EXPECTED_COUNTS):  # links before what they point at
            model.objects.all().delete()


@pytest.fixture(autouse=True)
def loaded(content, db):
    """Every test sees the loaded content."""


def counts():
    return {model: model.objects.count() for model in EXPECTED_COUNTS}


def test_the_nine_roles_in_the_url_contract_exist():
    roles = list(Role.objects.values_list("slug", "kind", "name", "short_name"))
    assert [slug for slug, *_ in roles] == CORE + SPECIALIZED
    assert [kind for _, kind, *_ in roles] == ["core"] * 4 + ["specialized"] * 5
    assert {slug: (name, short) for slug, _, name, short in roles} == {
        "data-engineer": ("Data Engineer", "Data Engineer"),
        "data-analyst": ("Data Analyst", "Data Analyst"),
        "data-scientist": ("Data Scientist", "Data Scientist"),
        "ml-engineer": ("Machine Learning Engineer", "ML Engineer"),
        "mlops-engineer": ("MLOps Engineer", "MLOps Engineer"),
        "research-scientist": ("Research / Applied Scientist", "Research Scientist"),
        "computer-vision-engineer": ("Computer Vision Engineer", "CV Engineer"),
        "nlp-engineer": ("NLP Engineer", "NLP Engineer"),
        "ai-product-manager": ("AI Product Manager", "AI PM"),
    }
    for role in Role.objects.all():
        assert role.icon and role.summary and role.overview and role.tagline


def test_every_model_has_the_expected_number_of_rows():
    assert counts() == EXPECTED_COUNTS


@pytest.mark.slow
def test_loading_twice_changes_nothing():
    before = counts()
    levels = list(CareerLevel.objects.values_list("pk", "salary_min", "salary_max"))
    call_command("loaddata", FIXTURE, verbosity=0)
    assert counts() == before
    assert list(CareerLevel.objects.values_list("pk", "salary_min", "salary_max")) == levels


def test_every_core_role_has_four_salaried_levels_with_the_documents_numbers():
    ladders = {
        role: list(
            CareerLevel.objects.filter(role__slug=role).values_list(
                "title",
                "years_min",
                "years_max",
                "salary_min",
                "salary_max",
                "salary_open_ended",
                "focus",
            )
        )
        for role in CORE
    }
    assert ladders == {
        "data-engineer": [
            ("Junior Data Engineer", 0, 2, 70000, 95000, False, "Learning tools, basic pipelines"),
            ("Data Engineer", 2, 5, 90000, 130000, False, "Complex pipelines, optimization"),
            (
                "Senior Data Engineer",
                5,
                10,
                120000,
                180000,
                False,
                "Architecture, leading projects",
            ),
            (
                "Staff/Principal Data Engineer",
                10,
                None,
                160000,
                250000,
                True,
                "Strategy, organization-wide impact",
            ),
        ],
        "data-analyst": [
            ("Junior Data Analyst", 0, 2, 50000, 70000, False, "Basic reporting, learning tools"),
            ("Data Analyst", 2, 5, 65000, 95000, False, "Advanced analysis, insights"),
            ("Senior Data Analyst", 5, 8, 85000, 125000, False, "Strategy, leading projects"),
            (
                "Analytics Manager / Lead",
                8,
                None,
                110000,
                160000,
                False,
                "Team leadership, business impact",
            ),
        ],
        "data-scientist": [
            ("Junior Data Scientist", 0, 2, 80000, 110000, False, "Learning ML, building models"),
            ("Data Scientist", 2, 5, 100000, 150000, False, "End-to-end projects, advanced ML"),
            (
                "Senior Data Scientist",
                5,
                10,
                130000,
                200000,
                False,
                "Complex problems, research, mentoring",
            ),
            (
                "Principal/Staff Data Scientist",
                10,
                None,
                170000,
                300000,
                True,
                "Strategic direction, thought leadership",
            ),
        ],
        "ml-engineer": [
            (
                "Junior ML Engineer",
                0,
                2,
                90000,
                120000,
                False,
                "Learning deployment, basic pipelines",
            ),
            ("ML Engineer", 2, 5, 120000, 170000, False, "Production systems, optimization"),
            (
                "Senior ML Engineer",
                5,
                10,
                150000,
                220000,
                False,
                "Architecture, scalability, mentoring",
            ),
            (
                "Staff/Principal ML Engineer",
                10,
                None,
                180000,
                350000,
                True,
                "Platform, infrastructure, strategy",
            ),
        ],
    }
    assert CareerLevel.objects.get(role__slug="data-engineer", position=4).salary_label == (
        "$160k–$250k+"
    )


def test_specialized_roles_have_one_level_with_the_chapters_salary():
    levels = {
        level.role.slug: (level.title, level.salary_label, level.years_min)
        for level in CareerLevel.objects.filter(role__kind="specialized").select_related("role")
    }
    assert levels == {
        "mlops-engineer": ("MLOps Engineer", "$110k–$200k", None),
        "research-scientist": ("Research / Applied Scientist", "$130k–$300k+", None),
        "computer-vision-engineer": ("Computer Vision Engineer", "$110k–$200k", None),
        "nlp-engineer": ("NLP Engineer", "$110k–$220k", None),
        "ai-product-manager": ("AI Product Manager", "$120k–$200k", None),
    }


def test_sql_is_one_skill_shared_by_all_four_core_roles():
    assert Skill.objects.filter(name__icontains="sql").count() == 1
    links = {
        link.role.slug: (link.tier, link.detail)
        for link in RoleSkill.objects.filter(skill__slug="sql").select_related("role")
    }
    assert links == {
        "data-engineer": ("essential", "expert level"),
        "data-analyst": ("essential", "advanced"),
        "data-scientist": ("essential", ""),
        # The ML engineer's tiers do not name SQL; "All roles require" Python/SQL does.
        "ml-engineer": ("", "required of all roles"),
    }
    python = {
        link.role.slug: link.detail
        for link in RoleSkill.objects.filter(skill__slug="python", role__kind="core")
    }
    assert python == {
        "data-engineer": "or Scala",
        "data-analyst": "or R, intermediate",
        "data-scientist": "expert level",
        "ml-engineer": "expert level",
    }


def test_the_technical_skill_tiers_follow_the_chapter():
    def tier(role, name):
        return list(
            RoleSkill.objects.filter(role__slug=role, group="technical", tier=name)
            .order_by("position")
            .values_list("skill__name", flat=True)
        )

    assert tier("data-engineer", "essential") == [
        "SQL",
        "Python",
        "ETL",
        "Data modeling",
        "Linux/Unix",
    ]
    assert tier("data-engineer", "nice_to_have") == ["Java", "Terraform", "CI/CD pipelines"]
    assert tier("data-analyst", "important") == [
        "Tableau",
        "A/B testing",
        "Business intelligence tools",
        "Google Analytics",
    ]
    assert tier("ml-engineer", "essential") == [
        "Python",
        "Software engineering principles",
        "Docker & Kubernetes",
        "REST APIs",
        "Cloud platforms",
        "Linux/Unix",
        "Git",
    ]
    groups = set(RoleSkill.objects.filter(role__slug__in=CORE).values_list("role__slug", "group"))
    assert groups == {
        ("data-engineer", "technical"),
        ("data-engineer", "soft"),
        ("data-analyst", "technical"),
        ("data-analyst", "business"),
        ("data-scientist", "technical"),
        ("data-scientist", "mathematical"),
        ("data-scientist", "soft"),
        ("ml-engineer", "technical"),
        ("ml-engineer", "ml_knowledge"),
        ("ml-engineer", "software_engineering"),
    }
    assert (
        not RoleSkill.objects.filter(role__slug__in=CORE)
        .exclude(group="technical")
        .exclude(tier="")
    )
    assert all(skill.description for skill in Skill.objects.all())


def test_the_roadmap_and_quiz_skills_exist_in_the_catalogue():
    names = set(Skill.objects.values_list("name", flat=True))
    assert {
        "Python",
        "SQL",
        "Statistics fundamentals",
        "Linear algebra",
        "Excel",
        "Machine learning algorithms",
        "Feature engineering",
        "Model evaluation",
        "Data visualization",
        "Git",
        "ETL",
        "Spark",
        "Airflow",
        "Tableau",
        "Deep learning",
        "REST APIs",
        "Docker & Kubernetes",
        "Cloud platforms",
        "Big data frameworks",
        "MLOps practices",
        "Research paper reading",
        "Communication",
        "Problem-solving",
    } <= names


def test_the_data_scientist_vs_ml_engineer_table_is_verbatim():
    table = {
        (value.aspect.slug, value.role.slug): value.text
        for value in AspectValue.objects.filter(
            role__slug__in=["data-scientist", "ml-engineer"], source="chapter"
        ).select_related("aspect", "role")
    }
    assert table == {
        ("focus", "data-scientist"): "Model accuracy, insights",
        ("focus", "ml-engineer"): "Production, scalability",
        ("environment", "data-scientist"): "Jupyter notebooks, experiments",
        ("environment", "ml-engineer"): "Production systems",
        ("tools", "data-scientist"): "Scikit-learn, pandas, R",
        ("tools", "ml-engineer"): "Docker, Kubernetes, APIs",
        ("metrics", "data-scientist"): "F1, AUC, RMSE",
        ("metrics", "ml-engineer"): "Latency, throughput, uptime",
        ("mindset", "data-scientist"): "Research, experimentation",
        ("mindset", "ml-engineer"): "Engineering, reliability",
        ("output", "data-scientist"): "Model prototype, insights",
        ("output", "ml-engineer"): "Production system",
        ("skills", "data-scientist"): "Statistics, ML algorithms",
        ("skills", "ml-engineer"): "Software engineering, DevOps",
    }


def test_every_role_has_a_value_for_every_comparison_aspect():
    aspects = list(ComparisonAspect.objects.values_list("slug", "name"))
    assert aspects == [
        ("focus", "Focus"),
        ("environment", "Environment"),
        ("tools", "Tools"),
        ("metrics", "Metrics"),
        ("mindset", "Mindset"),
        ("output", "Output"),
        ("skills", "Skills"),
        ("typical-day", "Typical day"),
    ]
    pairs = set(AspectValue.objects.values_list("aspect__slug", "role__slug"))
    assert pairs == {(aspect, role) for aspect, _ in aspects for role in CORE + SPECIALIZED}
    assert all(0 < len(text) <= 300 for text in AspectValue.objects.values_list("text", flat=True))


def test_the_lifecycle_focus_table_of_the_notes_is_represented():
    assert list(LifecycleStage.objects.values_list("number", "slug")) == [
        (1, "planning-requirements"),
        (2, "data-ingestion-storage"),
        (3, "data-cleaning-exploration"),
        (4, "feature-engineering-preprocessing"),
        (5, "modeling-training"),
        (6, "deployment-integration"),
        (7, "monitoring-maintenance"),
    ]
    notes = set(RoleStage.objects.filter(source="notes").values_list("role__slug", "stage__number"))
    assert notes == {
        ("data-engineer", 2),
        ("data-analyst", 3),
        ("data-analyst", 4),
        ("data-scientist", 4),
        ("data-scientist", 5),
        ("ml-engineer", 6),
        ("ml-engineer", 7),
    }
    assert set(RoleStage.objects.values_list("role__slug", flat=True)) == set(CORE + SPECIALIZED)


def test_the_analyst_reporting_discrepancy_is_kept():
    reporting = RoleStage.objects.get(
        role__slug="data-analyst", stage__slug="feature-engineering-preprocessing"
    )
    assert reporting.label == "Reporting"
    assert reporting.source == "notes"
    assert "4. Reporting" in reporting.note
    assert "Feature Engineering & Preprocessing" in reporting.note
    assert Role.objects.get(slug="data-analyst").focus == "3. Cleaning & Exploration; 4. Reporting"


def test_who_owns_monitoring_is_shown_from_both_documents():
    mle = RoleStage.objects.get(role__slug="ml-engineer", stage__slug="monitoring-maintenance")
    mlops = RoleStage.objects.get(role__slug="mlops-engineer", stage__slug="monitoring-maintenance")
    assert (mle.source, mlops.source) == ("notes", "chapter")
    assert mlops.label == "Monitor & Maintain"
    assert "MLOps" in mle.note and "ML engineer" in mlops.note
    assert TeamMember.objects.get(slug="mlops-engineer").responsibility == "Monitor & Maintain"


def test_both_documents_tool_lists_are_kept():
    assert Tool.objects.filter(name__icontains="airflow").count() == 1

    def tools(role, source):
        return {
            link.tool.slug: (link.heading, link.note)
            for link in RoleTool.objects.filter(role__slug=role, source=source).select_related(
                "tool"
            )
        }

    de_notes, de_chapter = tools("data-engineer", "notes"), tools("data-engineer", "chapter")
    assert de_notes["aws"] == ("Cloud Platforms", "Redshift, S3")
    assert de_chapter["aws"] == ("Cloud Platforms", "S3, RDS, Redshift, Glue, Kinesis")
    assert de_notes["airflow"] == ("Orchestration", "") and "airflow" in de_chapter
    assert "presto" in de_notes and "presto" not in de_chapter
    assert "dagster" in de_chapter and "dagster" not in de_notes
    assert de_chapter["hadoop"] == ("Big Data", "Hadoop Ecosystem: HDFS, MapReduce, Hive")
    assert de_chapter["spark"] == ("Big Data", "PySpark, Spark SQL")
    assert de_chapter["kafka"] == ("Big Data", "Real-time streaming")

    da_chapter = tools("data-analyst", "chapter")
    assert da_chapter["tableau"] == ("Visualization", "Industry standard")
    assert da_chapter["r"][1].startswith("ggplot2, dplyr, tidyr")
    assert da_chapter["optimizely"] == da_chapter["vwo"] == ("Statistics", "A/B Testing Tools")
    assert da_chapter["sas"] == ("Statistics", "Statistical Software (enterprise)")
    assert tools("ml-engineer", "chapter")["aws"] == ("Cloud & MLOps", "SageMaker, Lambda, EC2")
    assert "sentry" in tools("ml-engineer", "notes")
    assert "seldon" in tools("ml-engineer", "chapter")
    assert set(tools("computer-vision-engineer", "chapter")) == {"opencv", "pytorch", "tensorflow"}
    for role in CORE:
        assert tools(role, "notes") and tools(role, "chapter")


def test_example_code_is_copied_exactly():
    de = Role.objects.get(slug="data-engineer").example_code
    assert de.startswith("# Data Engineer's typical work:\n\n# 1. Extract data from multiple")
    assert (
        "    # From databases\n    postgres_data = extract_from_postgres()\n    \n    # From APIs\n"
    ) in de
    assert de.endswith("    # To feature store\n    load_to_feature_store(processed_data)")
    da = Role.objects.get(slug="data-analyst").example_code
    assert (
        "top_products = df.groupby('product')['revenue'].sum()"
        ".sort_values(ascending=False).head(10)"
    ) in da
    assert "    'expected_impact': '+15% revenue in Q4'\n}" in da
    ds = Role.objects.get(slug="data-scientist").example_code
    assert (
        'print(f"Cross-validation accuracy: {cv_scores.mean():.3f} (+/- {cv_scores.std():.3f})")'
    ) in ds
    mle = Role.objects.get(slug="ml-engineer").example_code
    assert mle.startswith("# ML Engineer's typical work:\n\n# 1. Create production API\n")
    assert '@app.post("/predict", response_model=PredictionResponse)' in mle
    assert mle.endswith("t1 >> t2 >> t3")
    assert len(mle.splitlines()) == 95
    for slug in SPECIALIZED:
        assert Role.objects.get(slug=slug).example_code == ""


def test_core_roles_carry_the_notes_tasks_inputs_outputs_and_career_notes():
    de = Role.objects.get(slug="data-engineer")
    assert de.core_responsibility.startswith("Build and maintain the pipelines that collect")
    assert de.progression == ["Junior", "Senior", "Lead / Architect", "Head of Data Engineering"]
    assert de.study_focus == "Big Data frameworks, ETL tools"
    for slug in CORE:
        points = RolePoint.objects.filter(role__slug=slug, source="notes")
        assert points.filter(kind="key_task").count() == 5
        assert points.filter(kind="input").count() == points.filter(kind="output").count() == 1
        assert points.filter(kind="career_note").count() == 1
    task = RolePoint.objects.get(role__slug="data-engineer", kind="key_task", position=1)
    assert (task.title, task.text) == (
        "Data Ingestion",
        "Extract from multiple sources (OLTP databases, APIs, third\u2011party systems, logs).",
    )
    note = RolePoint.objects.get(role__slug="data-engineer", kind="career_note").text
    assert note.startswith("In high\u2011data\u2011volume organizations")
    assert RolePoint.objects.get(role__slug="ml-engineer", kind="input").text == (
        "Trained models, scoring code"
    )
    collaborators = {
        role.slug: sorted(c.slug for c in role.collaborators.all())
        for role in Role.objects.filter(slug__in=CORE)
    }
    assert collaborators == {
        "data-engineer": ["data-analyst", "data-scientist", "ml-engineer"],
        "data-analyst": ["data-scientist"],
        "data-scientist": ["data-engineer", "ml-engineer"],
        "ml-engineer": ["data-scientist"],
    }
    assert Role.objects.get(slug="ml-engineer").other_collaborators == "DevOps, Product Teams"


def test_every_role_has_responsibilities_and_reasons_to_choose_it():
    for slug in CORE + SPECIALIZED:
        points = RolePoint.objects.filter(role__slug=slug)
        assert points.filter(kind="responsibility", source="chapter").count() >= 4
        assert points.filter(kind="choose_if").count() >= 3
    de_reasons = list(
        RolePoint.objects.filter(role__slug="data-engineer", kind="choose_if").values_list(
            "text", "source"
        )
    )
    assert de_reasons == [
        ("Love building systems and infrastructure", "chapter"),
        ("Enjoy optimization and performance", "chapter"),
        ("Prefer backend engineering", "chapter"),
        ("Like working with databases", "chapter"),
        ("Love coding & infrastructure", "notes"),
    ]
    mlops = Role.objects.get(slug="mlops-engineer")
    assert (mlops.focus, mlops.skills_summary) == (
        "ML infrastructure and operations",
        "DevOps + ML knowledge",
    )


def test_the_team_chart_has_every_box_and_arrow():
    members = list(TeamMember.objects.values_list("slug", "tier", "responsibility", "role__slug"))
    assert members == [
        ("business-stakeholders", 1, "Define problems, provide requirements", None),
        ("product-manager", 2, "Translate business to technical", "ai-product-manager"),
        ("data-engineer", 3, "Pipelines", "data-engineer"),
        ("data-analyst", 3, "Insights", "data-analyst"),
        ("data-scientist", 3, "Models", "data-scientist"),
        ("ml-engineer", 4, "Deploy & Scale", "ml-engineer"),
        ("mlops-engineer", 5, "Monitor & Maintain", "mlops-engineer"),
    ]
    arrows = set(TeamHandoff.objects.values_list("source__slug", "target__slug"))
    assert arrows == {
        ("business-stakeholders", "product-manager"),
        ("product-manager", "data-engineer"),
        ("product-manager", "data-analyst"),
        ("product-manager", "data-scientist"),
        ("data-engineer", "ml-engineer"),
        ("data-analyst", "ml-engineer"),
        ("data-scientist", "ml-engineer"),
        ("ml-engineer", "mlops-engineer"),
    }


def test_the_supporting_facts_are_verbatim():
    oltp, olap = DataSystem.objects.all()
    assert (oltp.abbreviation, oltp.name, oltp.purpose) == (
        "OLTP",
        "Online Transaction Processing",
        "Day-to-day operations",
    )
    assert oltp.characteristic_list[-1] == "ACID properties important"
    assert olap.example_list == ["Sales reports", "Customer segmentation", "Trend analysis"]
    assert olap.example_databases == "Snowflake, Redshift, BigQuery"
    assert EntryPath.objects.get(slug="bootcamp-self-taught").step_list == [
        "Online courses (Coursera, Udacity, DataCamp)",
        "Build portfolio projects",
        "Kaggle competitions",
        "Networking",
        "Entry-level or junior position",
    ]
    assert list(ProgressionStep.objects.values_list("track", "years", "title")) == [
        ("individual", "Year 0-2", "Junior"),
        ("individual", "Year 2-5", "Mid-level"),
        ("individual", "Year 5-8", "Senior"),
        ("individual", "Year 8+", "Lead/Principal"),
        ("management", "Year 8+", "Manager"),
        ("management", "Year 12+", "Director"),
        ("management", "Year 15+", "VP/Chief"),
    ]
    by_kind = {}
    for guidance in Guidance.objects.all():
        by_kind.setdefault(guidance.kind, []).append(guidance.title)
    assert by_kind["all_roles_require"] == [
        "Strong programming (Python/SQL)",
        "Problem-solving skills",
        "Communication abilities",
        "Continuous learning mindset",
    ]
    assert by_kind["career_advice"][-1] == "Don't rush - mastery takes time!"
    assert len(by_kind["study_plan"]) == 3 and len(by_kind["choosing_path"]) == 3
    path = Guidance.objects.get(kind="choosing_path", position=1)
    assert path.title == "Love coding & infrastructure?"
    assert sorted(path.roles.values_list("slug", flat=True)) == ["data-engineer", "ml-engineer"]


def test_the_core_roles_show_the_diagrams_the_material_asks_for():
    shown = Role.objects.filter(diagram__isnull=False).values_list("slug", "diagram__kind")
    assert dict(shown) == {
        "data-engineer": "data_systems",
        "data-analyst": "dashboard",
        "data-scientist": "workflow",
        "ml-engineer": "architecture",
    }
    for diagram in Diagram.objects.all():
        diagram.full_clean()  # as an editor's save in the admin checks it
    etl = Diagram.objects.get(kind="data_systems").steps
    assert [line.split(" | ")[0] for line in etl.splitlines()] == ["Extract", "Transform", "Load"]
