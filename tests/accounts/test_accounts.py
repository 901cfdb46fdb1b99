"""Accounts: signing up and in with allauth, the account page, exporting and deleting one's
data, and anonymous progress joining the account."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile
from careers.models import Skill
from roadmaps.models import Follow, LearningPlan, Note, Progress, Project, Status
from roadmaps.services import follow, note_save, plan_save, progress_set, session_progress_set
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-learner-password"


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):
    # allauth's counters are in the default cache, which Redis would keep across tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner():
    return User.objects.create_user("jane", "jane@example.com", PASSWORD)


@pytest.fixture
def other_learner():
    return User.objects.create_user("omar", "omar@example.com", PASSWORD)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def sql():
    return Skill.objects.create(slug="sql", name="SQL")


@pytest.fixture
def python():
    return Skill.objects.create(slug="python", name="Python")


@pytest.fixture
def portfolio():
    return Project.objects.create(slug="portfolio", name="Portfolio project")


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def log_in(client, email="jane@example.com", password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


# --- Signing up, in and out ---------------------------------------------------------------


def test_signing_up_creates_a_user_and_logs_them_in():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="new@example.com")
    assert logged_in_user(client) == user
    assert user.check_password(PASSWORD)


def test_the_username_is_made_from_the_email_and_is_slug_like():
    Client().post(
        "/accounts/signup/",
        {"email": "Jane.Doe+ml@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get().username == "jane-doe-ml"


def test_signing_up_twice_with_one_email_gives_distinct_usernames(learner):
    Client().post(
        "/accounts/signup/",
        {"email": "jane@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.filter(username__startswith="jane").count() == 2


@pytest.mark.parametrize("password", ["short", "password123", "12345678901234"])
def test_signup_refuses_passwords_that_django_s_validators_reject(client, password):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()


def test_a_learner_logs_in_with_email_and_password(client, learner):
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert logged_in_user(client) == learner


def test_a_wrong_password_shows_the_form_again_with_an_error(client, learner):
    response = log_in(client, password="not-my-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert logged_in_user(client) is None


def test_repeated_failed_logins_are_rate_limited(client, learner):
    for _ in range(5):
        assert log_in(client, password="not-my-password").status_code == 200
    # Now even the right password is refused until the limit expires.
    response = log_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    assert logged_in_user(client) is None


def test_logging_out_takes_a_post(learner_client):
    response = learner_client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page; still logged in
    assert logged_in_user(learner_client) is not None
    response = learner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user(learner_client) is None


def test_a_learner_changes_their_password_and_stays_logged_in(learner_client, learner):
    new_password = "another-long-learner-password"
    response = learner_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new_password)
    assert logged_in_user(learner_client) == learner


def test_a_password_change_needs_the_current_password(learner_client, learner):
    new_password = "another-long-learner-password"
    response = learner_client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_a_password_reset_sends_an_email_whose_link_sets_a_new_password(client, learner):
    response = client.post("/accounts/password/reset/", {"email": "jane@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jane@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    # The link redirects to a URL without the key (kept in the session), then takes the form.
    response = client.get(link.group(1), follow=True)
    new_password = "a-brand-new-learner-password"
    response = client.post(
        response.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new_password)


def test_the_header_offers_log_in_and_sign_up_to_visitors(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in html
    assert "Sign out" not in html


def test_the_header_offers_the_account_and_a_log_out_form_to_learners(learner_client):
    html = learner_client.get("/accounts/profile/").content.decode()
    assert 'href="/dashboard/"' in html
    assert re.search(
        r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        html,
    )
    assert "Sign in" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
    ],
)
def test_allauth_pages_use_the_site_layout_with_one_h1(client, path):
    html = client.get(path).content.decode()
    assert '<html lang="en"' in html
    assert html.count("<main") == 1
    assert html.count("<h1") == 1
    assert "form-control" in html or "/done/" in path


def test_password_inputs_say_what_to_autocomplete(learner_client):
    visitor = Client()
    assert 'autocomplete="current-password"' in visitor.get("/accounts/login/").content.decode()
    signup = visitor.get("/accounts/signup/").content.decode()
    assert signup.count('autocomplete="new-password"') == 2
    change = learner_client.get("/accounts/password/change/").content.decode()
    assert 'autocomplete="current-password"' in change
    assert 'autocomplete="new-password"' in change


# --- Anonymous progress joins the account -------------------------------------------------


def test_progress_recorded_before_logging_in_joins_the_account(client, learner, sql, portfolio):
    session = client.session
    session_progress_set(session, kind="skill", slug="sql", status=Status.DONE)
    session_progress_set(session, kind="project", slug="portfolio", status=Status.LEARNING)
    session.save()

    log_in(client)

    progress = Progress.objects.for_user(learner)
    assert {(p.skill_id, p.project_id, p.status) for p in progress} == {
        (sql.pk, None, "done"),
        (None, portfolio.pk, "learning"),
    }
    assert "anonymous_progress" not in client.session


def test_progress_recorded_before_signing_up_joins_the_new_account(client, sql):
    session = client.session
    session_progress_set(session, kind="skill", slug="sql", status=Status.DONE)
    session.save()

    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    user = User.objects.get(email="new@example.com")
    assert Progress.objects.get(user=user, skill=sql).status == Status.DONE


def test_the_newer_status_wins_when_the_session_and_the_account_disagree(
    client, learner, sql, python
):
    now = timezone.now()
    progress_set(user=learner, skill=sql, status=Status.LEARNING, at=now - timedelta(days=2))
    progress_set(user=learner, skill=python, status=Status.DONE, at=now)
    session = client.session
    session_progress_set(session, kind="skill", slug="sql", status=Status.DONE, at=now)
    session_progress_set(
        session, kind="skill", slug="python", status=Status.SKIPPED, at=now - timedelta(days=1)
    )
    session.save()

    log_in(client)

    assert Progress.objects.get(user=learner, skill=sql).status == Status.DONE
    assert Progress.objects.get(user=learner, skill=python).status == Status.DONE
    assert Progress.objects.for_user(learner).count() == 2


# --- The account page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/accounts/profile/", "/accounts/export.json", "/accounts/export.csv", "/accounts/delete/"],
)
def test_account_pages_require_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_account_page_shows_the_learner_s_settings(learner_client):
    response = learner_client.get("/accounts/profile/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "jane@example.com" in html
    assert 'value="jane"' in html
    assert "Public profile name" in html


def test_a_learner_changes_their_display_name_and_makes_progress_public(learner_client, learner):
    response = learner_client.post(
        "/accounts/profile/",
        {"display_name": "Jane D.", "username": "jane-learns", "progress_is_public": "on"},
        follow=True,
    )
    assert response.redirect_chain == [("/accounts/profile/", 302)]
    profile = Profile.objects.get(user=learner)
    assert profile.display_name == "Jane D."
    assert profile.progress_is_public
    learner.refresh_from_db()
    assert learner.username == "jane-learns"
    html = response.content.decode()
    assert "Your account settings were saved." in html
    assert "http://testserver/u/jane-learns/" in html


def test_the_display_name_help_says_where_the_name_shows_and_it_shows_there(learner_client):
    """The public page says it here; the weekly email's "Hello" is in test_weekly_digest.py."""
    html = learner_client.get("/accounts/profile/").content.decode()
    assert "greets you" not in html
    assert (
        "The name on your public progress page and at the top of the weekly email. Optional: "
        "without it, your public profile name is used." in html
    )
    learner_client.post(
        "/accounts/profile/", {"display_name": "", "username": "jane", "progress_is_public": "on"}
    )
    assert "<h1>jane’s progress</h1>" in learner_client.get("/u/jane/").content.decode()
    learner_client.post(
        "/accounts/profile/",
        {"display_name": "Jane D.", "username": "jane", "progress_is_public": "on"},
    )
    assert "<h1>Jane D.’s progress</h1>" in learner_client.get("/u/jane/").content.decode()


