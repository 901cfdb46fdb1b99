"""The weekly digest: a learner's next steps, this week's plan and last week's progress, by
email, to the learners who asked for it. `manage.py send_weekly_digest` sends it (scheduled as
docs/deploy.md shows).

Built without a request: links take settings.SITE_URL, never a Host a request named. The
roadmaps are read once per run; each learner costs one query for their progress and one to
claim the week, whatever the amount of content.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from core.models import LearnerVersion
from roadmaps.models import Follow, LearningPlan, Progress, Roadmap, Status
from roadmaps.overview import roadmaps_visible_to
from roadmaps.plan import build_plan

logger = logging.getLogger(__name__)

# Signed tokens name their purpose: an unsubscribe token is good for nothing else, and no
# other signed value (a password reset's, a session's) passes for one.
UNSUBSCRIBE_SALT = "accounts.digest.unsubscribe"
# Learners read per query of the recipients (with their addresses, goals and pace).
BATCH_SIZE = 200
LAST_WEEK_STATUSES = (Status.DONE, Status.LEARNING)


class BadUnsubscribeToken(Exception):
    """The token was not signed by this site for unsubscribing (tampered, cut short, or made
    for another purpose)."""


def unsubscribe_token(user) -> str:
    """The token in a learner's unsubscribe link: their id, signed for this purpose only."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"user": user.pk})


def unsubscribe_user_id(token: str) -> int:
    """The id of the learner an unsubscribe token names; BadUnsubscribeToken if it names
    none."""
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise BadUnsubscribeToken from None
    user_id = payload.get("user") if isinstance(payload, dict) else None
    if type(user_id) is not int:
        raise BadUnsubscribeToken
    return user_id


def digest_stop(*, user_id: int) -> bool:
    """Stop the learner's digest (their unsubscribe link). True when they were getting it."""
    rows = Profile.objects.filter(user_id=user_id, weekly_digest=True)
    stopped = rows.update(weekly_digest=False) == 1
    if stopped:  # often from a signed-out browser: the learner's own request would bump it
        LearnerVersion.bump(user_id)
    return stopped


def digest_week(today: date) -> date:
    """The Monday of `today`'s week: a learner gets at most one digest per week."""
    return today - timedelta(days=today.weekday())


def digest_claim(*, profile: Profile, monday: date) -> bool:
    """Mark the learner's digest for the week of `monday` as sent, before sending it. One
    conditional UPDATE, so of two runs at once exactly one claims the week (and sends); False
    when another run already did, or the learner has stopped the digest since."""
    not_sent = Q(digest_sent_for__isnull=True) | Q(digest_sent_for__lt=monday)
    rows = Profile.objects.filter(not_sent, pk=profile.pk, weekly_digest=True)
    return rows.update(digest_sent_for=monday) == 1


def digest_release(*, profile: Profile, monday: date, previous: date | None) -> None:
    """Undo a claim whose email could not be sent, so the next run tries again."""
    rows = Profile.objects.filter(pk=profile.pk, digest_sent_for=monday)
    rows.update(digest_sent_for=previous)


def digest_recipients(monday: date) -> Iterator:
    """Active learners who asked for the digest and have not had this week's, with their
    profile, pace, email addresses and goals: three queries per BATCH_SIZE learners."""
    not_sent = Q(profile__digest_sent_for__isnull=True) | Q(profile__digest_sent_for__lt=monday)
    users = (
        get_user_model()
        .objects.filter(not_sent, is_active=True, profile__weekly_digest=True)
        .select_related("profile", "learning_plan")
        .prefetch_related(
            "emailaddress_set",
            Prefetch("follows", queryset=Follow.objects.only("user", "roadmap", "created_at")),
        )
        .order_by("pk")
    )
    after = 0
    while True:
        batch = list(users.filter(pk__gt=after)[:BATCH_SIZE])
        yield from batch
        if len(batch) < BATCH_SIZE:
            return
        after = batch[-1].pk


def digest_address(user) -> str | None:
    """Where the learner's digest goes, from allauth's addresses (prefetched): the verified
    primary one, else another verified one, else the primary one even unverified (a site that
    does not make learners confirm their address). None without any of them."""
    addresses = sorted(
        user.emailaddress_set.all(), key=lambda address: (not address.verified, not address.primary)
    )
    if addresses and (addresses[0].verified or addresses[0].primary):
        return addresses[0].email
    return None


