"""`make run` and `make dev` (scripts/serve.py): what a self-hoster gets by default.

The key-file and environment tests are quick; the one that starts the site the way `make run`
does (migrate, load content, collect static files, gunicorn) is marked slow.
"""

import contextlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts import serve

REPO_ROOT = Path(__file__).resolve().parent.parent
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}


def settings_of(env: dict, *names: str) -> dict[str, str]:
    """The named settings as a fresh process with `env` sees them."""
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        f"print(json.dumps({{n: repr(getattr(settings, n)) for n in {list(names)!r}}}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_key_file_is_created_private_on_the_first_run_and_reused_afterwards(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    first = serve.secret_key(key_file, {})
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    assert serve.secret_key(key_file, {}) == first


def test_an_empty_key_file_gets_a_new_key(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("")
    key = serve.secret_key(key_file, {})
    assert len(key) >= 50 and key_file.read_text().strip() == key


def test_the_environment_s_secret_key_wins_and_no_file_is_written(tmp_path):
    key_file = tmp_path / "secret_key"
    mine = "k" * 60
    assert serve.secret_key(key_file, {"DJANGO_SECRET_KEY": mine}) == mine
    assert not key_file.exists()
    env = serve.production_env({"DJANGO_SECRET_KEY": mine}, key_file=key_file)
    assert env["DJANGO_SECRET_KEY"] == mine
    assert not key_file.exists()


def test_make_run_s_environment_gives_production_settings_a_local_browser_can_sign_in_with(
    tmp_path,
):
    env = serve.production_env(CLEAN, port=8123, key_file=tmp_path / "secret_key")
    found = settings_of(
        env,
        "DEBUG",
        "ALLOWED_HOSTS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SITE_URL",
        "SECRET_KEY",
        "STORAGES",
    )
    assert found["DEBUG"] == "False"
    assert set(eval(found["ALLOWED_HOSTS"])) >= {"127.0.0.1", "localhost"}
    # Plain http://127.0.0.1 would never send secure-only cookies back: no sign-in.
    assert found["SESSION_COOKIE_SECURE"] == found["CSRF_COOKIE_SECURE"] == "False"
    assert found["SITE_URL"] == repr("http://127.0.0.1:8123")
    assert eval(found["SECRET_KEY"]) == (tmp_path / "secret_key").read_text().strip()
    assert "CompressedManifestStaticFilesStorage" in found["STORAGES"]


def test_make_run_keeps_the_self_hoster_s_hosts_and_https_address(tmp_path):
    mine = {
        **CLEAN,
        "DJANGO_ALLOWED_HOSTS": "careers.example.com",
        "DJANGO_SITE_URL": "https://careers.example.com",
    }
    env = serve.production_env(mine, key_file=tmp_path / "secret_key")
    found = settings_of(env, "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "SITE_URL")
    assert found["DEBUG"] == "False"
    assert eval(found["ALLOWED_HOSTS"])[0] == "careers.example.com"
    assert "127.0.0.1" in eval(found["ALLOWED_HOSTS"])
    assert found["SESSION_COOKIE_SECURE"] == "True"
    assert found["SITE_URL"] == repr("https://careers.example.com")


def test_any_setting_from_the_environment_wins(tmp_path):
    env = serve.production_env(
        {**CLEAN, "DJANGO_DEBUG": "true", "DJANGO_SECURE_COOKIES": "true"},
        key_file=tmp_path / "secret_key",
    )
    found = settings_of(env, "DEBUG", "SESSION_COOKIE_SECURE")
    assert found == {"DEBUG": "True", "SESSION_COOKIE_SECURE": "True"}


def test_make_run_behind_https_with_the_documented_production_settings_passes_check_deploy(
    tmp_path,
):
    production = {
        **CLEAN,
        "DJANGO_ALLOWED_HOSTS": "careers.example.com",
        "DJANGO_SITE_URL": "https://careers.example.com",
        "DJANGO_SSL_REDIRECT": "true",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_HSTS_PRELOAD": "true",
    }
    env = serve.production_env(production, key_file=tmp_path / "secret_key")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_make_dev_has_debug_on():
    found = settings_of(serve.dev_env(CLEAN), "DEBUG", "STORAGES")
    assert found["DEBUG"] == "True"
    assert "CompressedManifestStaticFilesStorage" not in found["STORAGES"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.slow
@pytest.mark.xdist_group("servers")
def test_make_run_serves_hashed_long_cached_static_files_and_the_site_s_own_404(tmp_path):
    port = free_port()
    env = {
        **CLEAN,
        "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "",
        "PORT": str(port),
    }
    env.pop("DATABASE_URL", None)
    log_path = tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        # As the Makefile runs it.
        process = subprocess.Popen(
            [sys.executable, "scripts/serve.py"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-4000:]
            with contextlib.suppress(OSError):
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-4000:]
            time.sleep(0.5)

        assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
        status, _, body = fetch(f"{base}/")
        assert status == 200
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', body.decode())
        assert stylesheets
        for path in stylesheets:
            assert re.search(r"\.[0-9a-f]{12}\.css$", path), path
            status, headers, _ = fetch(base + path)
            assert status == 200, path
            cache = headers["Cache-Control"]
            assert "immutable" in cache, cache
            assert int(re.search(r"max-age=(\d+)", cache)[1]) >= 31536000, cache
            assert headers.get("Content-Encoding") in ("br", "gzip"), path

        # Only the hashed copies are kept (WHITENOISE_KEEP_ONLY_HASHED_FILES), and every file
        # a page names is one of them.
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
        assert any(path.endswith(".js") for path in assets)
        for path in assets:
            assert fetch(base + path)[0] == 200, path
        collected = {path.name for path in (tmp_path / "static").rglob("*.css")}
        assert "site.css" not in collected and any(name.startswith("site.") for name in collected)

        status, _, body = fetch(f"{base}/no-such-page/")
        assert status == 404
        page = body.decode()
        assert "<h1>Page not found</h1>" in page
        assert "URLconf" not in page and "DEBUG = True" not in page
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
