"""Disputes in the admin: steps for staff who may change them, case files for those who may
see them, and nothing for anyone else (issue 12)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from disputes_app import services
from disputes_app.admin import DisputeAdmin
from disputes_app.models import Dispute, Outcome
from requests_app.models import OutboxEmail, RefusalReason
from tests.helpers import file_request, member_of, past_second_factor, staff_member

DISPUTES = "/admin/disputes_app/dispute"
STEPS = [action.__name__ for action in DisputeAdmin.actions]
# The state a step is taken from, where it is not the state a dispute is filed in.
BEFORE = {
    "remedy_done": lambda dispute: dispute.decide(Outcome.UPHELD),
    "close": lambda dispute: dispute.decide(Outcome.NOT_UPHELD),
}


@pytest.fixture
def dispute(db) -> Dispute:
    request = file_request()
    request._confirm_email()
    request._refuse(RefusalReason.NO_DATA)
    return services.escalate(request, "I know you hold my data.")[0]


def everything_about(dispute: Dispute) -> dict[str, Any]:
    """The dispute's row, its events, its request's events and the outbox."""
    return {
        "dispute": Dispute.objects.filter(pk=dispute.pk).values().get(),
        "events": list(dispute.events.order_by("pk").values()),
        "request_events": list(dispute.request.events.order_by("pk").values()),
        "outbox": list(OutboxEmail.objects.order_by("pk").values()),
    }


def case_file_links(page: str) -> dict[str, str]:
    links = re.findall(r'href="(/admin/disputes_app/dispute/\d+/case-file\.(pdf|json))"', page)
    return {fmt: url for url, fmt in links}


@pytest.mark.django_db
@pytest.mark.parametrize("step", STEPS)
def test_view_only_staff_are_not_offered_a_dispute_step_that_an_officer_takes(
    view_only_client, dispute, step
):
    BEFORE.get(step, lambda dispute: None)(dispute)
    before = everything_about(dispute)

    changelist = view_only_client.get(f"{DISPUTES}/").content.decode()
    view_only_client.post(f"{DISPUTES}/", {"action": step, "_selected_action": [dispute.pk]})

    assert dispute.request.reference in changelist
    assert f'value="{step}"' not in changelist
    assert everything_about(dispute) == before
    member_of("Privacy officers").post(
        f"{DISPUTES}/", {"action": step, "_selected_action": [dispute.pk]}
    )
    assert everything_about(dispute) != before


@pytest.mark.django_db
def test_the_dispute_page_links_download_its_case_files(view_only_client, dispute):
    page = view_only_client.get(f"{DISPUTES}/{dispute.pk}/change/").content.decode()
    links = case_file_links(page)

    assert sorted(links) == ["json", "pdf"]
    for fmt, stored in [("pdf", dispute.case_file_pdf), ("json", dispute.case_file_json)]:
        response = view_only_client.get(links[fmt])
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="{dispute.request.reference}-case-file.{fmt}"'
        )
        with stored.open("rb") as content:
            assert b"".join(response.streaming_content) == content.read()


@pytest.mark.django_db
def test_staff_who_may_not_see_disputes_cannot_download_a_case_file(client, dispute):
    requests_only = Permission.objects.filter(
        content_type__app_label="requests_app", codename__startswith="view_"
    )
    staff = past_second_factor(client, staff_member("requests-only", list(requests_only)))

    for fmt in ["pdf", "json"]:
        assert staff.get(f"{DISPUTES}/{dispute.pk}/case-file.{fmt}").status_code == 403


@pytest.mark.django_db
def test_no_other_path_serves_a_case_file(admin_client, dispute):
    change_page = f"{DISPUTES}/{dispute.pk}/change/"
    page = admin_client.get(change_page).content.decode()

    for stored in [dispute.case_file_pdf, dispute.case_file_json]:
        assert stored.name not in page
        for path in [f"/{stored.name}", f"/media/{stored.name}", f"{change_page}{stored.name}"]:
            assert admin_client.get(path).status_code != 200, path


@pytest.mark.django_db
def test_an_unknown_case_file_format_is_not_found(admin_client, dispute):
    assert admin_client.get(f"{DISPUTES}/{dispute.pk}/case-file.txt").status_code == 404


@pytest.mark.django_db
def test_without_permission_a_case_file_of_a_dispute_that_exists_answers_as_a_missing_one(
    unpermitted_client, dispute
):
    existing = unpermitted_client.get(f"{DISPUTES}/{dispute.pk}/case-file.pdf")
    absent = unpermitted_client.get(f"{DISPUTES}/{dispute.pk + 1000}/case-file.pdf")

    assert existing.status_code == absent.status_code == 403
