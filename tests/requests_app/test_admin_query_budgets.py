"""Query budgets of the officer's pages, pinned on a small data set (speed is in bench/)."""

import pytest
from django.contrib.auth import get_user_model

from tests.helpers import file_request

LIST = "/admin/requests_app/privacyrequest/"


@pytest.fixture
def busy_queue(db):
    staff = [get_user_model().objects.create_user(f"staff{n}", is_staff=True) for n in range(3)]
    requests = []
    for n in range(30):
        request = file_request(details=f"request {n}", request_type=["access", "deletion"][n % 2])
        if n % 3:
            request._confirm_email()
            request.start(staff[n % 3])
        requests.append(request)
    return requests


@pytest.mark.django_db
def test_the_request_list_takes_at_most_10_queries(
    admin_client, busy_queue, django_assert_max_num_queries
):
    admin_client.get(LIST)  # warm the session and the content types
    with django_assert_max_num_queries(10):
        response = admin_client.get(f"{LIST}?open=all")

    assert len(response.context["cl"].result_list) == len(busy_queue)


@pytest.mark.django_db
def test_search_by_reference_or_email_takes_at_most_10_queries(
    admin_client, busy_queue, django_assert_max_num_queries
):
    admin_client.get(LIST)
    with django_assert_max_num_queries(10):
        by_reference = admin_client.get(f"{LIST}?open=all&q={busy_queue[5].reference}")
    with django_assert_max_num_queries(10):
        by_email = admin_client.get(f"{LIST}?open=all&q=erika@example.de")

    assert list(by_reference.context["cl"].result_list) == [busy_queue[5]]
    assert len(by_email.context["cl"].result_list) == len(busy_queue)


@pytest.mark.django_db
def test_a_request_page_takes_at_most_30_queries(
    admin_client, busy_queue, django_assert_max_num_queries
):
    request = busy_queue[4]
    admin_client.get(f"{LIST}{busy_queue[1].pk}/change/")
    with django_assert_max_num_queries(30):
        response = admin_client.get(f"{LIST}{request.pk}/change/")

    assert response.context["original"] == request
    assert request.reference in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_takes_at_most_12_queries(
    admin_client, busy_queue, django_assert_max_num_queries
):
    admin_client.get("/admin/")
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/")

    counts = {tile.label: tile.count for tile in response.context["tiles"]}
    assert counts["Awaiting e-mail confirmation"] == 10
