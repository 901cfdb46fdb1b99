import pytest

from roadmaps.models import Status
from roadmaps.services import progress_set
from tests.content import build_content
from tests.html import select

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roles():
    return build_content(scale=2)  # four roles


def compare(client, *slugs, **extra):
    query = "&".join(f"roles={slug}" for slug in slugs)
    return client.get(f"/compare/?{query}", **extra)


def test_two_roles_are_compared_side_by_side(client, roles):
    response = compare(client, "role-0", "role-1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and "Role 0 vs Role 1, aspect by aspect" in html
    assert len(select(html, 'th[scope="col"]')) >= 3
    assert "Aspect 0 of Role 0" in html and "Aspect 0 of Role 1" in html
    assert "Skill overlap" in html and "Skills by tier" in html and "Tools by category" in html
    assert len(select(html, "figure.salary-chart")) == 2


def test_the_order_of_roles_in_the_address_is_kept(client, roles):
    html = compare(client, "role-2", "role-0").content.decode()
    assert html.index("Role 2 vs Role 0") > 0


def test_duplicates_are_ignored(client, roles):
    html = compare(client, "role-0", "role-1", "role-0").content.decode()
    assert "Role 0 vs Role 1, aspect by aspect" in html


def test_an_htmx_request_gets_only_the_comparison(client, roles):
    response = compare(client, "role-0", "role-1", **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<div id="comparison">')
    assert "Role 0 vs Role 1" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_restoring_history_gets_the_whole_page_with_the_boxes_ticked(client, roles):
    """Back and Forward refetch the page (the form opts out of htmx's history cache), so the
    form and the table come back together; the partial kept for a swap is not served."""
    compare(client, "role-0", "role-1", **HTMX)
    for _ in range(2):  # kept in the page cache, apart from the partial
        response = compare(
            client, "role-0", "role-1", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
        )
        html = response.content.decode()
        assert "<html" in html and "Role 0 vs Role 1, aspect by aspect" in html
        assert html.count('type="checkbox" name="roles"') == 4 and html.count(" checked>") == 2
        assert 'hx-history="false"' in html
    assert "HX-History-Restore-Request" in response["Vary"]


def test_the_picker_works_without_javascript_as_a_get_form(client, roles):
    html = client.get("/compare/").content.decode()
    assert 'method="get" action="/compare/"' in html
    assert html.count('type="checkbox" name="roles"') == 4


def test_fewer_than_two_roles_explains_and_shows_the_picker(client, roles):
    for response in (client.get("/compare/"), compare(client, "role-0")):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Choose at least two roles" in html
        assert 'name="roles"' in html
        assert "aspect by aspect" not in html


def test_more_than_four_roles_shows_the_first_four_and_says_so(client):
    build_content(scale=3)  # six roles
    html = compare(client, *[f"role-{n}" for n in range(6)]).content.decode()
    assert "At most four roles" in html and "Role 4, Role 5" in html
    assert "Role 0 vs Role 1 vs Role 2 vs Role 3, aspect by aspect" in html


def test_unknown_roles_are_named_and_ignored(client, roles):
    html = compare(client, "role-0", "astronaut", "role-1").content.decode()
    assert "“astronaut”" in html
    assert "Role 0 vs Role 1, aspect by aspect" in html


@pytest.mark.parametrize(
    "query",
    [
        "roles=",
        "roles=" + "x" * 5000,
        "roles=data-scientist&roles=%E6%95%B0%E6%8D%AE",
        "roles=role-0&roles=role-0&roles=role-0",
        "roles=<script>alert(1)</script>&roles=role-1",
        "roles=role-0&" * 300,
        "role=role-0&roles[]=role-1",
        "roles=%ff%fe",
    ],
)
def test_odd_query_strings_never_cause_an_error(client, roles, query):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_a_nul_character_in_the_address_is_a_bad_request(client, roles):
    response = client.get("/compare/?roles=%00&roles=role-0")
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_a_very_long_unknown_value_is_cut_short_in_the_message(client, roles):
    html = client.get("/compare/?roles=" + "y" * 5000 + "&roles=role-0").content.decode()
    assert "y" * 61 not in html


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_comparison_uses_the_same_queries_for_two_three_or_four_roles(
    client, roles, django_assert_num_queries, count
):
    with django_assert_num_queries(11):  # the content version, then the comparison
        compare(client, *[f"role-{n}" for n in range(count)])


def test_shared_tools_and_skills_are_marked(client, roles):
    html = compare(client, "role-0", "role-1").content.decode()
    assert 'badge text-bg-secondary">shared</span>' in html
    assert 'badge text-bg-success">all</span>' in html


def test_a_signed_in_learner_sees_their_gap(learner_client, learner, roles):
    skill = roles[0].role_skills.first().skill
    progress_set(user=learner, skill=skill, status=Status.DONE)
    html = learner_client.get("/compare/?roles=role-0&roles=role-1").content.decode()
    assert "Your gap" in html
    assert "1 of 8 skills done (12%)" in html


def test_anonymous_visitors_see_no_gap_section(client, roles):
    assert "Your gap" not in compare(client, "role-0", "role-1").content.decode()


def test_the_home_page_and_role_pages_link_the_preset_comparisons(client, roles):
    preset = "/compare/?roles=data-scientist&amp;roles=ml-engineer"
    core = (
        "roles=data-engineer&amp;roles=data-analyst&amp;roles=data-scientist&amp;roles=ml-engineer"
    )
    for url in ("/", roles[0].get_absolute_url()):
        html = client.get(url).content.decode()
        assert preset in html and core in html
