"""Sessions are Django's database sessions, read with one plain query (core.sessions)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from core.sessions import SessionStore
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_session_saved_by_django_s_engine_is_read_by_ours_and_back():
    theirs = DjangoSessionStore()
    theirs["goal"] = "data-scientist"
    theirs.create()
    assert SessionStore(theirs.session_key)["goal"] == "data-scientist"
    ours = SessionStore()
    ours["goal"] = "ml-engineer"
    ours.create()
    assert DjangoSessionStore(ours.session_key)["goal"] == "ml-engineer"


def test_an_expired_an_unknown_and_a_malformed_session_start_afresh_with_a_new_key():
    expired = SessionStore()
    expired["goal"] = "data-scientist"
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (expired.session_key, "x" * 32, "short", "' OR 1=1 --" * 3):
        session = SessionStore(key)
        assert session.load() == {} and session.session_key is None
        session["visited"] = True
        session.save()
        assert session.session_key not in (None, key)


def test_a_signed_in_learner_stays_signed_in_and_signing_out_ends_the_session(learner):
    client = Client()
    client.force_login(learner)
    assert "Sign out" in client.get("/dashboard/").content.decode()
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=key).exists()
    assert client.get("/dashboard/").status_code == 302  # to sign in


def test_a_learner_signed_in_with_an_old_backend_s_path_stays_signed_in(learner):
    # Sessions made before the sign-in backends moved to core.backends name their parents.
    for old in (
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ):
        session = DjangoSessionStore()
        session.update(
            {
                "_auth_user_id": str(learner.pk),
                "_auth_user_backend": old,
                "_auth_user_hash": learner.get_session_auth_hash(),
            }
        )
        session.create()
        client = Client()
        client.cookies["sessionid"] = session.session_key
        response = client.get("/dashboard/")
        assert response.status_code == 200 and response.wsgi_request.user == learner


def test_the_signed_in_user_is_read_with_one_query_and_an_inactive_one_is_signed_out(
    learner, django_assert_num_queries
):
    from core.backends import AccountBackend

    backend = AccountBackend()
    backend.get_user(learner.pk)  # compiled
    with django_assert_num_queries(1):
        user = backend.get_user(learner.pk)
    assert (user, user.email, user.date_joined) == (learner, learner.email, learner.date_joined)
    assert user.check_password(PASSWORD)
    assert backend.get_user(learner.pk + 1000) is None
    learner.is_active = False
    learner.save()
    assert backend.get_user(learner.pk) is None
    client = Client()
    assert not client.login(email=learner.email, password=PASSWORD)
