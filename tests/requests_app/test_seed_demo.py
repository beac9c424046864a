"""`manage.py seed_demo`: realistic requests in every state, made by the portal's use cases.

One seeding of 200 requests serves the module (in a transaction rolled back at its end); the
command's speed is measured in docs/BENCHMARKS.md, not here.
"""

import re
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from disputes_app.models import Dispute
from requests_app import addresses, deadlines, localtime, reminders, services
from requests_app.models import (
    OPEN_STATUSES,
    PrivacyRequest,
    Reminder,
    RequestEvent,
    RequestType,
    Status,
    Wait,
    WaitReason,
)
from tests.helpers import VALID_FILING, file_request

NOW = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
COUNT = 200
Kind = RequestEvent.Kind


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The command's output and the moment it ended; its rows stay for the module's tests."""
    private = tmp_path_factory.mktemp("private")
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private):
        with transaction.atomic():
            with time_machine.travel(NOW):
                output = seed(requests=COUNT)
                ended = timezone.now()
            yield output, ended
            transaction.set_rollback(True)


@pytest.fixture
def requests(seeded, db):
    return PrivacyRequest.objects.all()


def test_reports_the_requests_it_made_in_each_state(seeded, requests):
    output, _ended = seeded

    assert output.startswith(f"seeded {COUNT} requests: ")
    assert requests.count() == COUNT
    for status, count in requests.values_list("status").annotate(n=Count("pk")):
        assert f" {count} {status}" in output


def test_every_state_every_type_and_countries_under_every_rule(requests):
    countries = set(requests.values_list("country", flat=True))

    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    assert set(requests.values_list("request_type", flat=True)) == set(RequestType.values)
    assert {"GB", "GI", "CH", "US"} <= countries
    assert countries & deadlines.EU_MEMBER_STATES
    assert countries & deadlines.EU_TERRITORIES
    assert set(requests.values_list("language", flat=True)) == {"en", "de", "fr", "it"}


def test_every_request_was_filed_online_or_logged_by_the_use_cases(requests):
    references = list(requests.values_list("reference", flat=True))
    first_events = [request.events.order_by("created_at", "pk").first() for request in requests]

    assert len(set(references)) == COUNT
    assert all(re.fullmatch(r"DSR-20\d\d-\d{6}", reference) for reference in references)
    assert {event.kind for event in first_events} == {Kind.FILED}
    online = [event for event in first_events if event.actor == RequestEvent.Actor.REQUESTER]
    logged = [event for event in first_events if event.data.get("logged")]
    assert online and logged
    assert len(online) + len(logged) == COUNT
    for email, email_key in requests.values_list("email", "email_key"):
        assert email_key == addresses.key(email)


def test_fields_match_the_state(requests):
    assert not requests.exclude(status__in=[Status.UNCONFIRMED, Status.LAPSED]).filter(
        email_confirmed_at=None
    )
    assert not requests.filter(status__in=["answered", "refused", "closed"], answered_at=None)
    assert not requests.filter(status__in=["closed", "withdrawn", "lapsed"], closed_at=None)
    assert not requests.exclude(status__in=OPEN_STATUSES).exclude(next_reminder_at=None)
    for request in requests.filter(status=Status.WAITING):
        wait = request.waits.get(ended_at=None)
        assert wait.reason != WaitReason.EMAIL
        assert request.waiting_since == wait.started_at
    open_email_waits = Wait.objects.filter(reason=WaitReason.EMAIL, ended_at=None)
    assert {wait.request.status for wait in open_email_waits} == {Status.UNCONFIRMED}


def test_the_sweep_at_past_moments_reminded_new_filings_and_lapsed_the_unconfirmed(
    seeded, requests
):
    _output, ended = seeded
    today = localtime.local_date(ended)
    lapsed = requests.filter(status=Status.LAPSED)
    reminded = Reminder.objects.filter(kind=Reminder.Kind.CONFIRM_EMAIL, deadline__lt=today)
    unconfirmed_for_days = requests.filter(
        status=Status.UNCONFIRMED, received_at__lt=ended - timedelta(days=3)
    )

    assert lapsed.count() >= 2
    for request in lapsed:
        kinds = set(request.reminders.values_list("kind", flat=True))
        assert kinds == {Reminder.Kind.CONFIRM_EMAIL, Reminder.Kind.LAPSED}
        assert request.events.filter(kind=Kind.LAPSED).count() == 1
    assert unconfirmed_for_days
    assert all(reminded.filter(request=request).exists() for request in unconfirmed_for_days)
    assert reminded.filter(request__status__in=[Status.NEW, Status.CLOSED]).exists()


def test_requests_are_worked_on_extended_asked_checked_and_answered(requests):
    kinds = set(RequestEvent.objects.values_list("kind", flat=True))

    assert kinds >= {
        Kind.FILED,
        Kind.EMAIL_CONFIRMED,
        Kind.STARTED,
        Kind.TASK_DONE,
        Kind.EXTENDED,
        Kind.DUE_DATE_MOVED,
        Kind.WAIT_STARTED,
        Kind.WAIT_ENDED,
        Kind.IDENTITY_CHECKED,
        Kind.MESSAGE_FROM_REQUESTER,
        Kind.MESSAGE_FROM_TEAM,
        Kind.ANSWERED,
        Kind.REFUSED,
        Kind.CLOSED,
        Kind.WITHDRAWN,
        Kind.LAPSED,
        Kind.REMINDER_SENT,
        Kind.ESCALATED,
    }
    assert requests.filter(extended_at__isnull=False).exists()
    assert set(Wait.objects.values_list("reason", flat=True)) == set(WaitReason.values)
    assert requests.filter(status=Status.ANSWERED, refused_in_part=True).exists()
    assert requests.exclude(assignee=None).exists()
    assert requests.filter(status=Status.IN_PROGRESS, tasks__done_at=None).exists()


def test_disputes_in_several_states_each_with_its_case_file(requests):
    disputes = Dispute.objects.all()

    assert disputes.values("status").distinct().count() >= 4
    for dispute in disputes:
        assert dispute.case_file_pdf and dispute.case_file_json
        escalated = dispute.request.events.filter(kind=Kind.ESCALATED)
        assert escalated.get().data["dispute"] == dispute.pk


def test_nothing_is_due_right_after_seeding(seeded, requests):
    _output, ended = seeded

    assert reminders.sweep_all(ended) == []


def test_a_later_real_filing_gets_the_next_reference(seeded, requests):
    _output, ended = seeded
    year = localtime.local_date(ended).year
    this_year = requests.filter(reference__startswith=f"DSR-{year}-")
    last = max(int(reference[-6:]) for reference in this_year.values_list("reference", flat=True))

    with time_machine.travel(ended):
        assert file_request().reference == f"DSR-{year}-{last + 1:06d}"


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_requests_counted_back_from_now(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    fields = ["full_name", "email", "status", "request_type", "country", "details", "language"]
    runs = []
    for now in (NOW, NOW + timedelta(days=1)):
        before = PrivacyRequest.objects.count()
        with time_machine.travel(now, tick=False):
            seed(requests=40, seed=7)
        made = PrivacyRequest.objects.order_by("pk")[before:].values_list(*fields, "received_at")
        runs.append([(*row, now - received) for *row, received in made])

    assert runs[0] == runs[1]


@pytest.mark.django_db
def test_a_filing_made_days_ago_counts_its_due_date_and_reminders_from_then():
    received_at = NOW - timedelta(days=10)
    data = {name: value for name, value in VALID_FILING.items() if name != "consent"}
    with time_machine.travel(NOW):
        request, _created = services.file_request(
            data, language="de", ip_address="192.0.2.1", received_at=received_at
        )

    assert request.received_at == request.next_reminder_at == received_at
    assert request.waits.get(reason=WaitReason.EMAIL).started_at == received_at
    assert (request.due_on, request.due_rule) == (date(2026, 3, 20), "gdpr_month")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_requests_must_be_a_positive_whole_number(value):
    before = PrivacyRequest.objects.count()
    with pytest.raises(CommandError, match="--requests"):
        call_command("seed_demo", f"--requests={value}")
    assert PrivacyRequest.objects.count() == before


@pytest.mark.django_db
def test_requests_is_required():
    with pytest.raises(CommandError, match="--requests"):
        call_command("seed_demo")
