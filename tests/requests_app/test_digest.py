"""One digest a day instead of a reminder per request, for the officers who choose it.

The organisation is in Berlin (UTC+1 until Sunday 29 March 2026, then UTC+2); Ana takes her
digest at 09:00 there. The digest's day in these tests is Thursday 26 March 2026.
"""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from requests_app import digests, outbox, reminders, services
from requests_app.models import Digest, OfficerPreference, OutboxEmail, PrivacyRequest, Reminder
from tests.helpers import file_request, member_of, past_second_factor, run_at_once

OFFICER = "privacy-officer@localhost"
ANA = "ana@example.com"
DAY = date(2026, 3, 26)
AT_NINE = datetime.fromisoformat("2026-03-26T09:00:00+01:00")
PREFERENCES = "/admin/requests_app/officerpreference/"


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.ORGANISATION_TIME_ZONE = "Europe/Berlin"


def at(moment: datetime | str):
    return time_machine.travel(moment, tick=False)


def officer(username: str, *, digest_hour: int | None = 9):
    """A staff member; with a digest at `digest_hour` unless it is None."""
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.com", is_staff=True
    )
    if digest_hour is not None:
        OfficerPreference.choose(user, digest=True, digest_hour=digest_hour)
    return user


def confirmed(filed: str, assignee=None, **overrides) -> PrivacyRequest:
    """A request filed at `filed` (UTC), confirmed half an hour later, assigned if given."""
    moment = datetime.fromisoformat(f"{filed}+00:00")
    with at(moment):
        request = file_request(**{"details": f"filed {filed}", **overrides})
    with at(moment + timedelta(minutes=30)):
        request._confirm_email()
        if assignee is not None:
            request.assign(assignee)
    request.refresh_from_db()
    return request


def digest_emails(to: str = ANA) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind="officer_digest", to=to).order_by("pk"))


def listed(email: OutboxEmail) -> dict[str, list[str]]:
    """Each list of a digest e-mail: the references in it."""
    return {
        each["kind"]: [item["reference"] for item in each["items"]]
        for each in email.context["lists"]
    }


def sweep_at(moment: datetime | str) -> list[reminders.Queued]:
    with at(moment):
        return reminders.sweep_all()


@pytest.mark.django_db
def test_without_a_choice_an_officer_gets_a_reminder_per_request_and_no_digest():
    ana = officer("ana", digest_hour=None)
    request = confirmed("2026-03-25T10:00:00", ana)

    lines = sweep_at(AT_NINE)

    assert [(line.reference, line.kind, line.recipient) for line in lines] == [
        (request.reference, "new_request", OFFICER),
        (request.reference, "new_request", ANA),
    ]
    assert digest_emails() == []
    assert Digest.objects.count() == 0


@pytest.mark.django_db
def test_the_digest_lists_overdue_due_today_due_soon_and_new_requests_each_once():
    ana, bob = officer("ana"), officer("bob", digest_hour=None)
    overdue = confirmed("2026-02-20T10:00:00", ana)
    due_today = confirmed("2026-02-26T10:00:00")  # assigned to no one
    due_soon = confirmed("2026-03-02T10:00:00", ana)
    new = confirmed("2026-03-20T10:00:00", ana)
    with at("2026-03-21T10:00:00+00:00"):
        overdue.start(ana)
        started_later = confirmed("2026-03-21T09:00:00", ana)
        started_later.start(ana)  # in progress and due in April: in no list
        bobs = confirmed("2026-02-20T11:00:00", bob)  # Bob's: not in Ana's digest
        answered = confirmed("2026-02-21T10:00:00", ana)
        services.answer(answered, "Here is your data.", ana)
        file_request(details="never confirmed")
    assert [overdue.due_on, due_today.due_on, due_soon.due_on, new.due_on] == [
        date(2026, 3, 20),
        DAY,
        date(2026, 4, 2),
        date(2026, 4, 20),
    ]

    lines = sweep_at(AT_NINE)

    (email,) = digest_emails()
    assert listed(email) == {
        "overdue": [overdue.reference],
        "due_today": [due_today.reference],
        "due_soon": [due_soon.reference],
        "new": [new.reference],
    }
    assert ("2026-03-26", "officer_digest", ANA) in [
        (line.reference, line.kind, line.recipient) for line in lines
    ]
    text = outbox.render(email).text
    assert f"{overdue.reference} (Access: a copy of my data and how it is used)" in text
    assert "due on 2026-03-20, 6 days overdue" in text
    assert f"{due_today.reference} (Access" in text
    assert "not assigned" in text
    assert f"/admin/requests_app/privacyrequest/{due_soon.pk}/change/" in text
    for absent in [bobs, answered, started_later]:
        assert absent.reference not in text
    subject = outbox.render(email).subject
    assert subject == "Your privacy requests on 2026-03-26: 4 to look at"


