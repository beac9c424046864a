"""Duplicates: flagged on both requests' pages and in a list filter, merged by the officer,
and never a reason to refuse a filing or a confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from requests_app import outbox, services
from requests_app.models import (
    AccessLink,
    OutboxEmail,
    PrivacyRequest,
    RequestEvent,
    Status,
    TransitionNotAllowed,
)
from tests.helpers import VALID_FILING, file_request, link_in, run_at_once

LIST = "/admin/requests_app/privacyrequest/"
Kind = RequestEvent.Kind


def confirmed(details: str, **overrides: str) -> PrivacyRequest:
    request = file_request(details=details, **overrides)
    request._confirm_email()
    return request


def filed_in(language: str, details: str) -> PrivacyRequest:
    data = {**VALID_FILING, "details": details}
    data.pop("consent")
    request, _created = services.file_request(data, language=language, ip_address="192.0.2.1")
    request._confirm_email()
    return request


def flagged() -> set[PrivacyRequest]:
    return set(PrivacyRequest.possible_duplicates())


def listed(admin_client, query: str) -> set[PrivacyRequest]:
    return set(admin_client.get(f"{LIST}{query}").context["cl"].result_list)


def step_links(admin_client, request: PrivacyRequest) -> list[str]:
    return [url for url, _label in admin_client.get(f"{LIST}{request.pk}/change/").context["steps"]]


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer", is_staff=True)


@pytest.fixture
def pair(db) -> tuple[PrivacyRequest, PrivacyRequest]:
    """The first request and a later one from the same address, in other letters, same type."""
    first = confirmed("Please send me my data.")
    later = confirmed("Send me everything you have on me.", email="ERIKA@Example.de")
    return first, later


def test_requests_of_one_address_in_any_case_and_of_one_type_flag_each_other(pair):
    first, later = pair
    other_type = confirmed("Delete it all.", request_type="deletion")
    other_address = confirmed("My data, please.", email="max@example.de")

    assert flagged() == {first, later}
    assert list(first.open_duplicates()) == [later]
    assert list(later.open_duplicates()) == [first]
    assert list(other_type.open_duplicates()) == list(other_address.open_duplicates()) == []


@pytest.mark.django_db
def test_an_unconfirmed_or_closed_request_is_never_flagged_and_flags_no_other():
    open_one = confirmed("Please send me my data.")
    unconfirmed = file_request(details="Not confirmed yet.")
    withdrawn = confirmed("Changed my mind.")
    services.withdraw(withdrawn)
    answered = confirmed("Answered already.")
    services.answer(answered, "Here it is.", None)

    assert flagged() == set()
    assert list(open_one.open_duplicates()) == []
    assert list(unconfirmed.open_duplicates()) == list(withdrawn.open_duplicates()) == []


def test_the_list_filter_shows_possible_duplicates_or_the_others(admin_client, pair):
    unique = confirmed("Delete it all.", request_type="deletion")
    unconfirmed = file_request(details="Not confirmed yet.")

    assert listed(admin_client, "?duplicate=yes") == set(pair)
    assert listed(admin_client, "?duplicate=no") == {unique, unconfirmed}
    assert listed(admin_client, "") == {*pair, unique, unconfirmed}


@pytest.mark.django_db
def test_a_second_filing_and_its_confirmation_are_never_blocked_by_a_duplicate(client):
    for email, details in [("erika@example.de", "My data."), ("Erika@EXAMPLE.de", "My data!")]:
        filing = {**VALID_FILING, "email": email, "details": details}
        assert client.post("/requests/new/", filing).status_code == 302
    requests = list(PrivacyRequest.objects.order_by("received_at", "pk"))

    for request in requests:
        email = OutboxEmail.objects.get(request=request, kind="confirm_address")
        confirmed_page = client.post(f"/requests/verify/{link_in(email, 'verify')}/")
        assert confirmed_page.status_code == 302

    assert len(requests) == 2
    assert {r.status for r in PrivacyRequest.objects.all()} == {Status.NEW}
    assert flagged() == set(requests)


def test_the_merge_closes_the_later_one_and_records_it_on_both(pair, officer):
    first, later = pair

    services.close_as_duplicate(later, first, officer)

    later.refresh_from_db()
    assert (later.status, later.duplicate_of) == (Status.CLOSED, first)
    assert later.closed_at is not None and later.next_reminder_at is None
    closed = later.events.get(kind=Kind.CLOSED_AS_DUPLICATE)
    merged = first.events.get(kind=Kind.DUPLICATE_MERGED)
    assert (closed.staff_user, closed.data) == (officer, {"duplicate_of": first.reference})
    assert (merged.staff_user, merged.data) == (officer, {"duplicate": later.reference})
    first.refresh_from_db()
    assert first.status == Status.NEW
    assert flagged() == set()


@pytest.mark.django_db
def test_the_requester_is_told_in_the_requests_language_with_a_link_to_the_one_that_goes_on(
    client, officer
):
    first = confirmed("Please send me my data.")
    later = filed_in("de", "Bitte senden Sie mir meine Daten.")

    services.close_as_duplicate(later, first, officer)

    email = OutboxEmail.objects.get(kind="closed_as_duplicate")
    assert (email.request, email.to, email.language) == (later, later.email, "de")
    rendered = outbox.render(email)
    assert first.reference in rendered.subject and later.reference in rendered.subject
    assert first.reference in rendered.text
    assert f"Wir haben Ihren Antrag {later.reference} mit Ihrem Antrag" in rendered.text
    assert '<html lang="de">' in rendered.html
    surviving = client.get(f"/requests/status/{link_in(email, 'status')}/")
    assert surviving.context["privacy_request"] == first


def test_the_closed_requests_own_status_page_names_the_one_that_goes_on(client, pair, officer):
    first, later = pair
    services.close_as_duplicate(later, first, officer)

    page = client.get(f"/requests/status/{AccessLink.issue(later, 'status')}/").content.decode()

    assert f"closed as a duplicate of {first.reference}" in page


def test_a_merge_is_refused_when_the_one_that_goes_on_was_closed_meanwhile(pair, officer):
    first, later = pair
    as_the_officer_saw_it = PrivacyRequest.objects.get(pk=first.pk)
    services.withdraw(first)

    with pytest.raises(TransitionNotAllowed, match=first.reference):
        services.close_as_duplicate(later, as_the_officer_saw_it, officer)

    later.refresh_from_db()
    assert (later.status, later.duplicate_of) == (Status.NEW, None)
    assert not later.events.filter(kind=Kind.CLOSED_AS_DUPLICATE).exists()
    assert not OutboxEmail.objects.filter(kind="closed_as_duplicate").exists()


def test_the_first_request_cannot_be_closed_as_a_duplicate_of_a_later_one(pair, officer):
    first, later = pair

    with pytest.raises(TransitionNotAllowed, match="came after"):
        services.close_as_duplicate(first, later, officer)

    first.refresh_from_db()
    assert first.status == Status.NEW


def test_both_pages_name_the_other_and_only_the_later_offers_the_step(admin_client, pair):
    first, later = pair
    alone = confirmed("Delete it all.", request_type="deletion")

    for request, other in [(first, later), (later, first)]:
        response = admin_client.get(f"{LIST}{request.pk}/change/")
        assert list(response.context["duplicates"]) == [other]
        assert f'href="{LIST}{other.pk}/change/"' in response.content.decode()
    assert not admin_client.get(f"{LIST}{alone.pk}/change/").context["duplicates"]

    assert f"{LIST}{later.pk}/step/close_as_duplicate/" in step_links(admin_client, later)
    assert not any("close_as_duplicate" in url for url in step_links(admin_client, first))
    assert not any("close_as_duplicate" in url for url in step_links(admin_client, alone))


def test_the_admin_step_closes_the_later_one_as_a_duplicate_of_the_chosen_one(admin_client, pair):
    first, later = pair
    url = f"{LIST}{later.pk}/step/close_as_duplicate/"

    form = admin_client.get(url).context["form"]
    done = admin_client.post(url, {"original": first.reference})

    assert [choice for choice, _label in form.fields["original"].choices] == ["", first.reference]
    assert done.status_code == 302
    later.refresh_from_db()
    assert later.duplicate_of == first
    assert later.events.get(kind=Kind.CLOSED_AS_DUPLICATE).staff_user.is_superuser


def test_the_admin_step_accepts_only_an_earlier_open_request_of_the_same_address_and_type(
    admin_client, pair
):
    first, later = pair
    other_type = confirmed("Delete it all.", request_type="deletion")
    url = f"{LIST}{later.pk}/step/close_as_duplicate/"

    for wrong in [other_type.reference, later.reference, "DSR-2000-000001"]:
        response = admin_client.post(url, {"original": wrong})
        assert response.status_code == 200
        assert "Choose an open, confirmed request" in str(response.context["form"].errors)

    later.refresh_from_db()
    assert later.status == Status.NEW


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_officers_merging_the_same_pair_at_once_close_it_once():
    first = confirmed("Please send me my data.")
    later = confirmed("Send me everything.")
    officers = [get_user_model().objects.create_user(name) for name in ("anna", "ben")]

    def merge(officer):
        def job() -> object:
            try:
                return services.close_as_duplicate(
                    PrivacyRequest.objects.get(pk=later.pk),
                    PrivacyRequest.objects.get(pk=first.pk),
                    officer,
                )
            except TransitionNotAllowed as error:
                return error

        return job

    results = run_at_once([merge(officer) for officer in officers])

    assert sum(isinstance(result, TransitionNotAllowed) for result in results) == 1
    assert later.events.filter(kind=Kind.CLOSED_AS_DUPLICATE).count() == 1
    assert first.events.filter(kind=Kind.DUPLICATE_MERGED).count() == 1
    assert OutboxEmail.objects.filter(kind="closed_as_duplicate").count() == 1


@pytest.mark.django_db
def test_the_request_list_of_possible_duplicates_takes_at_most_10_queries(
    admin_client, django_assert_max_num_queries
):
    for n in range(30):
        request = file_request(details=f"request {n}", request_type=["access", "deletion"][n % 2])
        if n % 3:
            request._confirm_email()
    admin_client.get(LIST)  # warm the session and the content types

    with django_assert_max_num_queries(10):
        response = admin_client.get(f"{LIST}?duplicate=yes")

    assert len(response.context["cl"].result_list) == 20
