"""Set up a database for a site under test: migrate, load the content, optionally multiply
it, create learners with progress on the Data Scientist roadmap, and print what clients need
(session keys, step ids) as JSON on stdout.

Run by benchmarks/site.py in a subprocess, with the environment of the server it prepares for:
`python -m benchmarks.prepare --learners 20 --scale 10`.
"""

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROADMAP = "data-scientist"


def main() -> None:
    # Commands report progress on stdout; keep it for the JSON.
    with contextlib.redirect_stdout(sys.stderr):
        data = build()
    json.dump(data, sys.stdout)


def build() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=0)
    parser.add_argument("--scale", type=int, default=1, help="content multiplier (1 or more)")
    parser.add_argument("--collectstatic", action="store_true")
    parser.add_argument(
        "--grow-pages", action="store_true", help="the measured pages grow with --scale too"
    )
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from roadmaps.models import Roadmap, Status
    from roadmaps.services import progress_set

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_content", verbosity=0)
    if options.scale > 1:
        from benchmarks.content_scale import multiply_content

        multiply_content(options.scale, grow_pages=options.grow_pages)
    if options.collectstatic:
        call_command("collectstatic", verbosity=0, interactive=False)

    roadmap = Roadmap.objects.prefetch_related("levels__steps__skill", "levels__steps__project")
    steps = roadmap.get(role__slug=ROADMAP).steps()
    User = get_user_model()
    # Every learner has the same password, hashed once: hashing is slow on purpose.
    password = make_password("x" * 24)
    learners = []
    for n in range(options.learners):
        user = User.objects.create(
            username=f"learner{n}", email=f"learner{n}@example.com", password=password
        )
        # Some progress already, so the roadmap page has the learner's state to compute.
        for step, status in zip(steps[:12], [Status.DONE, Status.LEARNING] * 6, strict=False):
            kind = "project" if step.project_id else "skill"
            progress_set(user=user, status=status, **{kind: step.target})
        # A signed-in session, as logging in would make it (without paying for the hash).
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        learners.append({"id": user.pk, "username": user.username, "session": session.session_key})
    return {
        "roadmap": ROADMAP,
        "steps": [
            {"id": s.pk, "kind": "project" if s.project_id else "skill", "slug": s.target_key[1]}
            for s in steps
        ],
        "learners": learners,
    }


if __name__ == "__main__":
    main()