@pytest.mark.django_db
def test_the_digest_counts_in_words_and_says_when_an_extension_is_still_possible():
    ana = officer("ana")
    confirmed("2026-02-26T10:00:00", ana)
    confirmed("2026-02-26T11:00:00", ana, request_type="complaint")  # 45 days: new
    confirmed("2026-03-02T10:00:00", ana)
    confirmed("2026-03-02T11:00:00", ana)

    sweep_at(AT_NINE)

    rendered = outbox.render(digest_emails()[0])
    assert "Due today: 1 request" in rendered.text
    assert "Due within 7 days: 2 requests" in rendered.text
    assert "New, not yet started: 1 request" in rendered.text
    assert rendered.text.count("an extension, if one is needed, must be announced by then") == 3
    assert "Due within 7 days: 2 requests" in rendered.html
    assert "Overdue" not in rendered.text


@pytest.mark.django_db
def test_an_officer_with_the_digest_gets_no_reminder_of_her_requests_and_the_shared_address_does():
    ana = officer("ana")
    request = confirmed("2026-03-02T10:00:00", ana)
    moments = [
        datetime.fromisoformat("2026-03-02T10:00:00+00:00") + timedelta(hours=hours)
        for hours in range(31 * 24)  # to 2 April, 09:00 UTC: the day it is due
    ]

    sent = []
    for moment in moments:
        sent += [(moment, line.kind, line.recipient) for line in sweep_at(moment)]

    to_the_officer = [(moment.date(), kind) for moment, kind, to in sent if to == OFFICER]
    assert to_the_officer == [
        (date(2026, 3, 2), "new_request"),
        (date(2026, 3, 26), "due_soon"),
        (date(2026, 3, 28), "extension_deadline"),
        (date(2026, 3, 31), "due_soon"),
        (date(2026, 4, 2), "due_today"),
    ]
    assert Reminder.objects.filter(request=request).count() == 5
    assert request.events.filter(kind="reminder_sent").count() == 5
    to_ana = [(moment, kind) for moment, kind, to in sent if to == ANA]
    assert {kind for _moment, kind in to_ana} == {"officer_digest"}
    # One a day, at nine in Berlin: 08:00 UTC, and 07:00 UTC once summer time began on 29 March.
    assert [moment.date() for moment, _kind in to_ana] == [
        date(2026, 3, 2) + timedelta(days=n) for n in range(32)
    ]
    summer = date(2026, 3, 29)
    hours = {moment.date(): moment.hour for moment, _kind in to_ana}
    assert {hour for day, hour in hours.items() if date(2026, 3, 3) <= day < summer} == {8}
    assert {hour for day, hour in hours.items() if day >= summer} == {7}


@pytest.mark.django_db
def test_nothing_before_the_officers_hour():
    officer("ana")
    confirmed("2026-03-20T10:00:00")

    sweep_at("2026-03-26T08:59:59+01:00")
    assert digest_emails() == []

    sweep_at(AT_NINE)
    assert len(digest_emails()) == 1


@pytest.mark.django_db
def test_one_digest_a_day_however_often_the_sweep_runs_and_a_new_one_the_next_day():
    officer("ana")
    confirmed("2026-03-20T10:00:00")

    for minutes in [0, 0, 5, 60, 14 * 60 + 59]:
        sweep_at(AT_NINE + timedelta(minutes=minutes))
    assert len(digest_emails()) == 1

    sweep_at(AT_NINE + timedelta(days=1))
    sweep_at(AT_NINE + timedelta(days=1, hours=3))

    days = list(Digest.objects.order_by("day").values_list("day", flat=True))
    assert days == [DAY, DAY + timedelta(days=1)]
    assert len(digest_emails()) == 2


