"""Importing a learner's JSON export: a preview of what it adds or changes, then all of it at
once, the newer change winning; a round trip through a deleted account; and files that are not
exports, too big, too deep, from another version or naming unknown content, refused with a
clear message and nothing changed."""

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.export import EXPORT_VERSION
from accounts.imports import MAX_BYTES, MAX_PROGRESS, MAX_SITTINGS, SESSION_KEY
from accounts.models import Profile
from careers.models import Skill
from quizzes.models import Answer, Choice, Question, Quiz, Sitting
from quizzes.scopes import scope_resolve
from quizzes.services import answer_record, sitting_start
from roadmaps.models import (
    NOTE_MAX_LENGTH,
    Follow,
    LearningPlan,
    Note,
    Proficiency,
    Progress,
    Project,
    Roadmap,
    Status,
)
from roadmaps.services import follow, note_save, plan_save, progress_set
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-learner-password"
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def content():
    roadmaps = build_roadmaps(build_content())
    quiz = Quiz.objects.create(
        slug="knowledge", title="Knowledge quiz", intro=".", questions_per_sitting=3
    )
    for position in range(4):
        question = Question.objects.create(quiz=quiz, position=position, text=f"Q{position}?")
        for index in range(3):
            Choice.objects.create(
                question=question, position=index, text=f"C{index}", is_correct=index == 0
            )
        question.skills.set([Skill.objects.get(slug="roadmap-skill-0")])
    return roadmaps


def skill(slug="roadmap-skill-0") -> Skill:
    return Skill.objects.get(slug=slug)


def jane() -> User:
    return User.objects.create_user("jane", "jane@example.com", PASSWORD)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_everything(user, roadmaps):
    """Statuses (one with a review schedule, proficiency and a refresh), notes, two goals in
    order, a plan, the weekly email and two quizzes, one finished and one on a skill."""
    earlier = timezone.now() - 5 * HOUR
    progress_set(user=user, skill=skill("roadmap-skill-0"), status=Status.DONE, at=earlier)
    progress_set(user=user, skill=skill("roadmap-skill-1"), status=Status.LEARNING, at=earlier)
    progress_set(
        user=user, project=Project.objects.get(slug="project-0"), status=Status.SKIPPED, at=earlier
    )
    note_save(user=user, skill=skill("roadmap-skill-0"), text="Window functions, then CTEs.")
    note_save(user=user, skill=skill("roadmap-skill-1"), text="Line two\nand “quotes”.")
    follow(user=user, roadmap=roadmaps[1])
    follow(user=user, roadmap=roadmaps[0])
    plan_save(user=user, hours_per_week=6, target_date=date(2027, 6, 30))
    Profile.objects.update_or_create(user=user, defaults={"weekly_digest": True})
    quiz = Quiz.objects.get(slug="knowledge")
    finished = sitting_start(quiz=quiz, user=user)
    for index, pk in enumerate(finished.question_ids):
        question = Question.objects.get(pk=pk)
        choice = question.choices.get(position=0 if index else 1)
        answer_record(
            sitting=finished,
            question=question,
            choice_ids=[choice.pk],
            last=index == len(finished.question_ids) - 1,
        )
    scope = scope_resolve("skill:roadmap-skill-0", quiz=quiz, user=user)
    unfinished = sitting_start(quiz=quiz, user=user, scope=scope)
    question = Question.objects.get(pk=unfinished.question_ids[0])
    answer_record(
        sitting=unfinished,
        question=question,
        choice_ids=[question.choices.get(position=0).pk],
        last=False,
    )
    # Set last: answering may work out a proficiency of its own.
    Progress.objects.filter(user=user, skill__slug="roadmap-skill-0").update(
        proficiency=Proficiency.FAMILIAR,
        review_stage=2,
        review_due=date(2027, 1, 15),
        needs_refresh=True,
    )


def export(client) -> dict:
    response = client.get("/accounts/export.json")
    assert response.status_code == 200
    return json.loads(response.content)


