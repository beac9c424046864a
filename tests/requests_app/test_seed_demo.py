"""`manage.py seed_demo`: realistic requests in every state, consistent with the real flow."""

import re
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from requests_app import addresses, reminders
from requests_app.models import (
    OPEN_STATUSES,
    PrivacyRequest,
    ReferenceCounter,
    RequestEvent,
    Status,
    Wait,
    WaitReason,
)
from tests.helpers import file_request

NOW = datetime.fromisoformat("2026-03-02T10:00:00+00:00")


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seeds_requests_in_every_state_and_reports_the_counts():
    output = seed(requests=200, now=NOW)

    assert output.startswith("seeded 200 requests: ")
    assert PrivacyRequest.objects.count() == 200
    assert set(PrivacyRequest.objects.values_list("status", flat=True)) == set(Status.values)
    assert PrivacyRequest.objects.values("request_type").distinct().count() >= 5
    assert PrivacyRequest.objects.values("country").distinct().count() >= 10


@pytest.mark.django_db
def test_references_are_unique_and_every_request_has_its_filed_event():
    seed(requests=200, now=NOW)

    references = list(PrivacyRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == 200
    assert all(re.fullmatch(r"DSR-20\d\d-\d{6}", reference) for reference in references)
    filed = PrivacyRequest.objects.annotate(
        filed=Count("events", filter=Q(events__kind=RequestEvent.Kind.FILED))
    )
    assert set(filed.values_list("filed", flat=True)) == {1}


@pytest.mark.django_db
def test_fields_match_the_state():
    seed(requests=200, now=NOW)
    requests = PrivacyRequest.objects.all()

    assert (
        not requests.exclude(status=Status.UNCONFIRMED)
        .filter(email_confirmed_at=None)
        .exclude(status=Status.LAPSED)
    )
    assert not requests.filter(status__in=["answered", "refused", "closed"], answered_at=None)
    assert not requests.filter(status__in=["closed", "withdrawn", "lapsed"], closed_at=None)
    assert not requests.exclude(status__in=OPEN_STATUSES).exclude(next_reminder_at=None)
    for request in requests.filter(status=Status.WAITING):
        wait = request.waits.get(ended_at=None)
        assert wait.reason != WaitReason.EMAIL
        assert request.waiting_since == wait.started_at
    open_email_waits = Wait.objects.filter(reason=WaitReason.EMAIL, ended_at=None)
    assert {w.request.status for w in open_email_waits} == {Status.UNCONFIRMED}


@pytest.mark.django_db
def test_seeded_requests_carry_the_key_the_lost_link_lookup_finds_them_by():
    seed(requests=50, now=NOW)

    for email, email_key in PrivacyRequest.objects.values_list("email", "email_key"):
        assert email_key == addresses.key(email)


@pytest.mark.django_db
def test_a_later_real_filing_gets_the_next_reference():
    seed(requests=200)
    year = timezone.now().year
    counter = ReferenceCounter.objects.filter(year=year).first()
    seeded = [
        int(reference.rsplit("-", 1)[1])
        for reference in PrivacyRequest.objects.filter(
            reference__startswith=f"DSR-{year}-"
        ).values_list("reference", flat=True)
    ]
    assert (counter.last if counter else 0) == max(seeded, default=0)

    request = file_request()

    assert request.reference == f"DSR-{year}-{max(seeded, default=0) + 1:06d}"


@pytest.mark.django_db
def test_the_sweep_sends_what_is_due_once_and_nothing_twice():
    seed(requests=200, due_now=10, now=NOW)

    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW)

    assert len(first) == len({line.reference for line in first}) == 10
    assert second == []


@pytest.mark.django_db
def test_without_a_backlog_nothing_is_due_at_the_seeding_moment():
    seed(requests=200, now=NOW)

    assert reminders.sweep(NOW) == []


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_requests():
    seed(requests=50, seed=7, now=NOW)
    seed(requests=50, seed=7, now=NOW)

    rows = list(
        PrivacyRequest.objects.order_by("id").values_list(
            "full_name", "email", "status", "request_type", "country", "details", "received_at"
        )
    )
    assert rows[:50] == rows[50:]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_requests_must_be_a_positive_whole_number(value):
    with pytest.raises(CommandError, match="--requests"):
        call_command("seed_demo", f"--requests={value}")
    assert not PrivacyRequest.objects.exists()


@pytest.mark.django_db
def test_requests_is_required():
    with pytest.raises(CommandError, match="--requests"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_a_backlog_larger_than_the_open_requests_is_refused():
    with pytest.raises(CommandError, match="--due-now"):
        seed(requests=20, due_now=20, now=NOW)
    assert not PrivacyRequest.objects.exists()
