"""gunicorn settings for the council's site (``gunicorn -c deploy/gunicorn.conf.py cms.wsgi``).

Every value can be changed from the environment (see docs/deploy.md).
"""

import multiprocessing
import os

# nginx talks to gunicorn over a local socket or 127.0.0.1 only.
bind = os.environ.get("GUNICORN_BIND", "unix:/run/kodama/gunicorn.sock")

# Synchronous workers: the usual 2 × CPU + 1, capped so a small server keeps memory for PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Uploads of documents up to 20 MB on a slow line, and CSV imports, need more than 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Load the site once in the master process, before the workers fork: a worker starts in
# milliseconds instead of spending about 2.4 s of CPU importing Django, Wagtail and the apps,
# and the workers share the loaded code's memory. With a preloaded app, `kill -HUP` (systemd
# reload) starts new workers from the old code: after an update, restart the service
# (docs/deploy.md, 6).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"

# Workers are not recycled (0): each recycled worker paid the boot again (47 boots in
# 25 minutes at 1,000 requests each), which showed as +3-4 ms a request and 1-2 s pauses.
# The site keeps no per-process state that grows; should a leak ever appear, set
# GUNICORN_MAX_REQUESTS (for example 50000) as a stopgap while it is found.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Only the local nginx may say that the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address from nginx (X-Real-IP), the request, status, size, time in microseconds.
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sµs'
proc_name = "kodama-jiritsushien"


def pre_fork(server, worker):
    """Close what the preloaded app may have opened in the master (a database connection, a
    Redis connection of the page cache): a socket shared by several workers mixes their
    queries. Each worker opens its own on first use."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


def when_ready(server):
    """With the app preloaded, also load in the master what Django loads on the first request:
    the URL configuration (every app's views and hooks) and the page cache's release hash
    (a read of the site's code and templates). Each worker then starts with them."""
    if not server.cfg.preload_app:
        return
    from django.urls import get_resolver

    from cms import pagecache

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    pagecache.release()