def upload(client, data, name="ml-career-paths-export.json", **extra):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        "/accounts/import/", {"file": SimpleUploadedFile(name, body, "application/json")}, **extra
    )


def confirm(client):
    token = client.session[SESSION_KEY]["token"]
    return client.post("/accounts/import/", {"token": token, "confirm": "1"})


def learner_data(user) -> dict:
    """Everything an import may change, as plain values."""
    return {
        "progress": sorted(
            Progress.objects.filter(user=user).values_list(
                "skill__slug",
                "project__slug",
                "status",
                "updated_at",
                "proficiency",
                "review_stage",
                "review_due",
                "needs_refresh",
            ),
            key=str,
        ),
        "notes": sorted(
            Note.objects.filter(user=user).values_list("skill__slug", "text", "updated_at")
        ),
        "follows": list(
            Follow.objects.filter(user=user).values_list("roadmap__role__slug", "created_at")
        ),
        "plan": list(
            LearningPlan.objects.filter(user=user).values_list(
                "hours_per_week", "target_date", "updated_at"
            )
        ),
        "digest": list(Profile.objects.filter(user=user).values_list("weekly_digest", flat=True)),
        "sittings": sorted(
            (
                sitting.quiz.slug,
                sitting.scope,
                sitting.created_at,
                sitting.finished_at,
                tuple(Question.objects.get(pk=pk).position for pk in sitting.question_ids),
                tuple(
                    (
                        Question.objects.get(pk=int(q)).position,
                        tuple(Choice.objects.get(pk=c).position for c in order),
                    )
                    for q, order in sorted(sitting.choice_order.items())
                ),
                tuple(
                    (
                        a.question.position,
                        tuple(Choice.objects.get(pk=c).position for c in a.choice_ids),
                        a.is_correct,
                        a.answered_at,
                    )
                    for a in sitting.answers.order_by("answered_at")
                ),
            )
            for sitting in Sitting.objects.filter(user=user).select_related("quiz")
        ),
    }


def everything() -> dict:
    """Every learner row of every account, to show a refused import changed nothing."""
    return {user.pk: learner_data(user) for user in User.objects.all()}


# --- The round trip -----------------------------------------------------------------------


def test_export_delete_sign_up_and_import_brings_back_the_same_data(content):
    user = jane()
    record_everything(user, content)
    client = client_for(user)
    before = learner_data(user)
    exported = export(client)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(email="jane@example.com").exists()

    new = Client()
    signup = {"email": "jane@example.com", "password1": PASSWORD, "password2": PASSWORD}
    assert new.post("/accounts/signup/", signup).status_code == 302
    preview = upload(new, exported)
    assert preview.status_code == 200
    account = User.objects.get(email="jane@example.com")
    assert learner_data(account)["progress"] == []  # nothing before confirming
    done = confirm(new)
    assert done.status_code == 302 and done["Location"] == "/accounts/profile/"

    assert learner_data(account) == before
    again = export(new)
    for key in ("progress", "notes", "follows", "plan", "quiz_history"):
        assert again[key] == exported[key], key
    assert again["account"]["weekly_digest"] is True
    assert SESSION_KEY not in new.session


def test_the_export_names_content_by_natural_keys_and_carries_the_review_schedule(content):
    user = jane()
    record_everything(user, content)
    data = export(client_for(user))
    assert data["version"] == EXPORT_VERSION
    [row] = [p for p in data["progress"] if p["slug"] == "roadmap-skill-0"]
    assert row | {"updated_at": "…"} == {
        "kind": "skill",
        "slug": "roadmap-skill-0",
        "name": "Roadmap skill 0",
        "status": "done",
        "updated_at": "…",
        "proficiency": "familiar",
        "review_stage": 2,
        "review_due": "2027-01-15",
        "needs_refresh": True,
    }
    assert [f["roadmap"] for f in data["follows"]] == ["role-1", "role-0"]
    assert data["plan"]["hours_per_week"] == 6 and data["plan"]["updated_at"]
    finished, scoped = data["quiz_history"]
    assert scoped["scope"] == "skill:roadmap-skill-0" and finished["scope"] == ""
    assert len(finished["answers"]) == finished["questions"] == 3
    first = finished["answers"][0]
    assert first["question"][0] == "knowledge" and isinstance(first["question"][1], int)
    assert first["choices"] == [1] and first["is_correct"] is False
    assert all(sorted(d["choice_order"]) == [0, 1, 2] for d in finished["drawn"])


