"""Staff reach the admin only with a password and a TOTP code; repeated failures lock them out."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-enough-password-42"


@pytest.fixture
def officer(db):
    user = get_user_model().objects.create_superuser("officer", "o@example.com", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_password_alone_does_not_open_the_admin(client, officer):
    user, _device = officer
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_password_and_code_open_the_admin(client, officer):
    _user, device = officer

    response = client.post(
        LOGIN,
        {
            "username": "officer",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code(device),
        },
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, officer):
    _user, device = officer

    response = client.post(
        LOGIN,
        {
            "username": "officer",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": "000000",
        },
    )

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_without_the_second_factor_setting_a_password_suffices(client, officer, settings):
    settings.ADMIN_REQUIRE_2FA = False

    client.post(LOGIN, {"username": "officer", "password": PASSWORD})

    assert client.get("/admin/").status_code == 200


def test_repeated_failed_logins_lock_the_account_out(client, officer, settings):
    settings.ADMIN_REQUIRE_2FA = False
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "officer", "password": "wrong"})

    response = client.post(LOGIN, {"username": "officer", "password": PASSWORD})

    assert response.status_code in (403, 429)
    assert client.get("/admin/").status_code == 302


def test_a_staff_session_ends_when_staff_session_hours_have_passed(admin_client, settings):
    signed_in_at = timezone.now()
    hours = timedelta(hours=settings.STAFF_SESSION_HOURS)

    with time_machine.travel(signed_in_at + hours - timedelta(minutes=1)):
        still_open = admin_client.get("/admin/")
    with time_machine.travel(signed_in_at + hours + timedelta(minutes=1)):
        ended = admin_client.get("/admin/")

    assert settings.SESSION_COOKIE_AGE == settings.STAFF_SESSION_HOURS * 3600
    assert still_open.status_code == 200
    assert ended.status_code == 302
    assert ended["Location"].startswith("/admin/login/")
