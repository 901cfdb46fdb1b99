"""Sessions are Django's database sessions, read with one plain query (core.sessions)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from core.sessions import SessionStore

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