def _progress(user, today: date) -> tuple[dict, list[dict], list[str]]:
    """The learner's statuses, what they marked done or learning in the seven days before
    `today` (oldest first), and the skills due for spaced review (longest waiting first): one
    query."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=7), time.min))
    until = timezone.make_aware(datetime.combine(today, time.min))
    rows = Progress.objects.for_user(user).values_list(
        "skill__slug",
        "skill__name",
        "project__slug",
        "project__name",
        "status",
        "updated_at",
        "review_due",
    )
    statuses, last_week, due = {}, [], []
    for skill, skill_name, project, project_name, status, updated_at, review_due in rows:
        statuses[("skill", skill) if skill else ("project", project)] = status
        if status in LAST_WEEK_STATUSES and since <= updated_at < until:
            name = skill_name if skill else project_name
            last_week.append({"name": name, "status": Status(status).label, "at": updated_at})
        if skill and status == Status.DONE and review_due and review_due <= today:
            due.append((review_due, skill_name))
    last_week.sort(key=lambda entry: (entry["at"], entry["name"]))
    return statuses, last_week, [name for _, name in sorted(due)]


@dataclass(frozen=True)
class DigestSite:
    """What every digest of a run shares: the published roadmaps (with their prefetches) and
    the site's links."""

    monday: date
    today: date
    site_url: str
    roadmaps: dict[int, Roadmap]

    @classmethod
    def build(cls, today: date) -> "DigestSite":
        roadmaps = roadmaps_visible_to(AnonymousUser())  # published only: links anyone can open
        return cls(digest_week(today), today, settings.SITE_URL, {r.pk: r for r in roadmaps})

    def url(self, name: str, *args) -> str:
        return self.site_url + reverse(name, args=args)


def digest_context(user, site: DigestSite) -> dict:
    """Everything one learner's digest shows."""
    statuses, last_week, reviews_due = _progress(user, site.today)
    followed = [
        site.roadmaps[follow.roadmap_id]
        for follow in user.follows.all()
        if follow.roadmap_id in site.roadmaps
    ]
    pace = getattr(user, "learning_plan", None)
    plan = build_plan(
        followed,
        statuses,
        hours_per_week=pace.hours_per_week if pace else _default_hours_per_week(),
        target_date=pace.target_date if pace else None,
        today=site.today,
    )
    return {
        "name": user.profile.display_name or user.get_username(),
        "monday": site.monday,
        "site_url": site.site_url,
        "plan": plan,
        "goals": plan.roadmaps,
        "last_week": last_week,
        "reviews_due": reviews_due,
        "review_url": site.url("quizzes:review"),
        "dashboard_url": site.url("dashboard"),
        "plan_url": site.url("plan"),
        "roadmaps_url": site.url("roadmaps:roadmap_list"),
        "quiz_url": site.url("quizzes:quiz_detail", "career-fit"),
        "profile_url": site.url("accounts:profile"),
        "unsubscribe_url": site.url("accounts:digest_unsubscribe", unsubscribe_token(user)),
    }


def _default_hours_per_week() -> int:
    return LearningPlan._meta.get_field("hours_per_week").default


def digest_message(user, address: str, site: DigestSite) -> EmailMultiAlternatives:
    """The learner's digest as an email: text and HTML, with RFC 8058's one-click
    unsubscribe headers."""
    context = digest_context(user, site)
    subject = render_to_string("accounts/email/weekly_digest_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("accounts/email/weekly_digest_message.txt", context),
        to=[address],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("accounts/email/weekly_digest_message.html", context), "text/html"
    )
    return message


@dataclass
class DigestRun:
    """What a run did."""

    monday: date
    sent: int = 0
    without_address: int = 0
    claimed_elsewhere: int = 0  # another run sent these meanwhile
    failed: list[int] = field(default_factory=list)  # user ids; retried on the next run


def digests_send(*, today: date, connection=None) -> DigestRun:
    """Send this week's digest to every learner due one. Each learner's week is claimed before
    sending and released if sending fails, so a second run (at once or later) sends nobody a
    second email and retries only the failures."""
    site = DigestSite.build(today)
    run = DigestRun(site.monday)
    connection = connection or get_connection()
    with connection:
        for user in digest_recipients(site.monday):
            address = digest_address(user)
            if address is None:
                run.without_address += 1
                continue
            previous = user.profile.digest_sent_for
            if not digest_claim(profile=user.profile, monday=site.monday):
                run.claimed_elsewhere += 1
                continue
            try:
                if connection.send_messages([digest_message(user, address, site)]) != 1:
                    raise RuntimeError("the email backend sent nothing")
            except Exception:  # one learner's failure must not stop the others' emails
                logger.exception("The weekly digest for user %s could not be sent.", user.pk)
                digest_release(profile=user.profile, monday=site.monday, previous=previous)
                connection.close()  # a broken SMTP session: the next send opens a new one
                run.failed.append(user.pk)
            else:
                run.sent += 1
    return run
