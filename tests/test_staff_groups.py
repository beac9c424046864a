"""The two staff groups in practice: officers may do everything, staff work requests only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from disputes_app import services as dispute_services
from requests_app.models import DataSystem, OutboxEmail, RefusalReason, Status
from tests.helpers import file_request


def signed_in(client, group: str):
    user = get_user_model().objects.create_user(group.replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.mark.django_db
def test_privacy_staff_work_a_request_from_the_queue(client):
    staff = signed_in(client, "Privacy staff")
    request = file_request()
    request._confirm_email()

    assert staff.get("/admin/requests_app/privacyrequest/").status_code == 200
    staff.post(f"/admin/requests_app/privacyrequest/{request.pk}/step/start/")

    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_privacy_staff_change_no_settings_and_delete_nothing(client):
    staff = signed_in(client, "Privacy staff")
    system = DataSystem.objects.first()

    assert staff.get(f"/admin/requests_app/datasystem/{system.pk}/change/").status_code == 200
    staff.post(
        f"/admin/requests_app/datasystem/{system.pk}/change/",
        {"name": "Renamed", "kind": system.kind, "active": "on"},
    )
    assert DataSystem.objects.get(pk=system.pk).name == system.name
    assert staff.get("/admin/requests_app/datasystem/add/").status_code == 403
    assert staff.get("/admin/auth/user/").status_code == 403
    assert staff.get("/admin/disputes_app/recoursebody/add/").status_code == 403


@pytest.mark.django_db
def test_privacy_officers_change_settings_and_manage_users(client):
    officer = signed_in(client, "Privacy officers")
    system = DataSystem.objects.first()

    officer.post(
        f"/admin/requests_app/datasystem/{system.pk}/change/",
        {"name": "Renamed", "kind": system.kind, "connector": "manual", "active": "on"},
    )

    assert DataSystem.objects.get(pk=system.pk).name == "Renamed"
    assert officer.get("/admin/auth/user/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Privacy officers", "Privacy staff"])
def test_both_groups_run_every_kind_of_admin_action(client, group, mailoutbox):
    member = signed_in(client, group)
    request = file_request()
    request._confirm_email()
    OutboxEmail.objects.update(state=OutboxEmail.State.FAILED, attempts=8)

    for action in ["assign_to_me", "start_requests"]:
        member.post(
            "/admin/requests_app/privacyrequest/",
            {"action": action, "_selected_action": [request.pk]},
        )
    member.post(
        "/admin/requests_app/outboxemail/",
        {
            "action": "retry",
            "_selected_action": list(OutboxEmail.objects.values_list("pk", flat=True)),
        },
    )
    request.refresh_from_db()
    request._refuse(RefusalReason.NO_DATA)
    dispute, _created = dispute_services.escalate(request, "I know you hold my data.")
    member.post(
        "/admin/disputes_app/dispute/", {"action": "acknowledge", "_selected_action": [dispute.pk]}
    )

    request.refresh_from_db()
    dispute.refresh_from_db()
    assert (request.assignee.username, request.events.filter(kind="started").count()) == (
        group.replace(" ", "-"),
        1,
    )
    assert not OutboxEmail.objects.filter(state=OutboxEmail.State.FAILED).exists()
    assert dispute.status == "acknowledged"
