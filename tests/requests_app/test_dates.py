import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from requests_app import services
from requests_app.models import AccessLink, PrivacyRequest
from tests.helpers import file_request


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "received", "due", "moment"),
    [
        ("it", "2 marzo 2026", "2 aprile 2026", "2 marzo 2026, 10:00"),
        ("de", "2. März 2026", "2. April 2026", "2. März 2026 10:00"),
    ],
)
def test_the_status_page_writes_dates_as_the_language_does(client, language, received, due, moment):
    with time_machine.travel("2026-03-02 10:00Z", tick=False):
        request = file_request()
        PrivacyRequest.objects.filter(pk=request.pk).update(language=language)
        services.post_requester_message(request, "Any news?")
        token = AccessLink.issue(request, AccessLink.Purpose.STATUS)
        page = client.get(f"/requests/status/{token}/").content.decode()

    assert f'<time datetime="2026-03-02">{received}</time>' in page
    assert f'<time datetime="2026-04-02" id="due-date">{due}</time>' in page
    assert f'<time datetime="2026-03-02T10:00:00+00:00">{moment}</time>' in page


@pytest.mark.parametrize("month", range(1, 13))
def test_italian_dates_write_every_month_in_lower_case(month):
    day = datetime.date(2026, month, 1)

    with translation.override("it"):
        shown = render_to_string("includes/date.html", {"value": day})

    text = shown.split(">", 1)[1].removesuffix("</time>")
    assert text == text.lower()
    assert text.startswith("1 ") and text.endswith(" 2026")
