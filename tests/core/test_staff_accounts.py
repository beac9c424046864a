"""The first officer account and staff authenticators, as `make run` and DEPLOY.md use them."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ensure_officer_creates_one_officer_once_and_shows_the_password_only_then():
    first = run("ensure_officer")
    again = run("ensure_officer")

    officer = get_user_model().objects.get()
    password = re.search(r"with the password (\S+)", first)[1]
    assert officer.username == "officer"
    assert officer.is_superuser
    assert officer.check_password(password)
    assert list(officer.groups.values_list("name", flat=True)) == ["Privacy officers"]
    assert "otpauth://totp/" in first
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1
    assert "Officer accounts: officer." in again
    assert password not in again


@pytest.mark.django_db
def test_ensure_officer_gives_no_authenticator_when_the_second_factor_is_off(settings):
    settings.ADMIN_REQUIRE_2FA = False

    printed = run("ensure_officer", "--username", "dpo")

    assert get_user_model().objects.get().username == "dpo"
    assert "otpauth://" not in printed
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_enrol_totp_replaces_a_staff_members_authenticator():
    user = get_user_model().objects.create_user("staff", is_staff=True)
    run("enrol_totp", "staff")
    old = TOTPDevice.objects.get(user=user)

    printed = run("enrol_totp", "staff")

    new = TOTPDevice.objects.get(user=user)
    assert new.pk != old.pk
    assert new.config_url in printed


@pytest.mark.django_db
def test_enrol_totp_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("enrol_totp", "nobody")
