"""Screenshots of every diagram at 360 and 1280 px wide, and of every main page (whole, top to
bottom) at 390 and 1280 px, light and dark, into screenshots/ and screenshots/pages/.

Runs the site on a scratch SQLite database with the content loaded and a signed-in learner who
follows a roadmap and has some progress (for the roadmap timeline, the plan and the dashboard),
then drives Chromium with Playwright. The browser is $PLAYWRIGHT_CHROMIUM_EXECUTABLE or what
scripts/ensure-chromium finds. `make screenshots`; `python scripts/screenshots.py dashboard
home` for just some of them by name, `diagrams` or `pages` for one kind.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from chromium_args import CHROMIUM_ARGS  # scripts/chromium_args.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
WIDTHS = [360, 1280]
MODES = ["light", "dark"]
CORE_FOUR = "roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"
# (file name, path, selector of the diagram, signed in?)
TARGETS = [
    ("team-structure-home", "/", ".team-diagram", False),
    ("team-structure-lifecycle", "/lifecycle/", ".team-diagram", False),
    ("oltp-olap", "/roles/data-engineer/", ".systems-diagram", False),
    ("dashboard", "/roles/data-analyst/", ".dashboard-diagram", False),
    ("ds-workflow", "/roles/data-scientist/", ".workflow-diagram", False),
    ("ml-architecture", "/roles/ml-engineer/", ".architecture-diagram", False),
    ("roadmaps-timeline", "/roadmaps/", ".roadmaps-overview", True),
    ("roadmap-timeline", "/roadmaps/data-scientist/", ".roadmap-timeline", True),
    ("comparison-matrix", f"/compare/?{CORE_FOUR}", ".role-matrix", False),
    ("role-salaries", "/roles/", ".role-salaries", False),
]
PAGE_WIDTHS = [390, 1280]
# (file name, path, signed in?): the main pages, each shot whole.
PAGES = [
    ("home", "/", False),
    ("roles", "/roles/", False),
    ("role", "/roles/data-scientist/", False),
    ("lifecycle", "/lifecycle/", False),
    ("skills", "/skills/", False),
    ("skill", "/skills/sql/", False),
    ("compare", f"/compare/?{CORE_FOUR}", False),
    ("roadmaps", "/roadmaps/", False),
    ("roadmap", "/roadmaps/data-scientist/", True),
    ("quizzes", "/quizzes/", False),
    ("career-fit", "/quizzes/career-fit/", False),
    ("plan", "/plan/", True),
    ("my-dashboard", "/dashboard/", True),
]


def chromium() -> str:
    path = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "")
    if path and os.access(path, os.X_OK):
        return path
    found = subprocess.run(
        ["bash", ROOT / "scripts" / "ensure-chromium"], capture_output=True, text=True, check=False
    )
    if found.returncode or not found.stdout.strip():
        sys.exit(f"No Chromium found:\n{found.stderr}")
    return found.stdout.strip()


def prepare_database(env: dict) -> str:
    """Migrate, load the content, create a learner with progress; return a session key."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command
    from django.test import Client

    from roadmaps.models import Roadmap, Status
    from roadmaps.services import follow, plan_save, progress_set

    call_command("migrate", verbosity=0, interactive=False)
    try:
        call_command("load_content", verbosity=0)
    except CommandError as error:
        # A feature's fixture may not be there yet; the diagrams need only what exists.
        print(f"load_content: {error} Loading the fixture files there are.", file=sys.stderr)
        for fixture in sorted((ROOT / "fixtures").glob("*.json")):
            call_command("loaddata", fixture, verbosity=0)
    learner = get_user_model().objects.create_user("learner", "learner@example.com", "x" * 20)
    roadmap = Roadmap.objects.get(role__slug="data-scientist")
    steps = roadmap.steps()
    branch = [step for step in steps if step.is_specialization][:1]
    plan = [Status.DONE] * 6 + [Status.LEARNING] * 2 + [Status.SKIPPED] + [Status.DONE] * 3
    for step, status in [*zip(steps, plan, strict=False), *((s, Status.DONE) for s in branch)]:
        kind = "project" if step.project_id else "skill"
        progress_set(user=learner, status=status, **{kind: step.target})
    follow(user=learner, roadmap=roadmap)
    plan_save(user=learner, hours_per_week=8, target_date=None)
    client = Client()
    client.force_login(learner)
    return client.cookies["sessionid"].value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The site did not answer at {url}")


def _open(context, path: str, width: int, problems: list[str]):
    """A tab on the path; overflow sideways and console errors (CSP ones too) are problems."""
    page = context.new_page()
    errors = []
    page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{path} at {width}px is {overflow}px too wide")
    problems.extend(f"{path}: console error: {error}" for error in errors)
    return page


def _wanted(name: str, kind: str, only: list[str]) -> bool:
    return not only or name in only or kind in only


def shoot(base_url: str, session_key: str, only: list[str]) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems = []
    (OUT / "pages").mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=CHROMIUM_ARGS
        )
        for mode in MODES:
            for width in sorted({*WIDTHS, *PAGE_WIDTHS}):
                viewport = {"width": width, "height": 900}
                context = browser.new_context(
                    base_url=base_url, viewport=viewport, color_scheme=mode
                )
                context.add_cookies([{"name": "sessionid", "value": session_key, "url": base_url}])
                anonymous = browser.new_context(
                    base_url=base_url, viewport=viewport, color_scheme=mode
                )
                shots = []
                if width in WIDTHS:
                    shots += [
                        (OUT / f"{name}-{width}-{mode}.png", path, selector, signed_in)
                        for name, path, selector, signed_in in TARGETS
                        if _wanted(name, "diagrams", only)
                    ]
                if width in PAGE_WIDTHS:
                    shots += [
                        (OUT / "pages" / f"{name}-{width}-{mode}.png", path, None, signed_in)
                        for name, path, signed_in in PAGES
                        if _wanted(name, "pages", only)
                    ]
                for target, path, selector, signed_in in shots:
                    page = _open(context if signed_in else anonymous, path, width, problems)
                    if selector:
                        page.locator(selector).first.screenshot(path=target)
                    else:
                        page.screenshot(path=target, full_page=True)
                    print(f"  {target.relative_to(ROOT)}")
                    page.close()
                context.close()
                anonymous.close()
        browser.close()
    return problems


@contextlib.contextmanager
def local_site() -> Iterator[tuple[str, str]]:
    """(address, a signed-in learner's session key) of the site on a scratch SQLite database
    with the real content, served by runserver until the block ends."""
    scratch = Path(tempfile.mkdtemp(prefix="mcp-screenshots-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SQLITE_PATH": str(scratch / "db.sqlite3"),
        "DJANGO_DEBUG": "true",
        "DJANGO_MANIFEST_STATIC": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    session_key = prepare_database(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for(f"{base_url}/healthz")
        yield base_url, session_key
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    with local_site() as (base_url, session_key):
        print(f"Writing screenshots to {OUT.relative_to(ROOT)}/")
        problems = shoot(base_url, session_key, only=sys.argv[1:])
    for problem in problems:
        print(f"WARNING: {problem}", file=sys.stderr)


if __name__ == "__main__":
    main()
