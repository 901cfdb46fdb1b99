import pytest

from careers.models import CareerLevel, Diagram, Role
from tests.content import build_content
from tests.html import select, select_one, text

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/roles/",
    "/roles/role-0/",
    "/roles/role-1/",
    "/lifecycle/",
    "/skills/",
    "/skills/skill-0/",
]


# Queries per page for a visitor, whatever the amount of content; the first is the content
# version that keys the page cache (a cached page costs only that one).
QUERIES = {
    "/": 6,
    "/roles/": 5,
    "/roles/role-0/": 10,
    "/roles/role-1/": 10,
    "/lifecycle/": 6,
    "/skills/": 3,
    "/skills/skill-0/": 3,
}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_with_one_h1(client, url):
    build_content()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert 'href="#main"' in html  # skip link


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("url", PAGES)
def test_pages_use_the_same_few_queries_with_ten_times_the_content(
    client, django_assert_num_queries, url, scale
):
    build_content(scale=scale)
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/roles/no-such-role/", "/skills/no-such-skill/", "/roles/ROLE-0/", "/nowhere/"]
)
def test_unknown_addresses_get_the_styled_404_page(client, url):
    build_content()
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "<nav" in html  # the site's layout, not a bare error


def test_the_500_page_extends_the_site_layout():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert 'lang="en"' in html
    assert "<main" in html


def test_the_role_page_shows_everything_about_the_role(client):
    role = build_content()[0]
    html = client.get(role.get_absolute_url()).content.decode()
    assert role.overview in html
    assert "Point 0" in html  # responsibilities and other lists
    assert "Skill 0" in html
    assert "Tool 0" in html
    assert "Level 3" in html and "$80k–$150k+" in html
    assert "Aspect 0 of Role 0" in html
    assert select(html, ".highlight")  # example code is highlighted
    assert "salary-chart" in html and "<svg" in html


def test_the_role_page_shows_both_documents_tool_lists_under_their_names(client):
    role = build_content()[0]
    html = client.get(role.get_absolute_url()).content.decode()
    headings = [text(h3) for h3 in select(select_one(html, "section[aria-labelledby=tools]"), "h3")]
    assert headings == ["Career paths overview", "Role guide"]


def test_only_the_page_of_the_role_whose_diagram_it_is_explains_oltp_and_olap(client):
    build_content()
    diagram = Diagram.objects.create(slug="d", kind=Diagram.Kind.DATA_SYSTEMS, title="OLTP vs OLAP")
    Role.objects.filter(slug="role-0").update(diagram=diagram)
    assert "OLTP vs OLAP" in client.get("/roles/role-0/").content.decode()
    assert "OLTP vs OLAP" not in client.get("/roles/role-1/").content.decode()


def test_the_salary_chart_draws_one_bar_per_level_with_an_open_end(client):
    role = build_content()[0]
    html = client.get(role.get_absolute_url()).content.decode()
    chart = select(html, "figure.salary-chart")[0]
    assert len(select(chart, "rect.band")) == 4
    assert len(select(chart, ".open-end")) == 1
    assert select(chart, 'svg[aria-hidden="true"]')  # the bars are decoration; the text says it all


def test_the_lifecycle_page_shows_each_stages_roles_and_the_team(client):
    build_content()
    html = client.get("/lifecycle/").content.decode()
    assert "“Reporting”" in html
    assert "Member 0" in html and "Things" in html


def test_the_skill_page_lists_roles_by_tier(client):
    build_content()
    html = client.get("/skills/skill-0/").content.decode()
    assert "Essential" in html
    assert "Role 0" in html and "Role 1" in html


def test_the_home_page_links_every_role(client):
    roles = build_content()
    html = client.get("/").content.decode()
    for role in roles:
        assert role.get_absolute_url() in html


def test_a_post_to_a_page_is_refused(client):
    build_content()
    assert client.post("/roles/").status_code == 405


def test_the_health_check_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_salary_labels_read_like_the_documents():
    level = CareerLevel(salary_min=160_000, salary_max=250_000, salary_open_ended=True)
    assert level.salary_label == "$160k–$250k+"
    assert CareerLevel(years_min=10).years_label == "10+ years"
    assert CareerLevel(years_min=0, years_max=2).years_label == "0–2 years"