def test_the_preview_says_what_will_be_added_and_changed_and_writes_nothing(content):
    source = jane()
    record_everything(source, content)
    exported = export(client_for(source))
    importer = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    # Kim marked skill 1 done after Jane's file was made, and skill 2 before it.
    progress_set(user=importer, skill=skill("roadmap-skill-1"), status=Status.DONE)
    client = client_for(importer)
    before = everything()

    response = upload(client, exported)
    assert response.status_code == 200
    html = response.content.decode()
    preview = text(select_one(html, "#import-preview"))
    assert "Statuses added (2)" in preview and "Roadmap skill 0: Done" in preview
    assert "Project 0: Skipped" in preview
    assert "Statuses kept (yours are newer) (1) Roadmap skill 1: Done" in preview
    assert "Roadmap skill 0: refresh, review due 15 January 2027" in preview
    assert "Notes added (2)" in preview
    assert "Roadmaps you will follow (2) Role 1 Role 0" in preview
    assert "Set: 6 hours a week until 30 June 2027" in preview
    assert "Weekly email Turned on" in preview
    assert "Quizzes added to your history (2)" in preview
    assert select(html, "#confirm-import")
    assert everything() == before


def test_the_newer_status_and_note_win_as_when_a_visitor_s_progress_joins_the_account(content):
    user = jane()
    now = timezone.now()
    progress_set(user=user, skill=skill("roadmap-skill-0"), status=Status.DONE, at=now - HOUR)
    progress_set(user=user, skill=skill("roadmap-skill-1"), status=Status.DONE, at=now)
    note_save(user=user, skill=skill("roadmap-skill-0"), text="Mine, written now.")
    client = client_for(user)
    data = export(client)
    for row in data["progress"]:
        row["status"] = "skipped"
        row["updated_at"] = (now - HOUR / 2).isoformat()  # newer than 0, older than 1
    data["notes"][0] |= {"text": "From the file, older.", "updated_at": (now - HOUR).isoformat()}
    upload(client, data)
    confirm(client)
    statuses = dict(Progress.objects.filter(user=user).values_list("skill__slug", "status"))
    assert statuses == {"roadmap-skill-0": "skipped", "roadmap-skill-1": "done"}
    assert Note.objects.get(user=user).text == "Mine, written now."


def test_importing_the_same_file_twice_adds_nothing_the_second_time(content):
    user = jane()
    record_everything(user, content)
    client = client_for(user)
    exported = export(client)
    before = learner_data(user)
    response = upload(client, exported)
    assert "importing it would change nothing" in response.content.decode()
    assert not select(response.content.decode(), "#confirm-import")
    assert learner_data(user) == before


def test_imported_answers_recompute_nothing_the_file_s_proficiency_is_kept(content):
    user = jane()
    record_everything(user, content)
    exported = export(client_for(user))
    [row] = [p for p in exported["progress"] if p["slug"] == "roadmap-skill-0"]
    row["proficiency"] = "proficient"  # whatever the answers say
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    upload(client, exported)
    confirm(client)
    assert Progress.objects.get(user=kim, skill__slug="roadmap-skill-0").proficiency == "proficient"
    assert Answer.objects.filter(sitting__user=kim).count() == 4


# --- Whose account ------------------------------------------------------------------------


