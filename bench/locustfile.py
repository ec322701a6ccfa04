"""Locust users for `python -m bench.load`: each replays the dashboard session bench.dashboard recorded.

A user walks the recorded page views in order, posting each view's callback requests one after another
as the browser does, except the parts a page draws after its first response (dashboard/components/later.py),
which the browser asks for all at once, and so does the user; then it reads for 1 to 3 seconds before the
next view (board members read a chart before they change a filter). The session is the file named by
BENCH_CALLBACKS (bench.load sets it).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from gevent.pool import Group
from locust import HttpUser, between, task

HEADERS = {"Content-Type": "application/json"}


def _views() -> list[list[dict]]:
    """The recorded callback requests, grouped by the page view (path with its filters) that made them."""
    calls = json.loads(open(os.environ["BENCH_CALLBACKS"]).read())
    return [list(group) for _, group in itertools.groupby(calls, key=lambda call: call["path"])]


VIEWS = _views()


class BoardMember(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # each user starts somewhere different in the session, so 25 users are not in lockstep
        self.position = random.randrange(len(VIEWS))

    @task
    def next_view(self) -> None:
        view = VIEWS[self.position % len(VIEWS)]
        self.position += 1
        page = view[0]["path"].split("?")[0] or "/"
        parts = [call for call in view if _is_part(call)]
        for call in view:
            if not _is_part(call):
                self._post(call, page)
            elif parts:  # at the first part, every part at once, as the browser asks for them
                group = Group()
                for part in parts:
                    group.spawn(self._post, part, page)
                group.join()
                parts = []

    def _post(self, call: dict, page: str) -> None:
        kind = "page render" if "_pages_content" in call["body"] else "later part" if _is_part(call) else "callback"
        with self.client.post("/_dash-update-component", data=call["body"], headers=HEADERS, name=f"{page} {kind}",
                              catch_response=True) as response:
            if response.status_code not in (200, 204):
                response.failure(f"HTTP {response.status_code}")


def _is_part(call: dict) -> bool:
    return "later-part" in json.loads(call["body"])["output"]