@pytest.mark.django_db
def test_a_sweep_that_found_no_digest_a_moment_ago_sends_none_once_another_did():
    ana = officer("ana")
    confirmed("2026-03-20T10:00:00")

    with at(AT_NINE):
        first = digests.send_digest(ana, DAY)
        second = digests.send_digest(ana, DAY)

    assert [line.kind for line in first] == ["officer_digest"]
    assert second == []
    assert len(digest_emails()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_officer_one_digest():
    officers = [officer(f"officer{n}") for n in range(8)]
    confirmed("2026-03-20T10:00:00")

    with at(AT_NINE):
        results = run_at_once([lambda: digests.sweep(AT_NINE) for _ in range(2)])

    lines = [str(line) for result in results for line in result]
    assert sorted(lines) == sorted(f"2026-03-26 officer_digest {o.email}" for o in officers)
    assert OutboxEmail.objects.filter(kind="officer_digest").count() == len(officers)
    assert Digest.objects.count() == len(officers)


@pytest.mark.django_db
def test_empty_lists_send_no_email_and_what_arrives_later_waits_for_the_next_day():
    officer("ana")

    assert sweep_at(AT_NINE) == []
    assert digest_emails() == []
    assert Digest.objects.get().listed == 0

    confirmed("2026-03-26T11:00:00")
    sweep_at("2026-03-26T15:00:00+01:00")
    assert digest_emails() == []

    sweep_at(AT_NINE + timedelta(days=1))
    assert len(digest_emails()) == 1


@pytest.mark.django_db
def test_someone_who_left_gets_no_digest():
    gone, demoted = officer("gone"), officer("demoted")
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    get_user_model().objects.filter(pk=demoted.pk).update(is_staff=False)
    confirmed("2026-03-20T10:00:00")

    sweep_at(AT_NINE)

    assert OutboxEmail.objects.filter(kind="officer_digest").count() == 0
    assert Digest.objects.count() == 0


@pytest.mark.django_db
def test_a_long_list_shows_its_first_requests_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr(digests, "LIST_LIMIT", 2)
    officer("ana")
    for hour in range(10, 13):
        confirmed(f"2026-03-20T{hour}:00:00")

    sweep_at(AT_NINE)

    email = digest_emails()[0]
    assert len(listed(email)["new"]) == 2
    text = outbox.render(email).text
    assert "New, not yet started: 3 requests" in text
    assert "and 1 more, in the queue" in text


@pytest.mark.django_db
def test_the_digest_carries_no_personal_data():
    ana = officer("ana")
    confirmed("2026-03-20T10:00:00", ana, full_name="Zoë Unique", details="my secret matter")

    sweep_at(AT_NINE)

    rendered = outbox.render(digest_emails()[0])
    text = rendered.subject + rendered.text + rendered.html
    for personal in ["Zoë", "Unique", "erika@example.de", "secret matter"]:
        assert personal not in text


@pytest.mark.django_db
def test_a_staff_member_sets_their_own_digest_under_my_email():
    staff = member_of("Privacy staff")

    index = staff.get("/admin/").content.decode()
    first = staff.get(PREFERENCES)
    staff.post(f"{PREFERENCES}add/", {"digest": "on", "digest_hour": "7"})
    again = staff.get(PREFERENCES)

    own = OfficerPreference.objects.get()
    assert f'<a href="{PREFERENCES}">My e-mail</a>' in index
    assert first.url == f"{PREFERENCES}add/"
    assert (own.user.username, own.digest, own.digest_hour) == ("Privacy-staff", True, 7)
    assert again.url == f"{PREFERENCES}{own.pk}/change/"
    page = staff.get(again.url).content.decode()
    assert "My e-mail" in page
    assert "Europe/Berlin" in page
    staff.post(again.url, {"digest_hour": "7"})
    assert OfficerPreference.objects.get().digest is False


@pytest.mark.django_db
def test_a_staff_member_can_neither_see_nor_change_another_ones_preference():
    bob = officer("bob", digest_hour=10)
    bobs = bob.officer_preference
    staff = member_of("Privacy staff")

    page = staff.get(f"{PREFERENCES}{bobs.pk}/change/")
    staff.post(f"{PREFERENCES}{bobs.pk}/change/", {"digest_hour": "3"})
    staff.post(f"{PREFERENCES}add/", {"user": bob.pk, "digest_hour": "4"})

    assert page.status_code == 302
    assert page.url == "/admin/"
    bobs.refresh_from_db()
    assert (bobs.digest, bobs.digest_hour) == (True, 10)
    assert OfficerPreference.objects.get(user__username="Privacy-staff").digest_hour == 4


@pytest.mark.django_db
def test_a_superuser_lists_and_changes_everyones_preference(admin_user):
    bob = officer("bob", digest_hour=10)
    officer("carla", digest_hour=None)
    superuser = past_second_factor(Client(), admin_user)

    listing = superuser.get(PREFERENCES).content.decode()
    superuser.post(f"{PREFERENCES}{bob.officer_preference.pk}/change/", {"digest_hour": "6"})

    bobs = OfficerPreference.objects.get(user=bob)
    assert "bob" in listing
    assert "carla" not in listing  # no choice made: the default, a reminder per request
    assert (bobs.digest, bobs.digest_hour) == (False, 6)