def test_another_learner_s_export_imports_only_into_the_importer_s_own_account(content):
    omar = User.objects.create_user("omar", "omar@example.com", PASSWORD)
    record_everything(omar, content)
    omars_file = export(client_for(omar))
    omar_before = learner_data(omar)
    user = jane()
    client = client_for(user)
    upload(client, omars_file)
    confirm(client)
    assert learner_data(omar) == omar_before
    assert Progress.objects.filter(user=user).count() == 3
    assert Sitting.objects.filter(user=user).count() == 2
    user.refresh_from_db()
    assert (user.email, user.username) == ("jane@example.com", "jane")


def test_the_import_needs_an_account(content):
    client = Client()
    response = upload(client, {"version": EXPORT_VERSION, "progress": []})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session


def test_the_upload_and_the_confirmation_need_the_csrf_token(content):
    user = jane()
    record_everything(user, content)
    exported = export(client_for(user))
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(kim)
    assert upload(strict, exported).status_code == 403
    assert SESSION_KEY not in strict.session
    ordinary = client_for(kim)
    upload(ordinary, exported)
    strict.cookies = ordinary.cookies  # the same session, holding a preview
    token = ordinary.session[SESSION_KEY]["token"]
    assert strict.post("/accounts/import/", {"token": token, "confirm": "1"}).status_code == 403
    assert not Progress.objects.filter(user=kim).exists()


def test_a_confirmation_without_the_preview_s_token_imports_nothing(content):
    user = jane()
    record_everything(user, content)
    exported = export(client_for(user))
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    response = client.post("/accounts/import/", {"token": "guess", "confirm": "1"})
    assert response.status_code == 400
    assert "no longer waiting" in response.content.decode()
    upload(client, exported)
    assert client.post("/accounts/import/", {"token": "guess", "confirm": "1"}).status_code == 400
    assert not Progress.objects.filter(user=kim).exists()


def test_cancelling_drops_the_preview(content):
    user = jane()
    record_everything(user, content)
    client = client_for(user)
    exported = export(client)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    upload(client, exported)
    token = client.session[SESSION_KEY]["token"]
    assert client.post("/accounts/import/", {"token": token, "cancel": "1"}).status_code == 302
    assert SESSION_KEY not in client.session
    assert confirm_fails(client, token)
    assert not Progress.objects.filter(user=kim).exists()


def confirm_fails(client, token) -> bool:
    return client.post("/accounts/import/", {"token": token, "confirm": "1"}).status_code == 400


# --- Refusals -----------------------------------------------------------------------------


def valid_export(content) -> dict:
    user = jane()
    record_everything(user, content)
    data = export(client_for(user))
    return data


@pytest.fixture
def kim_client(content):
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    progress_set(user=kim, skill=skill("roadmap-skill-3"), status=Status.LEARNING)
    return client_for(kim)


def refused(client, body, message: str, status: int = 400):
    before = everything()
    response = upload(client, body)
    assert response.status_code == status, response.content.decode()[:500]
    html = response.content.decode()
    assert message in text(select_one(html, "#import-problem")), text(html)[:2000]
    assert "Nothing was imported or changed." in html
    assert SESSION_KEY not in client.session
    assert everything() == before
    return html


NOT_AN_EXPORT = "That file is not an export from ML Career Paths"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json at all",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"exported_at": "2026-11-30"}',
        b'{"version": 1}',
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than any parser should follow
        b'{"version": 1, "progress": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    ],
    ids=[
        "empty",
        "text",
        "binary",
        "list",
        "string",
        "other-object",
        "no-progress",
        "deep",
        "deep-inside",
    ],
)
def test_a_file_that_is_not_an_export_is_refused(kim_client, body):
    refused(kim_client, body, NOT_AN_EXPORT)


def test_an_export_from_before_exports_had_a_version_is_refused(kim_client):
    refused(kim_client, {"account": {}, "progress": []}, "made before exports carried a version")


