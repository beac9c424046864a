"""Personal data leaves only through the retention purge; the figures stay."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from requests_app import report, services
from requests_app.models import AccessLink, Message, OutboxEmail, PrivacyRequest, RequestEvent
from tests.helpers import file_request


def closed_request(days_ago: int) -> PrivacyRequest:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago + 5), tick=False):
        request = file_request(details=f"closed {days_ago} days ago")
        request._confirm_email()
        services.post_requester_message(request, "My phone is 0123 456")
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        request._answer()
        request.close()
    return request


@pytest.mark.django_db
def test_purge_removes_personal_data_of_requests_closed_longer_than_the_retention(settings):
    settings.RETENTION_DAYS = 1095
    old = closed_request(1100)
    recent = closed_request(100)
    out = StringIO()

    call_command("purge_closed", stdout=out)

    assert out.getvalue() == "purged 1 requests\n"
    old.refresh_from_db()
    assert (old.full_name, old.email, old.details, old.ip_address) == ("", "", "", None)
    assert old.email_key == ""
    assert old.purged_at is not None
    assert not Message.objects.filter(request=old).exists()
    assert not AccessLink.objects.filter(request=old).exists()
    assert not OutboxEmail.objects.filter(request=old).exists()
    assert old.events.filter(kind=RequestEvent.Kind.PURGED).count() == 1
    recent.refresh_from_db()
    assert recent.full_name == "Erika Mustermann"


@pytest.mark.django_db
def test_purge_keeps_the_anonymous_figures(settings):
    settings.RETENTION_DAYS = 1
    request = closed_request(30)
    year = request.received_at.year
    before = report.count(report.Period(year), timezone.localdate())

    call_command("purge_closed", stdout=StringIO())

    after = report.count(report.Period(year), timezone.localdate())
    assert (after.total, after.answered, after.median_days) == (
        before.total,
        before.answered,
        before.median_days,
    )
    request.refresh_from_db()
    assert request.reference.startswith("DSR-")


@pytest.mark.django_db
def test_open_requests_are_never_purged(settings):
    settings.RETENTION_DAYS = 1
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        open_request = file_request()

    call_command("purge_closed", stdout=StringIO())

    open_request.refresh_from_db()
    assert open_request.email == "erika@example.de"


@pytest.mark.django_db
def test_a_second_purge_finds_nothing(settings):
    settings.RETENTION_DAYS = 1
    closed_request(10)
    call_command("purge_closed", stdout=StringIO())
    out = StringIO()

    call_command("purge_closed", stdout=out)

    assert out.getvalue() == "purged 0 requests\n"