def test_progress_is_private_until_the_learner_says_otherwise(learner_client, learner):
    html = learner_client.get("/accounts/profile/").content.decode()
    assert "/u/jane/" not in html
    assert not Profile.objects.for_user(learner).progress_is_public


def test_a_public_profile_name_taken_by_someone_else_is_refused(
    learner_client, learner, other_learner
):
    response = learner_client.post(
        "/accounts/profile/", {"display_name": "Jane", "username": "OMAR"}
    )
    assert response.status_code == 400
    assert "That name is taken" in response.content.decode()
    learner.refresh_from_db()
    assert learner.username == "jane"
    assert Profile.objects.for_user(learner).display_name == ""


@pytest.mark.parametrize("username", ["ab", "has space", "-dash-first", "dots.in.it", "é-lan"])
def test_a_public_profile_name_must_be_slug_like(learner_client, learner, username):
    response = learner_client.post("/accounts/profile/", {"username": username})
    assert response.status_code == 400
    assert "lower-case letters, digits, hyphens and underscores" in response.content.decode()
    learner.refresh_from_db()
    assert learner.username == "jane"


def test_a_name_made_before_the_rules_can_be_kept(client):
    user = User.objects.create_user("Jane.Doe", "jd@example.com", PASSWORD)
    client.force_login(user)
    response = client.post("/accounts/profile/", {"username": "Jane.Doe", "display_name": "J"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.username == "Jane.Doe"


def test_account_forms_are_protected_against_csrf(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post("/accounts/profile/", {"username": "evil"}).status_code == 403
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    assert client.post("/accounts/logout/").status_code == 403
    assert User.objects.filter(pk=learner.pk).exists()


# --- Export -------------------------------------------------------------------------------


@pytest.fixture
def learner_data(learner, other_learner, sql, python, portfolio):
    at = timezone.now() - timedelta(hours=1)
    progress_set(user=learner, skill=sql, status=Status.DONE, at=at)
    progress_set(user=learner, project=portfolio, status=Status.LEARNING, at=at)
    note_save(user=learner, skill=sql, text='JOINs, "quotes", commas, and\na second line')
    progress_set(user=other_learner, skill=python, status=Status.DONE)
    note_save(user=other_learner, skill=python, text="Omar's private note")
    profile = Profile.objects.for_user(learner)
    profile.display_name = "Jane D."
    profile.save()


@pytest.fixture
def learner_goals(learner, other_learner):
    """Jane follows Role 1's roadmap, then Role 0's, at 6 hours a week until 30 June 2027, and
    asked for the weekly email; Omar follows Role 0's."""
    role_0, role_1 = build_roadmaps(build_content())
    follow(user=learner, roadmap=role_1)
    follow(user=learner, roadmap=role_0)
    plan_save(user=learner, hours_per_week=6, target_date=date(2027, 6, 30))
    Profile.objects.update_or_create(user=learner, defaults={"weekly_digest": True})
    follow(user=other_learner, roadmap=role_0)


def test_the_json_export_holds_the_learner_s_account_progress_and_notes(
    learner_client, learner_data
):
    response = learner_client.get("/accounts/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == ('attachment; filename="ml-career-paths-export.json"')
    data = json.loads(response.content)
    assert set(data) == {
        "version",
        "exported_at",
        "account",
        "progress",
        "notes",
        "quiz_history",
        "follows",
        "plan",
    }
    assert data["account"]["email"] == "jane@example.com"
    assert data["account"]["username"] == "jane"
    assert data["account"]["display_name"] == "Jane D."
    assert data["account"]["progress_is_public"] is False
    assert data["account"]["weekly_digest"] is False
    assert "date_joined" in data["account"]
    assert [(p["kind"], p["slug"], p["name"], p["status"]) for p in data["progress"]] == [
        ("project", "portfolio", "Portfolio project", "learning"),
        ("skill", "sql", "SQL", "done"),
    ]
    assert all(p["updated_at"] for p in data["progress"])
    assert data["notes"] == [
        {
            "skill": "sql",
            "skill_name": "SQL",
            "text": 'JOINs, "quotes", commas, and\na second line',
            "updated_at": data["notes"][0]["updated_at"],
        }
    ]
    assert data["quiz_history"] == []
    assert "Omar" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_csv_export_has_a_header_and_a_row_per_record(learner_client, learner_data):
    response = learner_client.get("/accounts/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="ml-career-paths-export.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_type = {(row["record_type"], row["slug"]): row for row in rows}
    assert len(rows) == 4
    account = by_type[("account", "jane")]
    assert account["email"] == "jane@example.com"
    assert account["name"] == "Jane D."
    assert account["progress_is_public"] == "false"
    assert by_type[("skill_progress", "sql")]["status"] == "done"
    assert by_type[("project_progress", "portfolio")]["status"] == "learning"
    note = by_type[("note", "sql")]
    assert note["note_text"] == 'JOINs, "quotes", commas, and\na second line'
    assert note["name"] == "SQL"
    assert "Omar" not in response.content.decode()


def test_the_json_export_holds_the_learner_s_goals_in_order_plan_and_digest_choice(
    learner_client, learner_goals
):
    data = json.loads(learner_client.get("/accounts/export.json").content)
    assert [(f["roadmap"], f["roadmap_name"]) for f in data["follows"]] == [
        ("role-1", "Role 1"),
        ("role-0", "Role 0"),
    ]
    assert all(f["followed_at"] for f in data["follows"])
    assert data["plan"] == {
        "hours_per_week": 6,
        "target_date": "2027-06-30",
        "updated_at": data["plan"]["updated_at"],
    }
    assert data["account"]["weekly_digest"] is True


def test_the_csv_export_holds_the_goals_plan_and_digest_choice(learner_client, learner_goals):
    rows = list(csv.DictReader(io.StringIO(learner_client.get("/accounts/export.csv").text)))
    [account] = [row for row in rows if row["record_type"] == "account"]
    assert (account["weekly_digest"], account["hours_per_week"], account["target_date"]) == (
        "true",
        "6",
        "2027-06-30",
    )
    follows = [row for row in rows if row["record_type"] == "follow"]
    assert [(row["slug"], row["name"]) for row in follows] == [
        ("role-1", "Role 1"),
        ("role-0", "Role 0"),
    ]
    assert all(row["updated_at"] for row in follows)


def test_an_export_of_a_new_account_is_complete_and_empty(learner_client):
    data = json.loads(learner_client.get("/accounts/export.json").content)
    assert data["progress"] == data["notes"] == data["quiz_history"] == data["follows"] == []
    assert data["plan"] is None
    assert data["account"]["weekly_digest"] is False
    rows = list(csv.DictReader(io.StringIO(learner_client.get("/accounts/export.csv").text)))
    assert [row["record_type"] for row in rows] == ["account"]
    assert (rows[0]["weekly_digest"], rows[0]["hours_per_week"], rows[0]["target_date"]) == (
        "false",
        "",
        "",
    )


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/accounts/export.json", "/accounts/export.csv"])
def test_exports_take_the_same_number_of_queries_for_1_or_20_records(learner_client, learner, path):
    def add(n):
        skill = Skill.objects.create(slug=f"skill-{n}", name=f"Skill {n}")
        project = Project.objects.create(slug=f"project-{n}", name=f"Project {n}")
        progress_set(user=learner, skill=skill, status=Status.DONE)
        progress_set(user=learner, project=project, status=Status.LEARNING)
        note_save(user=learner, skill=skill, text=f"Note {n}")

    add(0)
    Profile.objects.for_user(learner)
    few = count_queries(learner_client, path)
    for n in range(1, 20):
        add(n)
    assert count_queries(learner_client, path) == few


# --- Deleting the account -----------------------------------------------------------------


def test_the_delete_page_says_what_will_be_deleted(learner_client, learner_data):
    html = learner_client.get("/accounts/delete/").content.decode()
    assert html.count("<h1") == 1
    assert "2 statuses" in html
    assert "1 note" in html
    assert 'autocomplete="current-password"' in html


def test_a_wrong_password_keeps_the_account(learner_client, learner, learner_data):
    response = learner_client.post("/accounts/delete/", {"password": "not-my-password"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()
    assert Progress.objects.for_user(learner).count() == 2
    assert logged_in_user(learner_client) == learner


def test_deleting_removes_the_learner_and_everything_theirs_but_nobody_else_s(
    learner_client, learner, other_learner, learner_data
):
    response = learner_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Your account and all your data were deleted." in response.content.decode()
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not Progress.objects.filter(user_id=learner.pk).exists()
    assert not Note.objects.filter(user_id=learner.pk).exists()
    assert not Profile.objects.filter(user_id=learner.pk).exists()
    assert logged_in_user(learner_client) is None
    assert Progress.objects.for_user(other_learner).count() == 1
    assert Note.objects.filter(user=other_learner).count() == 1


def test_deleting_the_account_leaves_none_of_its_goals_or_plan(
    learner_client, learner, other_learner, learner_goals
):
    response = learner_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not Follow.objects.filter(user_id=learner.pk).exists()
    assert not LearningPlan.objects.filter(user_id=learner.pk).exists()
    assert not Profile.objects.filter(user_id=learner.pk).exists()
    assert Follow.objects.filter(user=other_learner).count() == 1


def test_guessing_the_password_on_the_delete_page_is_rate_limited(learner_client, learner):
    for _ in range(10):
        learner_client.post("/accounts/delete/", {"password": "guess"})
    response = learner_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


# --- Admin --------------------------------------------------------------------------------


def test_the_profile_admin_lists_and_shows_profiles(admin_client, learner):
    profile = Profile.objects.for_user(learner)
    assert admin_client.get("/admin/accounts/profile/").status_code == 200
    assert admin_client.get("/admin/accounts/profile/", {"q": "jane"}).status_code == 200
    assert admin_client.get(f"/admin/accounts/profile/{profile.pk}/change/").status_code == 200


def test_content_editors_get_no_permission_on_learner_profiles():
    group = Group.objects.get(name="Content editors")
    assert not group.permissions.filter(content_type__app_label="accounts").exists()