@pytest.mark.parametrize("version", [2, 0, "1", None, True, [1]])
def test_an_export_of_another_version_is_refused(kim_client, content, version):
    refused(
        kim_client,
        {"version": version, "progress": []},
        "is not one this site can read (it reads version 1)",
    )


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=xyz", "application/json", "text/plain"],
)
def test_a_body_that_is_not_a_form_gets_a_clear_answer(kim_client, content_type):
    before = everything()
    response = kim_client.generic(
        "POST", "/accounts/import/", b"--xyz\r\n\x00garbage", content_type=content_type
    )
    assert response.status_code == 400
    assert everything() == before


def test_a_file_over_2_mb_is_refused_before_it_is_read(kim_client):
    body = b'{"version": 1, "progress": [], "pad": "' + b"x" * MAX_BYTES + b'"}'
    refused(kim_client, body, "That file is over 2 MB")


def test_a_post_over_the_limit_is_refused_before_its_body_is_parsed(kim_client):
    before = everything()
    response = kim_client.generic(
        "POST",
        "/accounts/import/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(MAX_BYTES + 200 * 1024),
    )
    assert response.status_code == 413
    assert "That file is over 2 MB" in response.content.decode()
    assert everything() == before


def test_a_file_with_more_rows_than_an_import_takes_is_refused(kim_client):
    rows = [{"kind": "skill", "slug": f"s{n}"} for n in range(MAX_PROGRESS + 1)]
    refused(
        kim_client,
        {"version": 1, "progress": rows},
        f"has {MAX_PROGRESS + 1} entries; an import takes at most {MAX_PROGRESS}",
    )


def test_a_huge_array_of_sittings_is_refused_by_count(kim_client):
    body = b'{"version": 1, "progress": [], "quiz_history": [' + b"0," * (MAX_SITTINGS * 100)
    body += b"0]}"
    refused(kim_client, body, f"an import takes at most {MAX_SITTINGS}")


def test_unknown_skills_projects_roadmaps_and_questions_are_listed_and_nothing_is_imported(
    content,
):
    data = valid_export(content)
    data["progress"] += [
        dict(data["progress"][0], slug=f"unknown-skill-{n}", kind="skill") for n in range(8)
    ]
    data["progress"].append(dict(data["progress"][0], slug="unknown-project", kind="project"))
    data["follows"].append(
        {"roadmap": "unknown-roadmap", "followed_at": data["follows"][0]["followed_at"]}
    )
    data["quiz_history"][0]["drawn"][0]["question"] = ["knowledge", 99]
    data["quiz_history"][0]["answers"][0]["question"] = ["knowledge", 99]
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    html = refused(client_for(kim), data, "That export names content this site doesn't have")
    problem = text(select_one(html, "#import-problem"))
    assert "skill “unknown-skill-0”" in problem and "skill “unknown-skill-7”" in problem
    assert "project “unknown-project”" in problem
    assert "roadmap “unknown-roadmap”" in problem
    assert "and 1 more" in problem  # 11 unknown: ten listed
    assert Progress.objects.filter(user=kim).count() == 0


def test_an_unknown_question_is_named_by_its_quiz_and_position(content):
    data = valid_export(content)
    data["quiz_history"][0]["drawn"][0]["question"] = ["knowledge", 42]
    data["quiz_history"][0]["answers"][0]["question"] = ["knowledge", 42]
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    refused(client_for(kim), data, "question 42 of the quiz “knowledge”")


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"hours_per_week": 0, "target_date": None}, "Plan at least 1 hour a week."),
        ({"hours_per_week": 500, "target_date": None}, "80 hours a week is the most"),
        ({"hours_per_week": 6, "target_date": "2027-02-30"}, "Enter a date such as 2027-06-30."),
        ({"hours_per_week": 6, "target_date": "3999-01-01"}, "within the next 50 years"),
        ({"hours_per_week": "6", "target_date": None}, "the plan is not one this site can keep"),
    ],
)
def test_an_invalid_plan_is_refused(content, plan, message):
    data = valid_export(content)
    data["plan"] = plan | {"updated_at": data["plan"]["updated_at"]}
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    refused(client_for(kim), data, message)


