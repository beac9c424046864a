"""A request walked to its dispute under time travel: filed on 2 March 2026, confirmed at once."""

from datetime import datetime

import time_machine

from requests_app.models import AccessLink, PrivacyRequest
from tests.helpers import file_request

FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")


def confirmed(**overrides) -> tuple[PrivacyRequest, str]:
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request(**overrides)
        request._confirm_email()
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
    return request, token


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T12:00:00+00:00"), tick=False)


def escalate(client, token, reason="No answer.", employment=False, works_in=""):
    data = {"reason": reason, "employment_country": works_in}
    if employment:
        data["employment_data"] = "on"
    return client.post(f"/requests/status/{token}/escalate/", data)
