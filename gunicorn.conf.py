"""gunicorn settings, read by `gunicorn dashboard.app:server` (the Procfile) from the project folder.

Values come from the declared settings in etl/settings.py, so the Procfile, `jointcare serve` and
`make run` agree. Binding to 127.0.0.1: the dashboard is meant to sit behind the trust's proxy.
"""

from etl import settings

bind = f"127.0.0.1:{settings.get_int('PORT')}"
workers = settings.get_int("WEB_CONCURRENCY")
# gunicorn 27 opens a control socket at one shared path per user; two servers (tests, a second
# checkout) would collide, and nothing here uses it.
control_socket_disable = True
accesslog = "-"
