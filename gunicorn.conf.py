"""gunicorn settings, read by `gunicorn dashboard.app:server` (the Procfile) from the project folder.

Values come from the declared settings in etl/settings.py, so the Procfile, `jointcare serve` and
`make run` agree. Binding to 127.0.0.1: the dashboard is meant to sit behind the trust's proxy.
"""

from etl import settings

bind = f"127.0.0.1:{settings.get_int('PORT')}"
workers = settings.get_int("WEB_CONCURRENCY")
# Threads, not sync workers: browsers open spare connections ahead of need, and a sync worker that
# accepts one waits on it until its timeout, so two idle sockets could stall the whole dashboard for
# 30 s. Each thread queries through its own cursor of the worker's DuckDB connection (dashboard/db.py).
worker_class = "gthread"
threads = 4
# Idle connections are kept for 75 s, longer than browsers' and load balancers' own idle limits (60 s is
# common), so the client always closes first. With gunicorn's default of 2 s, a request sent on a
# connection the server was closing at that moment was reset: the load benchmark's "HTTP 0" failures
# (2 of 2,022 requests), whose users read a page for 1-3 s between views. An idle connection holds no
# thread, only a socket in the worker's poller.
keepalive = 75
# gunicorn 27 opens a control socket at one shared path per user; two servers (tests, a second
# checkout) would collide, and nothing here uses it.
control_socket_disable = True
accesslog = "-"


def post_worker_init(worker):
    """Render every page once inside the worker before it takes real ones (dashboard/warm.py).

    Dash finishes setting itself up (scripts, callbacks) on its first request, and marks that done
    before it is: with threads, a second request arriving meanwhile got a 500 ('dash is not a
    registered library') and a blank page. One request here, on one thread, finishes the set-up; the
    pages' first views then read the warehouse from disk before any user waits on it.
    """
    from dashboard import db, warm

    warm.pages(worker.wsgi)
    warm.settle()

    def rewarm() -> None:  # on db's own thread, before the new file is served
        warm.pages(worker.wsgi)
        warm.settle()

    db.after_swap(rewarm)
