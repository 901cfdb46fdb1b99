"""`make run`: the site with production settings on this machine, and `make dev`'s variant.

    python scripts/serve.py [--port 8000]        # production settings under gunicorn
    python scripts/serve.py --dev [--port 8000]  # debug on, runserver with autoreload

Both migrate, load the content into an empty database and then serve. The production run
also collects static files (hashed, compressed names, cached for good) and, unless
DJANGO_SECRET_KEY is set, keeps a secret key generated on the first run in `.secret_key`
(mode 0600, outside git; DJANGO_SECRET_KEY_FILE names another file) for the next runs, so
sessions survive a restart.

Every setting from the environment wins over what this script would choose.
"""

import argparse
import os
import secrets
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE = ROOT / ".secret_key"
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def secret_key(path: Path = KEY_FILE, environ: Mapping[str, str] = os.environ) -> str:
    """DJANGO_SECRET_KEY if set; else the key in `path`, created (mode 0600) on first use."""
    if environ.get("DJANGO_SECRET_KEY"):
        return environ["DJANGO_SECRET_KEY"]
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    key = secrets.token_urlsafe(60)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with 0600 from the start (O_EXCL: never through a link someone left there), so
    # the key is never readable by others, not even for a moment.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # an empty file: start it again
        path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


def production_env(
    environ: Mapping[str, str] = os.environ, *, port: int = 8000, key_file: Path | None = None
) -> dict[str, str]:
    """The environment `make run` serves with: debug off, a kept secret key, this machine's
    host names; whatever `environ` sets wins. The key is kept in `key_file`, else in
    $DJANGO_SECRET_KEY_FILE, else in `.secret_key`."""
    key_file = key_file or Path(environ.get("DJANGO_SECRET_KEY_FILE") or KEY_FILE)
    env = dict(environ)
    # (An empty variable counts as unset, as the settings read it.)
    env["DJANGO_DEBUG"] = env.get("DJANGO_DEBUG") or "false"
    # This machine's names always work, after the self-hoster's own.
    hosts = [h.strip() for h in env.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    named_hosts = bool(hosts)
    env["DJANGO_ALLOWED_HOSTS"] = ",".join(hosts + [h for h in LOCAL_HOSTS if h not in hosts])
    # Links in emails: the address the site is really served at here, unless the self-hoster
    # named their own host (the settings then use https:// and that host).
    if not named_hosts:
        env["DJANGO_SITE_URL"] = env.get("DJANGO_SITE_URL") or f"http://127.0.0.1:{port}"
    env["DJANGO_SECRET_KEY"] = secret_key(key_file, environ)
    # Secure-only cookies are never sent back over plain http://127.0.0.1, and signing in
    # would fail: unless set, they follow the site's address, https or not.
    site_url = env.get("DJANGO_SITE_URL") or f"https://{hosts[0]}"
    if not env.get("DJANGO_SECURE_COOKIES"):
        env["DJANGO_SECURE_COOKIES"] = "true" if site_url.startswith("https://") else "false"
    env["PORT"] = str(port)
    return env


def dev_env(environ: Mapping[str, str] = os.environ, *, port: int = 8000) -> dict[str, str]:
    """`make dev`: debug on (the settings' local defaults), unless the environment says not."""
    return {**environ, "DJANGO_DEBUG": environ.get("DJANGO_DEBUG") or "true", "PORT": str(port)}


def manage(env: Mapping[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=dict(env), check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--dev", action="store_true", help="debug on, runserver with autoreload")
    options = parser.parse_args(argv)
    port = options.port
    env = dev_env(port=port) if options.dev else production_env(port=port)
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_content")
        if not options.dev:
            manage(env, "collectstatic", "--no-input", "-v", "0")
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    mode = "development (debug on, autoreload)" if options.dev else "production settings"
    print(f"\n  ML Career Paths: http://127.0.0.1:{port}/  ({mode})")
    print("  Admin user:      .venv/bin/python manage.py createsuperuser")
    print("                   (content editors: see README)\n", flush=True)
    os.chdir(ROOT)
    if options.dev:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
    else:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"]
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    main()
