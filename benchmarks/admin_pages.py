"""How heavy and how fast the admin's pages are for a content editor.

On a scratch database (SQLite, or a new PostgreSQL database when DATABASE_URL is set) with
the real content, optionally multiplied (`--scale`) and with many learners (`--learners`,
`--progress-per-learner`), it opens every admin page an editor can open — the index, every
changelist, add, change, history, import and delete page, learner statistics — with Django's
test client in production settings, and reports for each: median time, queries, HTML size,
form inputs (input, select, textarea) and select options. Every role's and every quiz's
change pages are measured, with their part pages (a role's skills, a quiz's questions).

    python -m benchmarks.admin_pages                                  # the real content
    python -m benchmarks.admin_pages --learners 50000                 # 50,000 learners, 2.5 M rows
    DATABASE_URL=postgres://user:pass@127.0.0.1/postgres python -m benchmarks.admin_pages ...

Targets (the editors' issue): at most 150 inputs and 100 KB per change page, change pages
under 150 ms, every page under 200 ms at 50,000 learners, queries that do not grow with
learners. Results go to benchmarks/results/admin-<database>-<timestamp>.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MAX_INPUTS, MAX_KB, MAX_CHANGE_MS, MAX_MS = 150, 100, 150, 200


class FormCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = self.options = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            self.inputs += 1
        elif tag == "option":
            self.options += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="content multiplier")
    parser.add_argument("--learners", type=int, default=0)
    parser.add_argument("--progress-per-learner", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (median)")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results"))
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inner:
        measure(options)
        return

    from benchmarks.site import _run_env, database_kind, scratch_database

    with scratch_database() as env:
        env["DJANGO_ALLOWED_HOSTS"] = "testserver"
        env["DJANGO_BEHIND_HTTPS_PROXY"] = "false"
        env["DJANGO_MANIFEST_STATIC"] = "false"  # no collectstatic: names as in static/
        env["BENCH_DATABASE"] = database_kind(env)
        command = [sys.executable, "-m", "benchmarks.admin_pages", "--inner", *sys.argv[1:]]
        result = subprocess.run(command, cwd=ROOT, env=_run_env(env), check=False)
    sys.exit(result.returncode)


def build(options) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_content", verbosity=0)
    if options.scale > 1:
        from benchmarks.content_scale import multiply_content

        multiply_content(options.scale)
    print(f"content loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if options.learners:
        started = time.perf_counter()
        rows = add_learners(options.learners, options.progress_per_learner)
        print(
            f"{options.learners:,} learners and {rows:,} progress rows in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        started = time.perf_counter()
        call_command("count_learners", verbosity=0)
        print(f"count_learners in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def add_learners(count: int, per_learner: int) -> int:
    """`count` learners with `per_learner` progress rows each (as many as there are skills at
    most), written in bulk: users with bulk_create, progress with one INSERT … SELECT."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from careers.models import Skill
    from roadmaps.models import Progress

    User = get_user_model()
    password = make_password("x" * 24)  # hashing is slow on purpose: once for everyone
    now = timezone.now()
    skills = Skill.objects.count()
    per_learner = min(per_learner, skills)
    with transaction.atomic():
        User.objects.bulk_create(
            (
                User(
                    username=f"learner{n}",
                    email=f"learner{n}@example.com",
                    password=password,
                    date_joined=now - timezone.timedelta(days=n % 400),
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        table, users, skill_table = (
            Progress._meta.db_table,
            User._meta.db_table,
            Skill._meta.db_table,
        )
        # Skill ids are consecutive after load_content, so this gives each learner a
        # different run of `per_learner` skills, with the three statuses mixed.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, skill_id, status, updated_at) "
                f"SELECT u.id, s.id, CASE (u.id + s.id) %% 3 WHEN 0 THEN 'done' "
                f"WHEN 1 THEN 'learning' ELSE 'skipped' END, %s "
                f"FROM {users} u CROSS JOIN {skill_table} s "
                f"WHERE u.is_staff = %s AND (u.id + s.id) %% %s < %s",
                [now, False, skills, per_learner],
            )
            rows = cursor.rowcount
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}; ANALYZE {users}")
    return rows


def editor_pages(editor) -> list[tuple[str, str]]:
    """(name, path) of every admin page a content editor can open, with the first object of
    each model (every role and every quiz) for the object pages, the part pages of those
    that have them (a role's skills, a quiz's questions), and the CSV import pages."""
    from django.contrib import admin
    from django.urls import reverse

    from careers.admin import ROLE_PARTS
    from careers.models import Role, Skill
    from quizzes.models import Quiz

    pages = [("index", reverse("admin:index")), ("statistics", reverse("learner_statistics"))]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if not editor.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        name = f"{meta.app_label}.{meta.model_name}"
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append((f"{name} list", reverse(f"{prefix}_changelist")))
        pages.append((f"{name} add", reverse(f"{prefix}_add")))
        if hasattr(model_admin, "import_action"):
            pages.append((f"{name} import", reverse(f"{prefix}_import")))
        every = model in (Role, Quiz)
        objects = list(model.objects.all()) if every else [model.objects.first()]
        for obj in filter(None, objects):
            label = f"{name} change" + (f" {obj.slug}" if every else "")
            pages.append((label, reverse(f"{prefix}_change", args=[obj.pk])))
            for section in ROLE_PARTS if model is Role else ():
                url = reverse("admin:careers_role_part", args=[obj.pk, section])
                pages.append((f"{name} {section} {obj.slug}", url))
            for part in getattr(model_admin, "parts", {}):
                url = reverse(f"{prefix}_part", args=[obj.pk, part])
                pages.append((f"{name} {part}" + (f" {obj.slug}" if every else ""), url))
        if obj := model.objects.first():
            pages.append((f"{name} history", reverse(f"{prefix}_history", args=[obj.pk])))
    # A skill many learners have progress on: its delete page counts them.
    skill = Skill.objects.order_by("pk").first()
    pages.append(("careers.skill delete", reverse("admin:careers_skill_delete", args=[skill.pk])))
    return pages


def measure(options) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    build(options)
    editor = get_user_model().objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    client.force_login(editor)

    results = []
    for name, path in editor_pages(editor):
        client.get(path)  # warm up: templates, the content cache
        times = []
        for _ in range(options.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        html = response.content
        counter = FormCounter()
        counter.feed(html.decode())
        results.append(
            {
                "page": name,
                "path": path,
                "status": response.status_code,
                "ms": round(statistics.median(times), 1),
                "queries": len(queries),
                "kb": round(len(html) / 1024, 1),
                "inputs": counter.inputs,
                "options": counter.options,
            }
        )
    report(results, options)


def report(results: list[dict], options) -> None:
    database = os.environ.get("BENCH_DATABASE", "sqlite")
    print(
        f"\nadmin pages as a content editor — {database}, content ×{options.scale}, "
        f"{options.learners:,} learners, {os.cpu_count()} cores"
    )
    print(
        f"{'page':<48} {'status':>6} {'ms':>7} {'queries':>7} {'KB':>7} {'inputs':>6} {'opts':>5}"
    )
    misses = []
    for r in results:
        print(
            f"{r['page']:<48} {r['status']:>6} {r['ms']:>7} {r['queries']:>7} {r['kb']:>7} "
            f"{r['inputs']:>6} {r['options']:>5}"
        )
        is_change = " change" in r["page"] or " add" in r["page"]
        if r["status"] != 200:
            misses.append(f"{r['page']}: status {r['status']}")
        if r["ms"] > MAX_MS or (is_change and not options.learners and r["ms"] > MAX_CHANGE_MS):
            misses.append(f"{r['page']}: {r['ms']} ms")
        if is_change and (r["inputs"] > MAX_INPUTS or r["kb"] > MAX_KB):
            misses.append(f"{r['page']}: {r['inputs']} inputs, {r['kb']} KB")
    for miss in misses:
        print(f"MISS {miss}")
    if not misses:
        print("PASS every page within its targets")
    output = Path(options.output)
    output.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = output / f"admin-{database}-{stamp}.json"
    settings = {"scale": options.scale, "learners": options.learners, "cores": os.cpu_count()}
    path.write_text(json.dumps({"settings": settings, "pages": results}, indent=1))
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
