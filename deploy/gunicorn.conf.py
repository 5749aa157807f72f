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
# Restart workers now and then so a slow leak cannot build up.
max_requests = 1000
max_requests_jitter = 100

# Only the local nginx may say that the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address from nginx (X-Real-IP), the request, status, size, time in microseconds.
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sµs'
proc_name = "kodama-jiritsushien"
