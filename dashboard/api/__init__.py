"""The open API: every table a page shows, at /api/v1/<page>/<table>.json and .csv (dashboard/api/routes.py)."""