def test_a_past_target_date_is_imported_as_it_was(content):
    data = valid_export(content)
    data["plan"]["target_date"] = "2020-01-31"
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    upload(client, data)
    confirm(client)
    assert LearningPlan.objects.get(user=kim).target_date == date(2020, 1, 31)


def test_a_note_over_the_longest_a_note_can_be_is_refused(content):
    data = valid_export(content)
    data["notes"][0]["text"] = "x" * (NOTE_MAX_LENGTH + 1)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    refused(
        client_for(kim),
        data,
        f"the note on “roadmap-skill-0” is {NOTE_MAX_LENGTH + 1} characters long",
    )


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["progress"][0].update(status="mastered"),
        lambda d: d["progress"][0].update(updated_at="yesterday"),
        lambda d: d["progress"][0].update(updated_at="2026-02-30T10:00:00+00:00"),
        lambda d: d["plan"].update(target_date=20270630),
        lambda d: d["progress"][0].update(review_due="2027-13-01"),
        lambda d: d["progress"][0].update(review_stage=-1),
        lambda d: d["progress"][0].update(needs_refresh="yes"),
        lambda d: d["progress"][0].update(slug="a\x00b"),
        lambda d: d["progress"].append(dict(d["progress"][0])),
        lambda d: d["notes"][0].update(text=None),
        lambda d: d["follows"].append(dict(d["follows"][0])),
        lambda d: d["quiz_history"][0].update(scope="<script>"),
        lambda d: d["quiz_history"][0]["answers"][0].update(choices=[]),
        lambda d: d["quiz_history"][0]["answers"].append(d["quiz_history"][0]["answers"][0]),
        lambda d: d["quiz_history"][0]["drawn"][0].update(question=["career-fit", 0]),
        lambda d: d.update(account="me"),
    ],
)
def test_a_spoilt_export_is_refused_saying_where(content, spoil):
    data = valid_export(content)
    spoil(data)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    refused(client_for(kim), data, "That export can't be imported:")


def test_a_refused_file_keeps_the_preview_already_waiting(content):
    data = valid_export(content)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    upload(client, data)
    token = client.session[SESSION_KEY]["token"]
    assert upload(client, b"nonsense").status_code == 400
    assert client.session[SESSION_KEY]["token"] == token


def test_content_deleted_between_the_preview_and_the_confirmation_refuses_the_import(content):
    data = valid_export(content)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    upload(client, data)
    Roadmap.objects.get(role__slug="role-1").follows.all().delete()
    Roadmap.objects.filter(role__slug="role-1").delete()
    response = confirm(client)
    assert response.status_code == 400
    assert "roadmap “role-1”" in response.content.decode()
    assert not Progress.objects.filter(user=kim).exists()


# --- The pages ----------------------------------------------------------------------------


def test_the_account_page_has_the_import_form(content):
    html = client_for(jane()).get("/accounts/profile/").content.decode()
    [form] = [f for f in select(html, "main form") if select(f, 'input[type="file"]')]
    assert select_one(form, 'input[name="file"]')
    assert attribute(form, "action") == "/accounts/import/"
    assert attribute(form, "enctype") == "multipart/form-data"


def test_the_import_page_answers_with_one_h1(content):
    response = client_for(jane()).get("/accounts/import/")
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_an_upload_without_a_file_asks_for_one(kim_client):
    before = everything()
    response = kim_client.post("/accounts/import/", {"other": "x"})
    assert response.status_code == 400
    assert "Choose your export file" in response.content.decode()
    assert everything() == before


def test_the_file_may_come_as_any_name_and_with_a_byte_order_mark(content):
    data = valid_export(content)
    kim = User.objects.create_user("kim", "kim@example.com", PASSWORD)
    client = client_for(kim)
    body = b"\xef\xbb\xbf" + json.dumps(data).encode()
    assert upload(client, body, name="x.txt").status_code == 200
