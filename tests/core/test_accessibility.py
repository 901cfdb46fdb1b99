"""The accessibility statement: the claim, the limits, where to report a problem, and a link to
it at the foot of every page. (tests/test_browser_pages.py runs axe on it in both modes.)"""

import pytest
from django.test import override_settings

from tests.content import build_content
from tests.html import attribute, select, select_one, text
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

URL = "/accessibility/"


def test_it_states_the_claim_how_it_is_tested_its_limits_and_where_to_report(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    headings = [text(heading) for heading in select(html, "main h2")]
    assert headings == ["Conformance", "How it is tested", "Known limitations", "Report a problem"]
    assert "WCAG) 2.2</a> at level AA" in html
    assert "axe-core" in html and "Without JavaScript" in html


def test_it_answers_head(client):
    response = client.head(URL)
    assert response.status_code == 200
    assert response.content == b""


@override_settings(ACCESSIBILITY_CONTACT="access@careers.example.com")
def test_an_email_contact_is_a_mail_link_with_a_subject(client):
    link = select_one(client.get(URL).content, "#accessibility-contact")
    assert text(link) == "access@careers.example.com"
    assert attribute(link, "href") == (
        "mailto:access@careers.example.com?subject=Accessibility%20problem%20on%20ML%20Career%20Paths"
    )


@override_settings(ACCESSIBILITY_CONTACT="https://example.org/careers/issues/new")
def test_a_web_page_contact_is_linked_as_it_is(client):
    link = select_one(client.get(URL).content, "#accessibility-contact")
    assert attribute(link, "href") == text(link) == "https://example.org/careers/issues/new"


# A visitor's page needs no query at all (it is not content); a learner's reads the session,
# the user and what is due for review, as every page does.
@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(("who", "queries"), [("visitor", 0), ("learner", 3)])
def test_it_takes_the_same_few_queries_whatever_the_content(
    client, learner, django_assert_num_queries, scale, who, queries
):
    build_content(scale=scale)
    if who == "learner":
        client.force_login(learner)
    with django_assert_num_queries(queries):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/roles/", 200),
        ("/roles/role-0/", 200),
        (URL, 200),
        ("/accounts/login/", 200),
        ("/roles/no-such-role/", 404),
        ("/accessibility/more/", 404),
    ],
)
def test_every_page_links_to_it_from_the_footer(client, url, status):
    build_content()
    response = client.get(url)
    assert response.status_code == status
    footer = select_one(response.content, "footer")
    links = [
        attribute(link, "href") for link in select(footer, "a") if text(link) == "Accessibility"
    ]
    assert links == [URL]


def test_a_learner_s_pages_link_to_it_from_the_footer(learner_client):
    for url in ["/dashboard/", "/accounts/profile/", "/plan/"]:
        footer = select_one(learner_client.get(url).content, "footer")
        assert len(select(footer, f'a[href="{URL}"]')) == 1, url


def test_the_address_without_its_slash_redirects_to_it(client):
    response = client.get("/accessibility")
    assert response.status_code == 301
    assert response["Location"] == URL


CONTACT = "from django.conf import settings; print(settings.ACCESSIBILITY_CONTACT)"


def test_the_contact_is_the_sender_address_unless_set():
    assert manage("shell", "--no-imports", "-c", CONTACT).stdout.strip() == "webmaster@localhost"
    sender = "ML Career Paths <careers@example.com>"
    result = manage("shell", "--no-imports", "-c", CONTACT, DJANGO_DEFAULT_FROM_EMAIL=sender)
    assert result.stdout.strip() == "careers@example.com"
    for contact in ["a11y@example.com", "https://example.org/issues"]:
        result = manage(
            "shell", "--no-imports", "-c", CONTACT, DJANGO_ACCESSIBILITY_CONTACT=contact
        )
        assert result.stdout.strip() == contact


@pytest.mark.parametrize("contact", ["nobody", "ftp://example.org/", "https://", "a b@example.com"])
def test_a_contact_that_is_neither_an_address_nor_a_web_page_is_refused(contact):
    result = manage("check", DJANGO_ACCESSIBILITY_CONTACT=contact)
    assert result.returncode != 0
    assert "DJANGO_ACCESSIBILITY_CONTACT must be an email address" in result.stderr
