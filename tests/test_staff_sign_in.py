"""Staff reach the admin only with a password and a TOTP code; repeated failures lock them out."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
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


PROXY = "10.0.0.2"


def sign_in(client, password: str, **headers: str):
    return client.post(LOGIN, {"username": "officer", "password": password}, **headers)


def test_behind_the_proxy_a_lockout_holds_the_failing_client_only(client, officer, settings):
    settings.ADMIN_REQUIRE_2FA = False
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", **attacker)
    officer_browser = Client()

    locked = sign_in(client, PASSWORD, **attacker)
    spoofed = sign_in(
        client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66"
    )
    signed_in = sign_in(
        officer_browser, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.10"
    )

    assert locked.status_code in (403, 429)
    assert spoofed.status_code in (403, 429)
    assert signed_in.status_code == 302
    assert officer_browser.get("/admin/").status_code == 200


def test_without_trusted_proxies_a_forged_forwarded_header_does_not_lift_a_lockout(
    client, officer, settings
):
    settings.ADMIN_REQUIRE_2FA = False
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = sign_in(
        client, PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )

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
