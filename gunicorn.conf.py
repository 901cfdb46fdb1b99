"""gunicorn settings for ML Career Paths; every value can be overridden from the environment.

`make run` and the systemd unit in docs/deploy.md use this file.
"""

import gc
import multiprocessing
import os
import time

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two workers per core plus one, the usual starting point for a mostly I/O-bound site. One
# thread each: the site's queries take microseconds, so a second thread had little database
# wait to overlap, and waited for its worker's interpreter lock instead after every socket
# write and query, which doubled the slowest answers (benchmarks/README.md).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# At most four connections per thread in a worker (gunicorn's default is 1,000). A client's
# kept-alive connections all stayed with the worker that first accepted them, so a proxy's or
# a benchmark's 16 could all sit in one worker, with one core to serve them, while the others
# idled. At this cap the rest go to other workers, and a worker with a full keep-alive pool
# closes its next answer's connection instead, so a new client never waits behind idle ones.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads * 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak can never take the site down; rarely, since a
# fresh worker starts with an empty page cache (benchmarks/README.md: how often is too often).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 10_000))
# Load Django once in the master: workers fork ready to serve, so starting, replacing a killed
# worker and recycling cost milliseconds, and the workers share the loaded code's memory.
# (A code upgrade then needs a restart, not a HUP; docs/deploy.md restarts.)
preload_app = True

# Each new worker renders the main pages once before it takes requests (config/warmup.py), so
# no learner waits on a cold one; within this many seconds, and 0 turns it off.
warm_up_seconds = float(os.environ.get("GUNICORN_WARM_UP_SECONDS", 5))

# GUNICORN_ACCESS_LOG= (empty) turns the access log off, as benchmarks do.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn believes X-Forwarded-Proto: https (and its other scheme headers) from 127.0.0.1 by
# default, which made plain HTTP pass for HTTPS. Only the proxy of DJANGO_BEHIND_HTTPS_PROXY
# (docs/deploy.md) may say so; without one, nobody.
if os.environ.get("DJANGO_BEHIND_HTTPS_PROXY", "").lower() in ("1", "true", "yes", "on"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

# gunicorn 27 opens a control socket in ~/.gunicorn by default; containers, CI and systemd
# services have no use for it.
control_socket_disable = True


def post_worker_init(worker):
    if warm_up_seconds <= 0:
        return
    from django.db import connections

    from config.warmup import warm_up

    started = time.monotonic()
    try:
        pages = warm_up(worker.wsgi, seconds=warm_up_seconds, between=worker.notify)
    except Exception:
        # A worker that fails to boot stops gunicorn altogether: a database that is down for
        # a moment must cost the first requests their speed, not the site.
        worker.log.exception("Warming up failed; the worker starts cold")
        return
    finally:
        # The worker's threads open their own; this one would sit idle for the worker's life.
        connections.close_all()
    # What the worker holds now (code, settings, the content it just built) stays for its life:
    # Python's full collections leave it out from here on. Walking it took 180 ms at ten times
    # the content, during which none of the worker's threads answered. When content changes,
    # core.cache hands the old parts back to the collector.
    gc.collect()
    gc.freeze()
    worker.log.info("Warmed up %d pages in %.1f s", pages, time.monotonic() - started)
