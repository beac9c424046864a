"""gunicorn, as `make serve` runs it. Every value can be set from the environment."""

import gc
import logging
import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, the documented rule of thumb for a CPU-bound Django app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Load the app once before forking: a worker that is restarted starts in milliseconds.
preload_app = True
# Restarted now and then so that a slow leak cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# No access log here: the portal logs one JSON line per request itself, with the secret
# tokens of status and confirmation links taken out of the path.
accesslog = None
errorlog = "-"
# Which proxies may tell gunicorn the client's scheme and address (X-Forwarded-*).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: object) -> None:
    """gunicorn's own error log quotes a request it could not hand to Django (a malformed
    request line, an error while sending): the portal's filter takes the tokens out of it."""
    from core.logs import ContextFilter

    logging.getLogger("gunicorn.error").addFilter(ContextFilter())


def pre_fork(server: object, worker: object) -> None:
    """What the master loaded (Django, the apps, the catalogues of every language) is set
    aside from the garbage collector before a worker is forked from it: the worker's full
    collections no longer walk those objects (a pause of about 80 ms each, a filing's
    latency at its worst), nor write to their pages, which stay shared between workers."""
    gc.freeze()
