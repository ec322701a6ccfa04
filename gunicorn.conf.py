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
    db.after_swap(lambda: warm.pages(worker.wsgi))  # on db's own thread, before the new file is served
